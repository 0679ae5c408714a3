import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { firstSeenOf, receiveCountOf } from "../consumer/record-facts";

/**
 * Attributes that say why a message is in the DLQ. SQS records no reason when it dead-letters a
 * message; ours always carry one. Names avoid the reserved "AWS." and "Amazon." prefixes.
 */
export const DeadLetterAttributeName = {
    failureKind: "dead-letter.failure-kind",
    errorClass: "dead-letter.error-class",
    errorMessage: "dead-letter.error-message",
    firstSeen: "dead-letter.first-seen",
    attempts: "dead-letter.attempts",
    handlerVersion: "dead-letter.handler-version",
    sourceMessageId: "dead-letter.source-message-id",
} as const;

/** Why the handler dead-lettered: the failure is permanent, or the last attempt failed too. */
export const DeadLetterKind = { poison: "poison", exhausted: "exhausted" } as const;
export type DeadLetterKind = (typeof DeadLetterKind)[keyof typeof DeadLetterKind];

export interface DeadLetterReason {
    readonly kind: DeadLetterKind;
    readonly error: Error;
    readonly handlerVersion: string;
}

/** SQS allows 10 attributes per message; the reason takes 7 and the original's keep the rest. */
const MAX_MESSAGE_ATTRIBUTES = 10;
/** Keeps the reason small: a 256 KiB message near the limit must still fit with it. */
const MAX_ERROR_MESSAGE_LENGTH = 1024;

/**
 * The SendMessage input that moves `record` to the DLQ with its reason. The body and original
 * attributes are kept, so a redrive replays the message as it was. On a FIFO DLQ the message
 * keeps its group (order within a call survives) and gets the source message id as its
 * deduplication id: a retried forward of the same delivery is dropped, a replayed message
 * (new id) is not.
 */
export function deadLetterMessage(record: SQSRecord, deadLetterQueueUrl: string, reason: DeadLetterReason) {
    const reasonAttributes: Record<string, MessageAttributeValue> = {
        [DeadLetterAttributeName.failureKind]: text(reason.kind),
        [DeadLetterAttributeName.errorClass]: text(reason.error.name),
        [DeadLetterAttributeName.errorMessage]: text(truncate(reason.error.message || "(no message)")),
        [DeadLetterAttributeName.firstSeen]: text(firstSeenOf(record).toISOString()),
        [DeadLetterAttributeName.attempts]: { DataType: "Number", StringValue: String(receiveCountOf(record)) },
        [DeadLetterAttributeName.handlerVersion]: text(reason.handlerVersion),
        [DeadLetterAttributeName.sourceMessageId]: text(record.messageId),
    };
    const kept = Object.entries(toSdkAttributes(record)).filter(([name]) => !(name in reasonAttributes));
    const originalAttributes = Object.fromEntries(kept.slice(0, MAX_MESSAGE_ATTRIBUTES - Object.keys(reasonAttributes).length));
    const fifo = deadLetterQueueUrl.endsWith(".fifo");
    return new SendMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MessageBody: record.body,
        MessageAttributes: { ...originalAttributes, ...reasonAttributes },
        ...(fifo ? { MessageGroupId: record.attributes.MessageGroupId ?? record.messageId, MessageDeduplicationId: record.messageId } : {}),
    });
}

/** Sends the record to the DLQ; rejects if SQS does not take it (then the record must not be acknowledged). */
export async function sendToDeadLetterQueue(sqs: SQSClient, record: SQSRecord, deadLetterQueueUrl: string, reason: DeadLetterReason): Promise<void> {
    await sqs.send(deadLetterMessage(record, deadLetterQueueUrl, reason));
}

/** Lambda delivers attributes as { stringValue, binaryValue (base64), dataType }; SendMessage wants the SDK shape. */
export function toSdkAttributes(record: SQSRecord): Record<string, MessageAttributeValue> {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
        if (value.stringValue !== undefined && value.stringValue !== null) {
            attributes[name] = { DataType: value.dataType, StringValue: value.stringValue };
        } else if (value.binaryValue !== undefined && value.binaryValue !== null) {
            attributes[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, "base64") };
        }
    }
    return attributes;
}

function text(value: string): MessageAttributeValue {
    return { DataType: "String", StringValue: value };
}

function truncate(message: string): string {
    return message.length > MAX_ERROR_MESSAGE_LENGTH ? `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 3)}...` : message;
}
