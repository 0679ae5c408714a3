import type { SQSEvent, SQSRecord } from "aws-lambda";
import type { InvocationTarget } from "../../../local/event-source-mapping";
import type { InvocationOutcome } from "../../../local/lambda/execution-environment";

export interface RecordedInvocation {
    readonly records: readonly SQSRecord[];
    readonly startedAt: number;
    endedAt?: number;
}

/** An in-process invocation target that records every batch and answers with `answer`. */
export class RecordingTarget implements InvocationTarget {
    readonly invocations: RecordedInvocation[] = [];
    private running = 0;
    private peak = 0;

    constructor(private readonly answer: (event: SQSEvent) => Promise<InvocationOutcome> | InvocationOutcome = () => succeeded(null)) {}

    /** The most invocations that ran at the same time. */
    get peakConcurrency(): number {
        return this.peak;
    }

    get records(): SQSRecord[] {
        return this.invocations.flatMap((invocation) => invocation.records);
    }

    async invoke(event: SQSEvent): Promise<InvocationOutcome> {
        const invocation: RecordedInvocation = { records: event.Records, startedAt: Date.now() };
        this.invocations.push(invocation);
        this.running++;
        this.peak = Math.max(this.peak, this.running);
        try {
            return await this.answer(event);
        } finally {
            this.running--;
            invocation.endedAt = Date.now();
        }
    }
}

export function succeeded(response: unknown): InvocationOutcome {
    return { kind: "success", response, durationMs: 1 };
}

export function failedWith(message: string): InvocationOutcome {
    return { kind: "error", error: { name: "Error", message }, durationMs: 1 };
}

export function itemFailures(messageIds: readonly string[]): InvocationOutcome {
    return succeeded({ batchItemFailures: messageIds.map((itemIdentifier) => ({ itemIdentifier })) });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
