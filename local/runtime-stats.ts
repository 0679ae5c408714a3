import type { BatchReport } from "./event-source-mapping";
import { FakeReceiverKind, type RecordedRequest } from "./fake-receivers";

/**
 * An invocation the runtime stopped at its timeout: whatever it had sent downstream may have no
 * completion record, so its retry may repeat that step (the window README names).
 */
export interface TimedOutInvocation {
    /** Epoch milliseconds. */
    readonly startedAt: number;
    readonly endedAt: number;
    /** The bodies of the records it held. */
    readonly bodies: readonly string[];
}

/** Counters for one lane, fed by its event source mapping. */
export class LaneStats {
    invocations = 0;
    /** Records handed to the function, redeliveries included. */
    deliveries = 0;
    /** Records delivered for the first time (ApproximateReceiveCount 1): messages that reached the consumer. */
    firstDeliveries = 0;
    /** Records deleted after the function returned: done (paged, executed or forwarded to the DLQ by the handler). */
    processed = 0;
    /** Records left in the queue for another attempt. */
    retried = 0;
    timeouts = 0;
    failedInvocations = 0;
    /** Throttled invocations the mapping retried after a backoff (AWS does the same while the batch is hidden). */
    throttles = 0;
    /** The most records of one message group seen in one batch (FIFO: above 1 means multi-message groups ran). */
    mostRecordsOfOneGroup = 0;
    /** How long each invocation ran, in milliseconds (for percentiles). */
    readonly durationsMs: number[] = [];
    /** Every invocation stopped at its timeout, with what it held. */
    readonly timedOut: TimedOutInvocation[] = [];

    record(report: BatchReport): void {
        this.invocations++;
        this.throttles += report.throttles;
        this.deliveries += report.records.length;
        this.firstDeliveries += report.records.filter((record) => record.attributes.ApproximateReceiveCount === "1").length;
        this.processed += report.deleted.length;
        this.retried += report.retried.length;
        this.durationsMs.push(report.outcome.durationMs);
        const perGroup = new Map<string, number>();
        for (const record of report.records) {
            const group = record.attributes.MessageGroupId;
            if (group !== undefined) {
                perGroup.set(group, (perGroup.get(group) ?? 0) + 1);
            }
        }
        this.mostRecordsOfOneGroup = Math.max(this.mostRecordsOfOneGroup, ...perGroup.values());
        if (report.outcome.kind === "timeout") {
            this.timeouts++;
            this.timedOut.push({
                // From the invocation's own start (a throttled batch waited before it), to its stop.
                startedAt: report.phases.returnedAt - report.outcome.durationMs,
                endedAt: report.phases.returnedAt,
                bodies: report.records.map((record) => record.body),
            });
        } else if (report.verdict.kind === "failed") {
            this.failedInvocations++;
        }
    }
}

/** Counters of the whole local runtime, for the progress line and the soak's report. */
export class RuntimeStats {
    readonly escalation = new LaneStats();
    readonly toolCall = new LaneStats();
    /** Messages sent through this runtime's own producers (demo, soak); other clients' show in the lanes' counters. */
    sent = 0;
    /** PagerDuty events accepted (2xx). */
    pagerDutyEvents = 0;
    /** Slack posts accepted (2xx). */
    slackPosts = 0;
    /** Receive or delete calls that failed (the mapping retries them). */
    mappingErrors = 0;

    recordReceiverRequest(request: RecordedRequest): void {
        const accepted = request.answeredStatus >= 200 && request.answeredStatus < 300;
        if (accepted && request.receiver === FakeReceiverKind.pagerDuty) {
            this.pagerDutyEvents++;
        } else if (accepted && request.receiver === FakeReceiverKind.slack) {
            this.slackPosts++;
        }
    }
}
