/**
 * Interleaved rounds for a wall-clock ratio on a shared machine: the two phases alternate
 * (ceiling, end to end, ceiling, end to end, ...) so that a swing in the machine's load falls on
 * both sides of a round rather than on one whole phase, and the ratio reported is the median of
 * the rounds' own ratios (a round caught by a swing is outvoted), with their spread.
 */

/** What each phase reports; the ratio is taken between the two rates. */
export interface PhaseRate {
    readonly rate: number;
}

export interface Round<Ceiling extends PhaseRate, EndToEnd extends PhaseRate> {
    readonly ceiling: Ceiling;
    readonly endToEnd: EndToEnd;
}

export interface RoundPhases<Ceiling extends PhaseRate, EndToEnd extends PhaseRate> {
    /** Runs the ceiling of round `round` (0-based). */
    readonly ceiling: (round: number) => Promise<Ceiling>;
    /** Runs end to end of round `round`, right after that round's ceiling. */
    readonly endToEnd: (round: number) => Promise<EndToEnd>;
}

/** Fewer rounds give no median: with 2 the "median" is a mean that one swing moves as much as it moves either round. */
export const MIN_ROUNDS = 3;

/** Runs `rounds` rounds, each the ceiling then end to end, one after another (never side by side: they share the CPUs). */
export async function interleavedRounds<Ceiling extends PhaseRate, EndToEnd extends PhaseRate>(
    rounds: number,
    phases: RoundPhases<Ceiling, EndToEnd>,
): Promise<Round<Ceiling, EndToEnd>[]> {
    if (!Number.isInteger(rounds) || rounds < MIN_ROUNDS) {
        throw new Error(`interleaved rounds need at least ${MIN_ROUNDS} rounds, ${rounds} given`);
    }
    const results: Round<Ceiling, EndToEnd>[] = [];
    for (let round = 0; round < rounds; round++) {
        const ceiling = await phases.ceiling(round);
        const endToEnd = await phases.endToEnd(round);
        results.push({ ceiling, endToEnd });
    }
    return results;
}

export interface RatioSummary {
    /** end to end / ceiling, per round, in round order. */
    readonly ratios: readonly number[];
    readonly median: number;
    readonly min: number;
    readonly max: number;
}

/** The per-round ratios end to end / ceiling, their median (mean of the middle two for an even count) and range. */
export function roundRatios(rounds: readonly Round<PhaseRate, PhaseRate>[]): RatioSummary {
    if (rounds.length === 0) {
        throw new Error("no rounds to summarize");
    }
    const ratios = rounds.map(({ ceiling, endToEnd }) => endToEnd.rate / ceiling.rate);
    const sorted = [...ratios].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return { ratios, median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}
