import type { Logger } from "@aws-lambda-powertools/logger";
import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import type { AwsClients } from "../aws/clients";
import type { ConsumerConfig } from "../config/handler-config";
import { backoffSeconds } from "../failures/backoff";
import { sendToDeadLetterQueue, DeadLetterKind } from "../failures/dead-letter";
import { asError, FailureKind, failureKindOf } from "../failures/errors";
import type { EventType } from "../messages/message-attributes";
import { parseBody, type ParsedBody } from "../messages/parse-message";
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
}

/** Notes which messages were given a backoff, so the FIFO consumer can give their held-back group mates the same one. */
export type RetryScheduled = (record: SQSRecord, visibilitySeconds: number) => void;

/**
 * Runs one record through a lane and applies the failure policy:
 * - success: return (the batch processor acknowledges it);
 * - poison: forward to the DLQ with the reason, then return (acknowledge);
 * - transient on the last attempt (receive count >= maxReceiveCount): the same, as "exhausted";
 * - transient before that: shorten the visibility to the backoff tier and rethrow, so the record
 *   is reported in batchItemFailures and comes back after the backoff.
 * If the DLQ refuses the message, the record fails instead of being acknowledged: the queue's
 * own redrive policy is the safety net, and nothing is lost.
 */
export async function handleRecord(
    record: SQSRecord,
    processMessage: ProcessMessage,
    dependencies: RecordHandlerDependencies,
    onRetryScheduled?: RetryScheduled,
): Promise<void> {
    const { config, logger } = dependencies;
    const receiveCount = receiveCountOf(record);
    const log = logger.createChild({ persistentKeys: { messageId: record.messageId, receiveCount } });
    try {
        const parsed = parseBody(await resolveMessageBody(record, dependencies.eventType, dependencies.clients));
        const callId = peekCallId(parsed);
        if (callId !== undefined) {
            log.appendPersistentKeys({ callId });
        }
        await processMessage({ record, parsed }, log);
        log.info("message processed");
    } catch (thrown) {
        const error = asError(thrown);
        const kind = failureKindOf(error);
        if (kind === FailureKind.poison || receiveCount >= config.maxReceiveCount) {
            const deadLetterKind = kind === FailureKind.poison ? DeadLetterKind.poison : DeadLetterKind.exhausted;
            await sendToDeadLetterQueue(dependencies.clients.sqs, record, config.deadLetterQueueUrl, {
                kind: deadLetterKind,
                error,
                handlerVersion: config.handlerVersion,
            });
            log.error("message dead-lettered", { deadLetterKind, error });
            return;
        }
        const visibilitySeconds = backoffSeconds(receiveCount, config.backoffTiersSeconds, config.visibilityTimeoutSeconds);
        await changeVisibility(dependencies.clients.sqs, config.queueUrl, record, visibilitySeconds, log);
        onRetryScheduled?.(record, visibilitySeconds);
        log.warn("message will be retried", { retryInSeconds: visibilitySeconds, error });
        throw error;
    }
}

/**
 * Shortens (or lengthens) how long a received message stays hidden. A failure here only costs
 * speed: the message still comes back after the queue's visibility timeout.
 */
export async function changeVisibility(sqs: SQSClient, queueUrl: string, record: SQSRecord, seconds: number, log: Logger): Promise<void> {
    try {
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
    } catch (error) {
        log.warn("could not change message visibility; it returns after the queue's visibility timeout", { error: asError(error) });
    }
}
