import { randomUUID } from "node:crypto";
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { Context, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from "aws-lambda";

/**
 * Builders for SQS events shaped exactly as Lambda's event source mapping delivers them
 * (lower-camel message attributes, string system attributes, eventSourceARN), either from scratch
 * or from messages really received from an emulator.
 */

export const TEST_REGION = "us-east-1";
export const TEST_ACCOUNT = "000000000000";

export function queueArnOf(queueName: string, region = TEST_REGION): string {
    return `arn:aws:sqs:${region}:${TEST_ACCOUNT}:${queueName}`;
}

export interface RecordOverrides {
    readonly body?: string;
    readonly messageId?: string;
    readonly receiptHandle?: string;
    readonly receiveCount?: number;
    readonly messageAttributes?: Record<string, MessageAttributeValue>;
    readonly messageGroupId?: string;
    readonly deduplicationId?: string;
    readonly queueName?: string;
}

/** A record made up from scratch (for handler paths that never touch the queue). */
export function sqsRecord(overrides: RecordOverrides = {}): SQSRecord {
    const now = String(Date.now());
    const attributes: SQSRecordAttributes = {
        ApproximateReceiveCount: String(overrides.receiveCount ?? 1),
        SentTimestamp: now,
        SenderId: "AIDAEXAMPLE",
        ApproximateFirstReceiveTimestamp: now,
        ...(overrides.messageGroupId !== undefined ? { MessageGroupId: overrides.messageGroupId, SequenceNumber: "1" } : {}),
        ...(overrides.deduplicationId !== undefined ? { MessageDeduplicationId: overrides.deduplicationId } : {}),
    };
    return {
        messageId: overrides.messageId ?? randomUUID(),
        receiptHandle: overrides.receiptHandle ?? `receipt-${randomUUID()}`,
        body: overrides.body ?? "{}",
        attributes,
        messageAttributes: toLambdaAttributes(overrides.messageAttributes ?? {}),
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: queueArnOf(overrides.queueName ?? "test-queue"),
        awsRegion: TEST_REGION,
    };
}

export function sqsEvent(records: readonly SQSRecord[]): SQSEvent {
    return { Records: [...records] };
}

/** Converts a message received with `MessageSystemAttributeNames: ["All"]` and `MessageAttributeNames: ["All"]`. */
export function lambdaRecordFrom(message: Message, queueArn: string, region = TEST_REGION): SQSRecord {
    return {
        messageId: message.MessageId ?? "",
        receiptHandle: message.ReceiptHandle ?? "",
        body: message.Body ?? "",
        attributes: { ...(message.Attributes ?? {}) } as unknown as SQSRecordAttributes,
        messageAttributes: toLambdaAttributes(message.MessageAttributes ?? {}),
        md5OfBody: message.MD5OfBody ?? "",
        eventSource: "aws:sqs",
        eventSourceARN: queueArn,
        awsRegion: region,
    };
}

/** A copy of `record` as SQS would deliver it on attempt `receiveCount`. */
export function onAttempt(record: SQSRecord, receiveCount: number): SQSRecord {
    return { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: String(receiveCount) } };
}

function toLambdaAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
    const converted: SQSMessageAttributes = {};
    for (const [name, value] of Object.entries(attributes)) {
        converted[name] = {
            dataType: value.DataType ?? "String",
            stringListValues: [],
            binaryListValues: [],
            ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
            ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") } : {}),
        };
    }
    return converted;
}

/** A Lambda context with the parts handlers use (remaining time for idempotency's in-progress expiry). */
export function lambdaContext(functionName = "test-function", remainingMs = 30_000): Context {
    const deadline = Date.now() + remainingMs;
    return {
        callbackWaitsForEmptyEventLoop: false,
        functionName,
        functionVersion: "$LATEST",
        invokedFunctionArn: `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${functionName}`,
        memoryLimitInMB: "256",
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${functionName}`,
        logStreamName: "test",
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
    };
}
