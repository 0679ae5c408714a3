/**
 * The interleaved rounds of bench/local-throughput.ts: the phases alternate (ceiling, end to end,
 * ceiling, end to end, ...) so that a load swing on the machine hits both sides of a round, and the
 * wall ratio reported is the median of the rounds' ratios with their spread.
 */
import { strict as assert } from "node:assert";
import { interleavedRounds, roundRatios } from "../../bench/interleaved-rounds";

describe("bench interleaved rounds", () => {
    it("runs the phases alternately, one of each per round, in round order", async () => {
        // Prepare
        const calls: string[] = [];
        const phases = {
            ceiling: async (round: number) => {
                calls.push(`ceiling ${round}`);
                return { rate: 100 };
            },
            endToEnd: async (round: number) => {
                calls.push(`end to end ${round}`);
                return { rate: 50 };
            },
        };

        // Act
        const rounds = await interleavedRounds(3, phases);

        // Assess
        assert.deepEqual(calls, ["ceiling 0", "end to end 0", "ceiling 1", "end to end 1", "ceiling 2", "end to end 2"]);
        assert.equal(rounds.length, 3);
    });

    it("refuses fewer than 3 rounds, which would give no median worth the name", async () => {
        // Act and Assess
        await assert.rejects(
            interleavedRounds(2, { ceiling: async () => ({ rate: 1 }), endToEnd: async () => ({ rate: 1 }) }),
            /at least 3 rounds, 2 given/,
        );
    });

    it("reports the median of the per-round ratios, not the ratio of the medians, with min and max", () => {
        // Prepare: round 2 ran while the load rose, slowing both of its phases alike.
        const rounds = [
            { ceiling: { rate: 100 }, endToEnd: { rate: 60 } },
            { ceiling: { rate: 20 }, endToEnd: { rate: 12 } },
            { ceiling: { rate: 80 }, endToEnd: { rate: 20 } },
        ];

        // Act
        const summary = roundRatios(rounds);

        // Assess: per round 0.6, 0.6, 0.25; the ratio of the medians would be 20 / 80 = 0.25.
        assert.deepEqual(summary.ratios, [0.6, 0.6, 0.25]);
        assert.equal(summary.median, 0.6);
        assert.equal(summary.min, 0.25);
        assert.equal(summary.max, 0.6);
    });

    it("takes the mean of the middle two for an even number of rounds", () => {
        // Prepare
        const rounds = [0.2, 0.4, 0.6, 0.8].map((ratio) => ({ ceiling: { rate: 10 }, endToEnd: { rate: 10 * ratio } }));

        // Act
        const summary = roundRatios(rounds);

        // Assess
        assert.ok(Math.abs(summary.median - 0.5) < 1e-9, `median ${summary.median}`);
        assert.ok(Math.abs(summary.min - 0.2) < 1e-9 && Math.abs(summary.max - 0.8) < 1e-9);
    });
});
