/** Nearest-rank percentiles of a sample (bench and soak figures). */
export interface Percentiles {
    readonly count: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
}

export function percentiles(values: readonly number[]): Percentiles {
    if (values.length === 0) {
        return { count: 0, p50: 0, p99: 0, max: 0 };
    }
    const sorted = [...values].sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
    return { count: sorted.length, p50: rank(50), p99: rank(99), max: sorted[sorted.length - 1]! };
}
