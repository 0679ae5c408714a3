import { createHash } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import { MessageAttributeName } from "../messages/message-attributes";
import { messageSize } from "../messages/message-size";
import { encodePayloadPointer } from "../messages/payload-pointer";
import { ProducerValidationError, type ProducerTarget } from "./producer-target";

/** Re-exported: the producer's callers (send-batch.ts) size their batches with it. */
export { messageSize };

/** SQS's classic message size limit (body plus attributes), which every queue accepts. */
export const MAX_SQS_MESSAGE_BYTES = 262_144;
/**
 * Room kept free under the limit for the reason attributes a consumer adds when it dead-letters
 * the message (failures/dead-letter.ts: one `dead-letter` attribute, the error message cut at 1 KiB; a copy that still
 * does not fit has its body offloaded by the forward).
 */
export const DEAD_LETTER_HEADROOM_BYTES = 4096;
export const OFFLOAD_THRESHOLD_BYTES = MAX_SQS_MESSAGE_BYTES - DEAD_LETTER_HEADROOM_BYTES;

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
export async function fitMessage(target: ProducerTarget, body: string, attributes: Record<string, MessageAttributeValue>, keyPrefix: string): Promise<PreparedMessage> {
    const size = messageSize(body, attributes);
    if (size <= OFFLOAD_THRESHOLD_BYTES) {
        return { body, attributes, offloaded: false };
    }
    if (target.s3 === undefined || target.payloadBucketName === undefined) {
        throw new ProducerValidationError(
            `message is ${size} bytes, over the ${OFFLOAD_THRESHOLD_BYTES}-byte limit, and no payload bucket is configured ('s3' and 'payloadBucketName')`,
        );
    }
    const key = `${keyPrefix}/${createHash("sha256").update(body).digest("hex")}.json`;
    await target.s3.send(
        new PutObjectCommand({ Bucket: target.payloadBucketName, Key: key, Body: body, ContentType: "application/json" }),
    );
    return {
        body: encodePayloadPointer({ s3BucketName: target.payloadBucketName, s3Key: key }),
        attributes: {
            ...attributes,
            [MessageAttributeName.extendedPayloadSize]: { DataType: "Number", StringValue: String(Buffer.byteLength(body, "utf8")) },
        },
        offloaded: true,
    };
}
