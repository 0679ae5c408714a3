// The SDK sends custom timeouts as Go duration strings ("5m", "1h30m"); the Analyzer protocol
// carries seconds. This converts the subset the SDK produces.
const unitSeconds: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** "1h30m" -> 5400; an empty or unreadable string -> 0 (no custom timeout), as the engine treats it. */
export function parseDurationSeconds(text: string): number {
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
        return 0;
    }
    return parts.reduce((total, [, amount, unit]) => total + Number(amount) * unitSeconds[unit], 0);
}
