/**
 * Turns messages as `ReceiveMessage` returns them into the records Lambda hands an SQS consumer.
 * The shape follows the event Lambda documents (camelCase keys, string attribute values, message
 * attributes as `{ stringValue, stringListValues, binaryListValues, dataType }`), so a handler that
 * works here reads the same fields it reads on AWS.
 */
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSMessageAttribute, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from "aws-lambda";

export interface SqsEventSource {
    /** The queue's ARN: Lambda puts it on every record as `eventSourceARN`. */
    readonly queueArn: string;
    readonly region: string;
}

/** The system attributes Lambda copies onto a record, in the order its documentation lists them. */
const RECORD_ATTRIBUTE_NAMES = [
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "SenderId",
    "MessageDeduplicationId",
    "ApproximateFirstReceiveTimestamp",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
] as const;

export class MalformedSqsMessageError extends Error {
    constructor(field: string) {
        super(`A received SQS message has no '${field}'; the emulator answered something Lambda would never pass on`);
        this.name = "MalformedSqsMessageError";
    }
}

export function toSqsEvent(messages: readonly Message[], source: SqsEventSource): SQSEvent {
    return { Records: messages.map((message) => toSqsRecord(message, source)) };
}

export function toSqsRecord(message: Message, source: SqsEventSource): SQSRecord {
    const messageId = required(message.MessageId, "MessageId");
    const record: SQSRecord = {
        messageId,
        receiptHandle: required(message.ReceiptHandle, "ReceiptHandle"),
        body: message.Body ?? "",
        attributes: toRecordAttributes(message.Attributes ?? {}),
        messageAttributes: toRecordMessageAttributes(message.MessageAttributes ?? {}),
        md5OfBody: required(message.MD5OfBody, "MD5OfBody"),
        eventSource: "aws:sqs",
        eventSourceARN: source.queueArn,
        awsRegion: source.region,
    };
    if (message.MD5OfMessageAttributes !== undefined) {
        record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
    }
    return record;
}

function toRecordAttributes(attributes: Record<string, string>): SQSRecordAttributes {
    const result: Record<string, string> = {};
    for (const name of RECORD_ATTRIBUTE_NAMES) {
        const value = attributes[name];
        if (value !== undefined) {
            result[name] = value;
        }
    }
    // Lambda always sets these four; an emulator that omits one would break handlers that read it.
    for (const name of ["ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"] as const) {
        required(result[name], `Attributes.${name}`);
    }
    return result as unknown as SQSRecordAttributes;
}

function toRecordMessageAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
    const result: SQSMessageAttributes = {};
    for (const [name, value] of Object.entries(attributes)) {
        result[name] = toRecordMessageAttribute(value);
    }
    return result;
}

/** Lambda renders binary values as base64 and always includes the two (unused) list fields, in this order. */
function toRecordMessageAttribute(value: MessageAttributeValue): SQSMessageAttribute {
    return {
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") } : {}),
        stringListValues: value.StringListValues ?? [],
        binaryListValues: (value.BinaryListValues ?? []).map((binary) => Buffer.from(binary).toString("base64")),
        dataType: value.DataType ?? "String",
    };
}

function required(value: string | undefined, field: string): string {
    if (value === undefined) {
        throw new MalformedSqsMessageError(field);
    }
    return value;
}
