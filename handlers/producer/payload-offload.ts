import { createHash } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import { DEAD_LETTER_HEADROOM_BYTES, DEFAULT_MAXIMUM_MESSAGE_SIZE_BYTES, offloadThresholdBytes } from "../environment";
import { MessageAttributeName } from "../messages/message-attributes";
import { messageSize } from "../messages/message-size";
import { encodePayloadPointer } from "../messages/payload-pointer";
import { ProducerValidationError, type ProducerTarget } from "./producer-target";

/** Re-exported: the producer's callers (send-batch.ts) size their batches with it. */
export { messageSize };

/** SQS's classic message size limit (body plus attributes), which every queue accepts. */
export const MAX_SQS_MESSAGE_BYTES = DEFAULT_MAXIMUM_MESSAGE_SIZE_BYTES;
export { DEAD_LETTER_HEADROOM_BYTES };
/** The offload threshold of a queue at the default limit (a target's `maximumMessageSizeBytes` moves it). */
export const OFFLOAD_THRESHOLD_BYTES = offloadThresholdBytes(MAX_SQS_MESSAGE_BYTES);

export interface PreparedMessage {
    readonly body: string;
    readonly attributes: Record<string, MessageAttributeValue>;
    readonly offloaded: boolean;
}

/**
 * Keeps a message within the SQS limit: small ones go as they are; a larger one is stored in S3
 * under a key derived from its content (a retried send rewrites the same object) and the body
 * becomes a pointer the consumers resolve transparently.
 */
export async function fitMessage(
    target: ProducerTarget,
    body: string,
    attributes: Record<string, MessageAttributeValue>,
    keyPrefix: string,
): Promise<PreparedMessage> {
    const size = messageSize(body, attributes);
    // One setting, the queue's limit; the threshold follows from it (environment.ts).
    const threshold = offloadThresholdBytes(target.maximumMessageSizeBytes ?? MAX_SQS_MESSAGE_BYTES);
    if (size <= threshold) {
        return { body, attributes, offloaded: false };
    }
    if (target.s3 === undefined || target.payloadBucketName === undefined) {
        throw new ProducerValidationError(
            `message is ${size} bytes, over the ${threshold}-byte limit, and no payload bucket is configured ('s3' and 'payloadBucketName')`,
        );
    }
    const key = `${keyPrefix}/${createHash("sha256").update(body).digest("hex")}.json`;
    await target.s3.send(new PutObjectCommand({ Bucket: target.payloadBucketName, Key: key, Body: body, ContentType: "application/json" }));
    return {
        body: encodePayloadPointer({ s3BucketName: target.payloadBucketName, s3Key: key }),
        attributes: {
            ...attributes,
            [MessageAttributeName.extendedPayloadSize]: { DataType: "Number", StringValue: String(Buffer.byteLength(body, "utf8")) },
        },
        offloaded: true,
    };
}
