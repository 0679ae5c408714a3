/**
 * What the soak gathers, besides the freeze, about attempts cut off between a step and its
 * completion record (the README's named window): the invocations the runtime stopped at their
 * timeout, and the consumers' own log lines saying they gave up waiting for a downstream's
 * answer. The checks let each explain one repeat of a step it held (soak-checks.ts).
 */
import { Writable } from "node:stream";
import type { LocalRuntime } from "../runtime";
import { type CutOffEvidence, deadLetterKeyOfBody, type Downstream, type GaveUpWaiting, type TimedOutHolding } from "./soak-checks";

/** The transient failure `postJson` raises when the answer does not come in time (handlers/downstream.ts). */
const GAVE_UP_WAITING = /\b(PagerDuty|Slack) is unavailable: no answer within \d+ ms/;

/**
 * A sink for the consumers' stdout and stderr that keeps each attempt's "no answer within" failure
 * (one per attempt and downstream, however many lines mention it) and passes every chunk on.
 */
export class GaveUpWaitingLog extends Writable {
    private partialLine = "";
    private readonly seen = new Map<string, GaveUpWaiting>();

    constructor(private readonly passOn?: Writable) {
        super();
    }

    get entries(): readonly GaveUpWaiting[] {
        return [...this.seen.values()];
    }

    override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
        // Lines can span chunks: many execution environments write to one sink, each chunk by chunk.
        const lines = (this.partialLine + chunk.toString("utf8")).split("\n");
        this.partialLine = lines.pop() ?? "";
        lines.forEach((line) => this.read(line));
        if (this.passOn === undefined) {
            callback();
        } else {
            this.passOn.write(chunk, callback);
        }
    }

    private read(line: string): void {
        const downstream = GAVE_UP_WAITING.exec(line)?.[1] as Downstream | undefined;
        if (downstream === undefined) {
            return;
        }
        let entry: Record<string, unknown>;
        try {
            entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
            return;
        }
        const { escalationId, messageId, receiveCount, timestamp } = entry;
        if (typeof escalationId !== "string" || typeof timestamp !== "string") {
            return;
        }
        const attempt = `${String(messageId)}:${String(receiveCount)}:${downstream}`;
        if (!this.seen.has(attempt)) {
            this.seen.set(attempt, { escalationId, downstream, at: Date.parse(timestamp) });
        }
    }
}

/** The invocations each lane stopped at their timeout, with the plan keys of what they held. */
export function timedOutHoldings(runtime: LocalRuntime): TimedOutHolding[] {
    const lanes = [
        ["escalation", runtime.stats.escalation],
        ["toolCall", runtime.stats.toolCall],
    ] as const;
    return lanes.flatMap(([lane, stats]) =>
        stats.timedOut.map((invocation) => ({
            startMs: invocation.startedAt,
            endMs: invocation.endedAt,
            // The raw body too: a malformed message is known by its body.
            keys: invocation.bodies.flatMap((body) => [deadLetterKeyOfBody(body, lane), body]),
        })),
    );
}

export function cutOffEvidence(runtime: LocalRuntime, log: GaveUpWaitingLog): CutOffEvidence {
    return { timedOutInvocations: timedOutHoldings(runtime), gaveUpWaiting: log.entries };
}
