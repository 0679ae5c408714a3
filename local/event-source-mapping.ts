/**
 * A local stand-in for Lambda's SQS event source mapping: it polls a queue and invokes a function
 * with batches of records, with the semantics the pipeline relies on:
 * - long polling (`WaitTimeSeconds`), every system and message attribute requested;
 * - batches of up to `batchSize`, gathered until full or until the batching window (counted from
 *   the first record) has elapsed; with no window, whatever one receive returned;
 * - at most `maximumConcurrency` invocations at once (one poll-invoke loop per slot);
 * - the queue's own visibility timeout (Lambda does not override it on receive);
 * - partial batch responses (`ReportBatchItemFailures`): records not listed are deleted; a thrown
 *   error, a timeout or an invalid response fails the batch and deletes nothing, so the messages
 *   come back when their visibility timeout ends (or sooner, if the handler shortened it);
 * - FIFO: SQS hides a group's later messages while one of it is in flight (fauxqs does this too;
 *   tests/local prove it), so each group is processed one batch at a time, in order.
 */
import {
    DeleteMessageBatchCommand,
    GetQueueAttributesCommand,
    Message,
    QueueAttributeName,
    ReceiveMessageCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { Problems } from "../pipeline/checks";
import { PipelineConfigError } from "../pipeline/config-error";
import { consumerConcurrencyBound, LaneKind, type LaneSettings, validateBatching } from "../pipeline/lane-settings";
import { BatchVerdict, judgeBatch } from "./batch-response";
import { type InvocationOutcome, preciseNow } from "./lambda/execution-environment";
import { compileFilters } from "./event-filter";
import { ConcurrencyExceededError } from "./lambda/local-function";
import { SqsEventSource, toSqsEvent, toSqsRecord } from "./lambda/sqs-event";
import { isFifoQueue } from "../handlers/aws";

/** What the mapping invokes: `LocalFunction` in the runtime, anything with this shape in tests. */
export interface InvocationTarget {
    invoke(event: SQSEvent): Promise<InvocationOutcome>;
}

/** The mapping's numbers; `mappingSettingsFromLane` takes them from the shared lane settings. */
export interface MappingSettings {
    readonly batchSize: number;
    /** 0 means "invoke with what one receive returned". FIFO lanes have none. */
    readonly maximumBatchingWindowSeconds: number;
    readonly maximumConcurrency: number;
    readonly receiveWaitTimeSeconds: number;
    /**
     * The queue's visibility timeout: how long a throttled batch may be retried before its
     * messages return to the queue.
     * @default read from the queue when the first throttle happens
     */
    readonly visibilityTimeoutSeconds?: number;
}

/**
 * How Lambda retries a throttled invocation (AWS: "Lambda retries throttled batches with backoff
 * until the messages' visibility timeout expires"): waits doubling from the first to the cap.
 */
export interface ThrottleBackoff {
    readonly initialMs: number;
    readonly maximumMs: number;
}

export const DEFAULT_THROTTLE_BACKOFF: ThrottleBackoff = { initialMs: 1000, maximumMs: 30_000 };

/**
 * How the mapping scales its pollers. `ramp` models AWS: a standard-queue mapping starts with 5
 * concurrent batches and adds up to 300 per minute while messages keep coming (one more every
 * 200 ms here), falling back to 5 when the queue runs dry. `instant` runs every slot at once
 * (fast tests, and how the local mapping behaved before).
 */
export const MappingScaling = { ramp: "ramp", instant: "instant" } as const;
export type MappingScaling = (typeof MappingScaling)[keyof typeof MappingScaling];
export const INITIAL_CONCURRENT_BATCHES = 5;
const ADDED_PER_MINUTE = 300;
const SCALING_CHECK_MS = 100;

export interface EventSourceMappingOptions extends MappingSettings {
    /**
     * The config key these settings came from, for error messages ("'pipeline.toolCall.batchSize' ...").
     * @default "mapping"
     */
    readonly settingsKey?: string;
    readonly sqs: SQSClient;
    readonly queueUrl: string;
    readonly source: SqsEventSource;
    readonly target: InvocationTarget;
    /**
     * `filterCriteria.filters[].pattern` of the mapping: records matching none are deleted without
     * invoking the function, as Lambda does.
     * @default [] (every record goes to the function)
     */
    readonly filterPatterns?: readonly string[];
    /** @default "ramp" */
    readonly scaling?: MappingScaling;
    /** @default DEFAULT_THROTTLE_BACKOFF */
    readonly throttleBackoff?: ThrottleBackoff;
    /** Called once per invocation, after its deletes, e.g. to count progress. */
    readonly onBatch?: (report: BatchReport) => void;
    /** Called when receiving or deleting fails; the mapping keeps going. @default ignored */
    readonly onError?: (error: unknown) => void;
}

export interface BatchReport {
    readonly records: readonly SQSRecord[];
    /** Epoch milliseconds at which the invocation started. */
    readonly startedAt: number;
    readonly outcome: InvocationOutcome | { readonly kind: "throttled"; readonly durationMs: number };
    readonly verdict: BatchVerdict;
    /** Message ids deleted from the queue (processed). */
    readonly deleted: readonly string[];
    /** Message ids left in the queue; they come back for another attempt or go to the DLQ. */
    readonly retried: readonly string[];
    /** Message ids deleted unseen because they matched no filter pattern. */
    readonly filteredOut: readonly string[];
    /** Invocations of this batch that were throttled and retried after a backoff before this outcome. */
    readonly throttles: number;
    /** Where the batch's time went in the mapping (see BatchPhases). */
    readonly phases: BatchPhases;
}

/**
 * The mapping's side of one batch, in epoch milliseconds with sub-millisecond precision (the
 * invocation's own side is `outcome.timing`). `receivedFrom` is when the receive that brought the
 * batch's first record started (a long poll on an empty queue is waiting, not work, so it is not
 * counted); receivedFrom -> invokedAt is the poll, returnedAt -> settledAt the deletes.
 */
export interface BatchPhases {
    readonly receivedFrom: number;
    readonly invokedAt: number;
    readonly returnedAt: number;
    readonly settledAt: number;
}

export function mappingSettingsFromLane(lane: LaneSettings): MappingSettings {
    return {
        batchSize: lane.mapping.batchSize,
        maximumBatchingWindowSeconds: lane.mapping.maximumBatchingWindowSeconds ?? 0,
        // Provisioned mode runs a fixed poller count here, the provisioned minimum: the local runtime does not scale pollers.
        maximumConcurrency:
            lane.mapping.maximumConcurrency ?? lane.mapping.provisionedPollers?.minimumPollers ?? consumerConcurrencyBound(lane),
        receiveWaitTimeSeconds: lane.queue.receiveWaitTimeSeconds,
        visibilityTimeoutSeconds: lane.queue.visibilityTimeoutSeconds,
    };
}

const MAX_MESSAGES_PER_RECEIVE = 10;
/** Lambda's invocation payload limit (6 MB, counted in bytes of the event's JSON). */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** `{"Records":[` and `]}` plus a comma between records. */
const EVENT_ENVELOPE_BYTES = 14;
const MAX_WAIT_TIME_SECONDS = 20;
/** Pause between short polls while a batching window is open but under a second remains. */
const SHORT_POLL_PAUSE_MS = 50;
const RECEIVE_ERROR_PAUSE_MS = 500;

export class EventSourceMapping {
    private readonly loops: Promise<void>[] = [];
    private readonly receives = new Set<AbortController>();
    private state: "created" | "running" | "stopping" | "killed" = "created";
    private inFlight = 0;
    /** When each message in hand was received (its visibility timeout counts from then). */
    private readonly receivedAt = new WeakMap<Message, number>();
    private queueVisibilityTimeoutSeconds?: number;
    /** Since when receives have kept finding messages (the scaling ramp counts from here). */
    private backlogSince?: number;

    private readonly passesFilters: (record: SQSRecord) => boolean;

    constructor(private readonly options: EventSourceMappingOptions) {
        checkSettings(options);
        this.passesFilters = compileFilters(options.filterPatterns ?? []);
        this.queueVisibilityTimeoutSeconds = options.visibilityTimeoutSeconds;
    }

    /** Invocations running now (never above `maximumConcurrency`). */
    get invocationsInFlight(): number {
        return this.inFlight;
    }

    start(): void {
        if (this.state !== "created") {
            throw new Error(`The event source mapping for ${this.options.queueUrl} was already started`);
        }
        this.state = "running";
        for (let slot = 0; slot < this.options.maximumConcurrency; slot++) {
            this.loops.push(this.pollAndInvoke(slot));
        }
    }

    /**
     * Stops polling and waits for running invocations to finish and their records to be deleted.
     * A long poll cut short may have claimed messages on the server side: they stay hidden until
     * their visibility timeout ends, and are then delivered again (nothing is lost).
     */
    async stop(): Promise<void> {
        if (this.state === "running") {
            this.state = "stopping";
        }
        this.abortReceives();
        await Promise.all(this.loops);
    }

    /**
     * Stops at once, like a consumer that crashed: running invocations are not waited for and no
     * record of theirs is deleted. Whatever was received comes back after its visibility timeout.
     * Stop the invoked function too (e.g. `LocalFunction.stop`) so it cannot act after this point.
     */
    kill(): void {
        this.state = "killed";
        this.abortReceives();
    }

    private get polling(): boolean {
        return this.state === "running";
    }

    private abortReceives(): void {
        for (const controller of this.receives) {
            controller.abort();
        }
    }

    /** Slots the scaling model allows now (all of them with instant scaling). */
    get allowedConcurrency(): number {
        const { maximumConcurrency } = this.options;
        if ((this.options.scaling ?? MappingScaling.ramp) === MappingScaling.instant) {
            return maximumConcurrency;
        }
        const added = this.backlogSince === undefined ? 0 : Math.floor(((Date.now() - this.backlogSince) * ADDED_PER_MINUTE) / 60_000);
        return Math.min(maximumConcurrency, INITIAL_CONCURRENT_BATCHES + added);
    }

    private async pollAndInvoke(slot: number): Promise<void> {
        // Received records that did not fit the previous invocation's 6 MB; they open the next batch.
        const carried: Message[] = [];
        while (this.polling) {
            if (slot >= this.allowedConcurrency) {
                await sleep(SCALING_CHECK_MS);
                continue;
            }
            const { messages, receivedFrom } = await this.gatherBatch(carried);
            // Scaling grows while receives find messages and falls back when the queue runs dry.
            if (messages.length > 0) {
                this.backlogSince ??= Date.now();
            } else if (this.inFlight === 0) {
                this.backlogSince = undefined;
            }
            if (messages.length === 0 || this.state === "killed") {
                continue;
            }
            this.inFlight++;
            try {
                await this.invokeAndSettle(messages, receivedFrom);
            } catch (error) {
                // The target could not be invoked at all: nothing was deleted, the messages come back.
                this.options.onError?.(error);
            } finally {
                this.inFlight--;
            }
        }
    }

    /**
     * Receives until the batch is full (in records or in 6 MB of payload) or the batching window,
     * opened by the first record, closes. `carried` holds the records a full payload left over;
     * it is emptied into this batch first and refilled with what does not fit.
     */
    private async gatherBatch(carried: Message[]): Promise<{ messages: Message[]; receivedFrom: number }> {
        const { batchSize, maximumBatchingWindowSeconds, receiveWaitTimeSeconds } = this.options;
        const batch: Message[] = [];
        let payloadBytes = EVENT_ENVELOPE_BYTES;
        let payloadFull = false;
        const take = (messages: Message[]): void => {
            const rest: Message[] = [];
            for (const message of messages) {
                const bytes = Buffer.byteLength(JSON.stringify(toSqsRecord(message, this.options.source))) + 1;
                if (
                    !payloadFull &&
                    batch.length < batchSize &&
                    (batch.length === 0 || payloadBytes + bytes <= MAX_INVOCATION_PAYLOAD_BYTES)
                ) {
                    batch.push(message);
                    payloadBytes += bytes;
                } else {
                    payloadFull = true;
                    rest.push(message);
                }
            }
            carried.push(...rest);
        };
        let receivedFrom = preciseNow();
        take(carried.splice(0));
        let windowClosesAt = batch.length > 0 ? Date.now() + maximumBatchingWindowSeconds * 1000 : Number.POSITIVE_INFINITY;
        while (this.polling && batch.length < batchSize && !payloadFull) {
            const remainingMs = windowClosesAt - Date.now();
            if (batch.length > 0 && (maximumBatchingWindowSeconds === 0 || remainingMs <= 0)) {
                break;
            }
            const waitTimeSeconds =
                batch.length === 0 ? receiveWaitTimeSeconds : Math.min(MAX_WAIT_TIME_SECONDS, Math.floor(remainingMs / 1000));
            const receiveStartedAt = preciseNow();
            const received = await this.receive(Math.min(MAX_MESSAGES_PER_RECEIVE, batchSize - batch.length), waitTimeSeconds);
            if (received.length > 0 && batch.length === 0) {
                windowClosesAt = Date.now() + maximumBatchingWindowSeconds * 1000;
                receivedFrom = receiveStartedAt;
            }
            take(received);
            if (received.length === 0 && batch.length > 0 && waitTimeSeconds === 0) {
                await sleep(Math.min(SHORT_POLL_PAUSE_MS, Math.max(0, windowClosesAt - Date.now())));
            }
        }
        return { messages: batch, receivedFrom };
    }

    private async receive(maxNumberOfMessages: number, waitTimeSeconds: number): Promise<Message[]> {
        const controller = new AbortController();
        this.receives.add(controller);
        try {
            const result = await this.options.sqs.send(
                new ReceiveMessageCommand({
                    QueueUrl: this.options.queueUrl,
                    MaxNumberOfMessages: maxNumberOfMessages,
                    WaitTimeSeconds: waitTimeSeconds,
                    AttributeNames: [QueueAttributeName.All],
                    MessageSystemAttributeNames: ["All"],
                    MessageAttributeNames: ["All"],
                }),
                { abortSignal: controller.signal },
            );
            const now = Date.now();
            const messages = result.Messages ?? [];
            messages.forEach((message) => this.receivedAt.set(message, now));
            return messages;
        } catch (error) {
            if (this.polling) {
                this.options.onError?.(error);
                await sleep(RECEIVE_ERROR_PAUSE_MS);
            }
            return [];
        } finally {
            this.receives.delete(controller);
        }
    }

    private async invokeAndSettle(received: Message[], receivedFrom: number): Promise<void> {
        const allRecords = toSqsEvent(received, this.options.source).Records;
        const filteredOut = await this.deleteRecords(allRecords.filter((record) => !this.passesFilters(record)));
        const messages = received.filter((_, index) => this.passesFilters(allRecords[index]!));
        if (messages.length === 0) {
            return;
        }
        const event = toSqsEvent(messages, this.options.source);
        // The batch's messages stay hidden until the visibility timeout of the earliest receive.
        const hiddenUntil =
            Math.min(...messages.map((message) => this.receivedAt.get(message) ?? Date.now())) +
            (await this.visibilityTimeoutSeconds()) * 1000;
        const backoff = this.options.throttleBackoff ?? DEFAULT_THROTTLE_BACKOFF;
        let startedAt = Date.now();
        let invokedAt = preciseNow();
        let outcome: BatchReport["outcome"] | undefined;
        let throttles = 0;
        while (outcome === undefined) {
            startedAt = Date.now();
            invokedAt = preciseNow();
            try {
                outcome = await this.options.target.invoke(event);
            } catch (error) {
                if (!(error instanceof ConcurrencyExceededError)) {
                    throw error;
                }
                // Lambda retries a throttled batch with backoff while its messages are hidden; once
                // the visibility timeout would end, the batch returns to the queue (the receive counted).
                const waitMs = Math.min(backoff.maximumMs, backoff.initialMs * 2 ** throttles);
                if (Date.now() + waitMs >= hiddenUntil || this.state !== "running") {
                    outcome = { kind: "throttled", durationMs: Date.now() - startedAt };
                } else {
                    throttles++;
                    await sleep(waitMs);
                }
            }
        }
        const returnedAt = preciseNow();
        if (this.state === "killed") {
            return;
        }
        const ids = event.Records.map((record) => record.messageId);
        const verdict: BatchVerdict =
            outcome.kind === "throttled"
                ? { kind: "failed", reason: "the function was throttled (reserved concurrency reached)" }
                : judgeBatch(outcome, ids);
        const toDelete =
            verdict.kind === "succeeded"
                ? event.Records
                : verdict.kind === "partial"
                  ? event.Records.filter((record) => !verdict.failedMessageIds.has(record.messageId))
                  : [];
        const deleted = await this.deleteRecords(toDelete);
        const deletedSet = new Set(deleted);
        this.options.onBatch?.({
            records: event.Records,
            startedAt,
            outcome,
            verdict,
            deleted,
            retried: ids.filter((id) => !deletedSet.has(id)),
            filteredOut,
            throttles,
            phases: { receivedFrom, invokedAt, returnedAt, settledAt: preciseNow() },
        });
    }

    private async visibilityTimeoutSeconds(): Promise<number> {
        if (this.queueVisibilityTimeoutSeconds === undefined) {
            const { Attributes = {} } = await this.options.sqs.send(
                new GetQueueAttributesCommand({ QueueUrl: this.options.queueUrl, AttributeNames: ["VisibilityTimeout"] }),
            );
            this.queueVisibilityTimeoutSeconds = Number(Attributes.VisibilityTimeout ?? 30);
        }
        return this.queueVisibilityTimeoutSeconds;
    }

    /** Deletes in batches of ten; returns the ids SQS confirmed. */
    private async deleteRecords(records: readonly SQSRecord[]): Promise<string[]> {
        const deleted: string[] = [];
        for (let start = 0; start < records.length; start += MAX_MESSAGES_PER_RECEIVE) {
            const chunk = records.slice(start, start + MAX_MESSAGES_PER_RECEIVE);
            try {
                const result = await this.options.sqs.send(
                    new DeleteMessageBatchCommand({
                        QueueUrl: this.options.queueUrl,
                        Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
                    }),
                );
                const failed = new Set((result.Failed ?? []).map((entry) => entry.Id));
                chunk.forEach((record, index) => {
                    if (!failed.has(String(index))) {
                        deleted.push(record.messageId);
                    }
                });
                if (failed.size > 0) {
                    this.options.onError?.(
                        new Error(`SQS refused to delete ${failed.size} processed message(s): ${JSON.stringify(result.Failed)}`),
                    );
                }
            } catch (error) {
                this.options.onError?.(error);
            }
        }
        return deleted;
    }
}

/**
 * Refuses what CreateEventSourceMapping refuses, with the component's messages (a batch above 10
 * with no window; a FIFO queue with a window), then the mapping's own ranges.
 * @throws PipelineConfigError
 */
function checkSettings(settings: MappingSettings & { readonly queueUrl: string; readonly settingsKey?: string }): void {
    const problems = new Problems();
    // SQS requires a FIFO queue's name to end in ".fifo", so its URL tells the queue type.
    const kind = isFifoQueue(settings.queueUrl) ? LaneKind.fifo : LaneKind.standard;
    validateBatching(
        problems,
        settings.settingsKey ?? "mapping",
        { batchSize: settings.batchSize, batchingWindowSeconds: settings.maximumBatchingWindowSeconds },
        kind,
    );
    if (problems.list.length > 0) {
        throw new PipelineConfigError(problems.list);
    }
    const checks: [Exclude<keyof MappingSettings, "visibilityTimeoutSeconds">, number, number][] = [
        ["batchSize", 1, 10_000],
        ["maximumBatchingWindowSeconds", 0, 300],
        ["maximumConcurrency", 1, 1000],
        ["receiveWaitTimeSeconds", 0, MAX_WAIT_TIME_SECONDS],
    ];
    for (const [field, min, max] of checks) {
        const value = settings[field];
        if (!Number.isInteger(value) || value < min || value > max) {
            throw new RangeError(`'${field}' must be an integer between ${min} and ${max}, ${JSON.stringify(value)} given`);
        }
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
