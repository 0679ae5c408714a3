import type { Logger } from "@aws-lambda-powertools/logger";
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import type { AwsClients } from "../aws/clients";
import type { ConsumerConfig } from "../config/handler-config";
import { assertWithinDeadline, type RemainingTime } from "../consumer/invocation-deadline";
import { receiveCountOf } from "../consumer/record-facts";
import { type ConsumerMetrics, MetricName } from "../observability/metrics";
import { AttemptRecords, messageIdentityOf, type AttemptCount } from "./attempt-record";
import { backoffSeconds } from "./backoff";
import { DeadLetterKind, toSdkAttributes } from "./dead-letter";
import { forwardToDeadLetterQueue } from "./dead-letter-forwarder";
import { asError, FailureKind, failureKindOf } from "./errors";

export interface FailurePolicyDependencies {
    readonly config: ConsumerConfig;
    readonly clients: AwsClients;
    /** The invocation's remaining time; nothing is dead-lettered once it is up (consumer/invocation-deadline.ts). */
    readonly remainingTime?: RemainingTime;
    /** Counts dead letters by kind and scheduled retries (observability/metrics.ts). */
    readonly metrics?: ConsumerMetrics;
}

/** Notes which messages were given a backoff, so the FIFO consumer can give their held-back group mates the same one. */
export type RetryScheduled = (record: SQSRecord, visibilitySeconds: number) => void;

/**
 * What happens to a record whose run threw (README, "Failure handling"). Resolves when the record
 * is settled (dead-lettered: acknowledge it); rethrows the error when it must come back.
 * The run counts as one attempt (attempt-record.ts), then:
 *   - poison: forward to the DLQ at once;
 *   - transient, attempts >= maxReceiveCount: forward as "exhausted";
 *   - transient, fewer attempts but this is the last receive SQS allows (receives handed back near
 *     the deadline, or held back on a FIFO lane, count for SQS): on a standard lane a fresh copy
 *     goes back to the queue, delayed by the attempt's backoff tier, and this delivery is
 *     acknowledged (the attempt record, keyed by the body, keeps counting, so the copy still ends
 *     as "exhausted" after maxReceiveCount real runs); a FIFO lane cannot (deduplication, and
 *     order), so it forwards as "receive-limit", and SQS does not move it without a reason;
 *   - else: visibility shortened to the backoff tier of its attempt number, error rethrown.
 * A refused forward rethrows DeadLetterRefusedError (logged as an ERROR by the forwarder): the
 * record stays in the queue and SQS's own redrive is the safety net.
 */
export async function handleFailure(
    record: SQSRecord,
    thrown: unknown,
    dependencies: FailurePolicyDependencies,
    log: Logger,
    onRetryScheduled?: RetryScheduled,
): Promise<void> {
    const { config } = dependencies;
    const error = asError(thrown);
    const kind = failureKindOf(error);
    const receiveCount = receiveCountOf(record);
    const count = await countFailure(record, error, dependencies, log);
    const deadLetterKind =
        kind === FailureKind.poison
            ? DeadLetterKind.poison
            : count.attempts >= config.maxReceiveCount
              ? DeadLetterKind.exhausted
              : receiveCount >= config.maxReceiveCount
                ? DeadLetterKind.receiveLimit
                : undefined;
    const visibilitySeconds = backoffSeconds(count.attempts, config.backoffTiersSeconds, config.visibilityTimeoutSeconds);
    if (deadLetterKind === DeadLetterKind.receiveLimit && record.attributes.MessageGroupId === undefined) {
        assertWithinDeadline(dependencies.remainingTime, "the fresh copy");
        await sendFreshCopy(record, dependencies, visibilitySeconds);
        dependencies.metrics?.count(MetricName.retriesScheduled);
        log.warn("message failed on SQS's last receive with attempts to spare; a fresh copy is back in the queue", {
            retryInSeconds: visibilitySeconds,
            attempts: count.attempts,
            error,
        });
        return;
    }
    if (deadLetterKind !== undefined) {
        await deadLetter(record, deadLetterKind, error, count, dependencies, log);
        return;
    }
    await retryAfter(record, visibilitySeconds, dependencies, log, onRetryScheduled);
    dependencies.metrics?.count(MetricName.retriesScheduled);
    log.warn("message will be retried", { retryInSeconds: visibilitySeconds, attempts: count.attempts, error });
    throw error;
}

/**
 * A FIFO message handed back unprocessed behind a failing group mate. It made no attempt, so
 * nothing is counted; but on the last receive SQS allows, SQS would move it to the DLQ by itself
 * on the next one, without a reason. So it is forwarded now, as "receive-limit" with the number of
 * times it really ran. Resolves true when it was forwarded (acknowledge it), false otherwise.
 */
export async function handleHeldBack(record: SQSRecord, dependencies: FailurePolicyDependencies, log: Logger): Promise<boolean> {
    if (receiveCountOf(record) < dependencies.config.maxReceiveCount) {
        return false;
    }
    const records = attemptRecords(dependencies);
    const count = await records.read(messageIdentityOf(record)).catch((error: unknown) => {
        log.warn("could not read the attempt record; assuming no attempts", { error: asError(error) });
        return { attempts: 0, deadLetters: 0 };
    });
    const error = new Error(
        `held back behind a failing message of group '${record.attributes.MessageGroupId ?? ""}' until SQS's receive limit (${dependencies.config.maxReceiveCount})`,
    );
    error.name = "HeldBackError";
    await deadLetter(record, DeadLetterKind.receiveLimit, error, count, dependencies, log);
    return true;
}

async function deadLetter(
    record: SQSRecord,
    kind: DeadLetterKind,
    error: Error,
    count: AttemptCount,
    dependencies: FailurePolicyDependencies,
    log: Logger,
): Promise<void> {
    const { config, clients } = dependencies;
    // A frozen invocation resumed past its deadline must not add a second dead letter to the one its successor sent.
    assertWithinDeadline(dependencies.remainingTime, "the dead-letter forward");
    if (count.forwardedMessageId === record.messageId) {
        // The DLQ already took this very SQS message; only its delete was lost (a kill, or a freeze past the timeout).
        log.warn("message already dead-lettered; acknowledged without a second copy", { deadLetterKind: kind, error });
        return;
    }
    await forwardToDeadLetterQueue(
        record,
        { kind, error, attempts: count.attempts, handlerVersion: config.handlerVersion },
        count.deadLetters,
        clients,
        config,
        log,
    );
    // Written only after the DLQ took the copy: a forward that failed (or never ran) leaves no mark that could lose the message.
    await attemptRecords(dependencies)
        .recordDeadLetter(messageIdentityOf(record), record.messageId)
        .catch((recordError: unknown) =>
            log.warn("could not reset the attempt record after dead-lettering", { error: asError(recordError) }),
        );
    dependencies.metrics?.deadLettered(kind);
    log.error("message dead-lettered", { deadLetterKind: kind, attempts: count.attempts, error });
}

/**
 * Whether the DLQ already took a copy of this very SQS message (a redelivery after the consumer was
 * killed, or frozen past its timeout, between the forward and SQS's delete): then it must be
 * acknowledged, not run again. Only asked of redeliveries; if the record cannot be read, the
 * message runs as usual (the forward itself checks again).
 */
export async function alreadyDeadLettered(record: SQSRecord, dependencies: FailurePolicyDependencies, log: Logger): Promise<boolean> {
    try {
        const count = await attemptRecords(dependencies).read(messageIdentityOf(record));
        return count.forwardedMessageId === record.messageId;
    } catch (error) {
        log.warn("could not read the attempt record; running the message", { error: asError(error) });
        return false;
    }
}

/**
 * Counts the failed run. If the table cannot be written, the receive count stands in (it can only
 * over-count), so a DynamoDB outage never retries a message forever.
 */
async function countFailure(record: SQSRecord, error: Error, dependencies: FailurePolicyDependencies, log: Logger): Promise<AttemptCount> {
    try {
        return await attemptRecords(dependencies).recordFailure(messageIdentityOf(record), error);
    } catch (recordError) {
        log.warn("could not record the attempt; counting receives instead", { error: asError(recordError) });
        return { attempts: receiveCountOf(record), deadLetters: 0 };
    }
}

function attemptRecords({ config, clients }: FailurePolicyDependencies): AttemptRecords {
    return new AttemptRecords(clients.dynamoDb, config.idempotencyTableName, config.idempotencyExpirySeconds);
}

async function retryAfter(
    record: SQSRecord,
    seconds: number,
    dependencies: FailurePolicyDependencies,
    log: Logger,
    onRetryScheduled?: RetryScheduled,
): Promise<void> {
    await changeVisibility(dependencies.clients.sqs, dependencies.config.queueUrl, record, seconds, log);
    onRetryScheduled?.(record, seconds);
}

/** SQS's DelaySeconds maximum. */
const MAX_DELAY_SECONDS = 900;

/**
 * Sends a copy of a standard-queue message (same body and attributes) back to its queue, delayed
 * by `delaySeconds`, so the caller can acknowledge this delivery on SQS's last receive instead of
 * letting SQS move it to the DLQ without a reason. Idempotency and the attempt record (both keyed
 * by content, not by SQS message id) treat the copy as the same message.
 */
export async function sendFreshCopy(
    record: SQSRecord,
    { config, clients }: Pick<FailurePolicyDependencies, "config" | "clients">,
    delaySeconds = 0,
): Promise<void> {
    await clients.sqs.send(
        new SendMessageCommand({
            QueueUrl: config.queueUrl,
            MessageBody: record.body,
            MessageAttributes: toSdkAttributes(record),
            ...(delaySeconds > 0 ? { DelaySeconds: Math.min(delaySeconds, MAX_DELAY_SECONDS) } : {}),
        }),
    );
}

/**
 * Shortens (or lengthens) how long a received message stays hidden. A failure here only costs
 * speed: the message still comes back after the queue's visibility timeout.
 */
export async function changeVisibility(sqs: SQSClient, queueUrl: string, record: SQSRecord, seconds: number, log: Logger): Promise<void> {
    try {
        await sqs.send(
            new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }),
        );
    } catch (error) {
        log.warn("could not change message visibility; it returns after the queue's visibility timeout", { error: asError(error) });
    }
}
