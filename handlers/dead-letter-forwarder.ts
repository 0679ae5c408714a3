/**
 * Forwarding a dead letter to the lane's DLQ: the copy with its reason, offloaded to S3 when it
 * would not fit, and a refusal logged as an ERROR.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { s3Module, type AwsClients } from "./aws";

import type { ConsumerConfig } from "./config";
import { buildDeadLetter, type DeadLetterDraft, type DeadLetterReason } from "./dead-letter";
import { DeadLetterTooLargeError, asError, DeadLetterRefusedError } from "./errors";

/** What refused a forward, named in the ERROR log line. */
export const DeadLetterRefusal = {
    /** The copy does not fit the DLQ's maximum message size, and cannot be offloaded. */
    size: "size",
    /** The payload bucket refused the offloaded body. */
    payloadBucket: "payload-bucket",
    /** SendMessage to the DLQ failed: KMS, permissions, throttling, a missing queue... */
    sendMessage: "send-message",
} as const;
export type DeadLetterRefusal = (typeof DeadLetterRefusal)[keyof typeof DeadLetterRefusal];

/** SQS's answer to a message over the queue's maximumMessageSize ("... must be shorter than N bytes."). */
const TOO_LONG = /shorter than (\d+) bytes/i;

/**
 * Forwards a record to the DLQ, size-aware: the copy is built for the DLQ's configured maximum
 * message size (body to the payload bucket when it would not fit), and when SQS still refuses it
 * for its size (the configured limit was wrong) it is rebuilt for the limit SQS names and sent
 * once more. Every refusal logs an ERROR naming the cause (size, payload bucket, or the SendMessage
 * error: a KMS key the function may not use, a missing queue...), then rejects with
 * DeadLetterRefusedError, so the caller leaves the record in the queue: nothing is acknowledged
 * that the DLQ did not take.
 */
export async function forwardToDeadLetterQueue(
    record: SQSRecord,
    reason: DeadLetterReason,
    previousDeadLetters: number,
    clients: AwsClients,
    config: Pick<ConsumerConfig, "deadLetterQueueUrl" | "deadLetterMaximumMessageBytes" | "payloadBucketName">,
    log: Logger,
): Promise<DeadLetterDraft> {
    const build = (maxMessageBytes: number) => {
        try {
            return buildDeadLetter(record, reason, {
                deadLetterQueueUrl: config.deadLetterQueueUrl,
                maxMessageBytes,
                previousDeadLetters,
                ...(config.payloadBucketName !== undefined ? { payloadBucketName: config.payloadBucketName } : {}),
            });
        } catch (error) {
            throw refused(
                DeadLetterRefusal.size,
                asError(error),
                log,
                error instanceof DeadLetterTooLargeError ? { bytes: error.bytes, limitBytes: error.limitBytes } : {},
            );
        }
    };
    let draft = build(config.deadLetterMaximumMessageBytes);
    try {
        await send(draft, clients, log);
    } catch (thrown) {
        const error = asError(thrown);
        const limit = Number(TOO_LONG.exec(error.message)?.[1]);
        if (
            error instanceof DeadLetterRefusedError ||
            !Number.isInteger(limit) ||
            limit >= config.deadLetterMaximumMessageBytes ||
            draft.offload !== undefined
        ) {
            throw error instanceof DeadLetterRefusedError ? error : refused(DeadLetterRefusal.sendMessage, error, log);
        }
        refused(DeadLetterRefusal.size, error, log, { configuredLimitBytes: config.deadLetterMaximumMessageBytes, limitBytes: limit });
        draft = build(limit);
        try {
            await send(draft, clients, log);
        } catch (again) {
            throw again instanceof DeadLetterRefusedError ? again : refused(DeadLetterRefusal.sendMessage, asError(again), log);
        }
    }
    return draft;
}

async function send(draft: DeadLetterDraft, clients: AwsClients, log: Logger): Promise<void> {
    if (draft.offload !== undefined) {
        const { PutObjectCommand } = s3Module();
        try {
            await clients.s3.send(
                new PutObjectCommand({
                    Bucket: draft.offload.bucket,
                    Key: draft.offload.key,
                    Body: draft.offload.body,
                    ContentType: "application/json",
                }),
            );
        } catch (error) {
            throw refused(DeadLetterRefusal.payloadBucket, asError(error), log, { bucket: draft.offload.bucket, key: draft.offload.key });
        }
    }
    await clients.sqs.send(new SendMessageCommand(draft.request));
}

function refused(refusal: DeadLetterRefusal, cause: Error, log: Logger, details: Record<string, unknown> = {}): DeadLetterRefusedError {
    log.error("DLQ forward refused", { refusal, cause: `${cause.name}: ${cause.message}`, ...details });
    return new DeadLetterRefusedError(refusal, { cause });
}
