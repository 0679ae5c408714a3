import { IdempotencyAlreadyInProgressError } from "@aws-lambda-powertools/idempotency";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { SQSRecord } from "aws-lambda";
import type { AwsClients } from "../aws/clients";
import type { ConsumerConfig } from "../config/handler-config";
import { backoffSeconds } from "../failures/backoff";
import { asError } from "../failures/errors";
import { alreadyDeadLettered, changeVisibility, handleFailure, sendFreshCopy, type RetryScheduled } from "../failures/failure-policy";
import type { EventType } from "../messages/message-attributes";
import { parseBody, type ParsedBody } from "../messages/parse-message";
import { type ConsumerMetrics, MetricName } from "../observability/metrics";
import { handleHeldBack } from "../failures/failure-policy";
import {
    type InvocationDeadline,
    InvocationDeadlineNearError,
    InvocationDeadlinePassedError,
    type RemainingTime,
} from "./invocation-deadline";
import { receiveCountOf } from "./record-facts";
import { peekCallId, resolveMessageBody } from "./resolve-message";

/**
 * A message as lane code sees it: the payload (fetched first if it was in S3) already run through
 * JSON.parse once; the lane checks it against its schema (validateMessage).
 */
export interface ReceivedMessage {
    readonly record: SQSRecord;
    readonly parsed: ParsedBody;
}

/** What a lane does with one message. Throw to fail it; the error's class decides what happens next. */
export type ProcessMessage = (message: ReceivedMessage, log: Logger) => Promise<void>;

export interface RecordHandlerDependencies {
    readonly config: ConsumerConfig;
    /** S3 is read only when a body is a pointer, so the lazily built S3 client stays unbuilt otherwise. */
    readonly clients: AwsClients;
    readonly logger: Logger;
    readonly eventType: EventType;
    /** The invocation's remaining time; nothing is dead-lettered once it is up (invocation-deadline.ts). */
    readonly remainingTime?: RemainingTime;
    /** The invocation's deadline guard: no record starts without the safety margin left (invocation-deadline.ts). */
    readonly deadline?: InvocationDeadline;
    readonly metrics?: ConsumerMetrics;
}

export { changeVisibility, type RetryScheduled } from "../failures/failure-policy";

/**
 * Runs one record through a lane; success returns (the batch processor acknowledges it). A
 * redelivery of a message the DLQ already took (its delete was lost) is acknowledged unrun. A throw:
 * - the invocation's deadline passed: nothing at all, as if Lambda had stopped it;
 * - the invocation is near its deadline (InvocationDeadlineNearError, the record or a step not
 *   started): neither an attempt nor a failure; the message goes back to the queue;
 * - another invocation holds the same idempotency key (IdempotencyAlreadyInProgressError):
 *   neither an attempt nor a failure; the message goes back to the queue for later;
 * - anything else goes through the failure policy (failures/failure-policy.ts: the run counts as
 *   an attempt; dead-letter and acknowledge, or back off and rethrow so the record is reported in
 *   batchItemFailures).
 */
export async function handleRecord(
    record: SQSRecord,
    processMessage: ProcessMessage,
    dependencies: RecordHandlerDependencies,
    onRetryScheduled?: RetryScheduled,
): Promise<void> {
    const { logger } = dependencies;
    const receiveCount = receiveCountOf(record);
    const log = logger.createChild({ persistentKeys: { messageId: record.messageId, receiveCount } });
    try {
        // Nothing starts without the safety margin left: the invocation must answer before Lambda stops it.
        dependencies.deadline?.assertRoomFor("the record");
        if (receiveCount > 1 && (await alreadyDeadLettered(record, dependencies, log))) {
            log.warn("message already dead-lettered by an earlier delivery whose delete was lost; acknowledged without running it");
            return;
        }
        const parsed = parseBody(await resolveMessageBody(record, dependencies.eventType, dependencies.clients));
        const callId = peekCallId(parsed);
        if (callId !== undefined) {
            log.appendPersistentKeys({ callId });
        }
        await processMessage({ record, parsed }, log);
        log.info("message processed");
    } catch (thrown) {
        const error = asError(thrown);
        if (error instanceof InvocationDeadlinePassedError) {
            // As if Lambda had stopped the invocation: the message comes back on its own.
            log.warn("invocation deadline passed; leaving the message to its next delivery", { error });
            throw error;
        }
        if (error instanceof InvocationDeadlineNearError) {
            if ((await handBackCutOffMessage(record, error, dependencies, log)) === HandBackOutcome.settled) {
                return;
            }
            throw error;
        }
        if (error instanceof IdempotencyAlreadyInProgressError) {
            if ((await returnInProgressMessage(record, dependencies, log)) === HandBackOutcome.settled) {
                return;
            }
            throw error;
        }
        await handleFailure(record, error, dependencies, log, onRetryScheduled);
    }
}

/** What became of a message handed back (held elsewhere, or cut off): back in the queue as it is, or settled here (a fresh copy sent, or dead-lettered) and acknowledged. */
const HandBackOutcome = { returned: "returned", settled: "settled" } as const;
type HandBackOutcome = (typeof HandBackOutcome)[keyof typeof HandBackOutcome];

/**
 * Another invocation holds this message's idempotency key (a standard queue delivered it twice at
 * once, or a producer resent it). That is neither an attempt nor a failure: the holder finishes,
 * and this copy comes back after the first backoff tier to find the result (or, if the holder
 * died, to take over once its in-progress record expires). On the last receive, returning it would
 * let SQS's redrive move it to the DLQ with no reason, so a fresh copy (same body and attributes,
 * delayed by that tier) goes back to the queue instead and this delivery is acknowledged. FIFO
 * queues never get a copy: their deduplication would drop it.
 */
async function returnInProgressMessage(record: SQSRecord, dependencies: RecordHandlerDependencies, log: Logger): Promise<HandBackOutcome> {
    const { config, clients } = dependencies;
    const seconds = Math.max(1, backoffSeconds(1, config.backoffTiersSeconds, config.visibilityTimeoutSeconds));
    const fifo = record.attributes.MessageGroupId !== undefined;
    if (!fifo && receiveCountOf(record) >= config.maxReceiveCount) {
        await sendFreshCopy(record, dependencies, seconds);
        dependencies.metrics?.count(MetricName.inProgressElsewhere);
        log.info("message in progress in another invocation on its last receive; a delayed copy is back in the queue", {
            retryInSeconds: seconds,
        });
        return HandBackOutcome.settled;
    }
    await changeVisibility(clients.sqs, config.queueUrl, record, seconds, log);
    dependencies.metrics?.count(MetricName.inProgressElsewhere);
    log.info("message in progress in another invocation; back in the queue for later (not an attempt)", { retryInSeconds: seconds });
    return HandBackOutcome.returned;
}

/**
 * A record the deadline guard did not start (or stopped before a step): handed back, not counted.
 * Each receive still counts for SQS, so on the last one it allows (SQS would move the message to
 * the DLQ by itself, with no reason): a standard lane sends a fresh copy back to the queue and
 * acknowledges this one; a FIFO lane cannot (deduplication, and order), so it forwards the
 * message to the DLQ with the reason and the attempts it really made (handleHeldBack).
 */
async function handBackCutOffMessage(
    record: SQSRecord,
    error: InvocationDeadlineNearError,
    dependencies: RecordHandlerDependencies,
    log: Logger,
): Promise<HandBackOutcome> {
    const { config } = dependencies;
    dependencies.metrics?.count(MetricName.cutOffAtDeadline);
    if (receiveCountOf(record) < config.maxReceiveCount) {
        log.warn("invocation near its deadline; message handed back unstarted (not an attempt)", {
            step: error.step,
            remainingMs: error.remainingMs,
        });
        return HandBackOutcome.returned;
    }
    if (record.attributes.MessageGroupId !== undefined) {
        return (await handleHeldBack(record, dependencies, log)) ? HandBackOutcome.settled : HandBackOutcome.returned;
    }
    await sendFreshCopy(record, dependencies);
    log.warn("invocation near its deadline on the message's last receive; a fresh copy is back in the queue (not an attempt)", {
        step: error.step,
    });
    return HandBackOutcome.settled;
}
