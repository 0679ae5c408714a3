/**
 * Puts a message straight into a lane's DLQ exactly as the consumers would (through the handlers'
 * own `deadLetterMessage`, reason attributes and all), without going through the source queue:
 * the browser tests and the README screenshots need dead letters while the consumers run.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { deadLetterMessage, type DeadLetterKind } from "../../handlers/failures/dead-letter";
import type { LaneQueues } from "../stack-outputs";

export interface SampleDeadLetter {
    readonly body: string;
    readonly kind: DeadLetterKind;
    readonly error: Error;
    /** FIFO lanes: the message group. @default "call-1" */
    readonly groupId?: string;
    /** @default 1 */
    readonly attempts?: number;
    /** @default "sample" */
    readonly handlerVersion?: string;
    readonly attributes?: SQSRecord["messageAttributes"];
}

/** Returns the DLQ message id. */
export async function putDeadLetter(sqs: SQSClient, lane: LaneQueues, region: string, sample: SampleDeadLetter): Promise<string> {
    const now = String(Date.now());
    const fifo = lane.queueUrl.endsWith(".fifo");
    const record: SQSRecord = {
        messageId: randomUUID(),
        receiptHandle: "not-received",
        body: sample.body,
        attributes: {
            SenderId: "AIDASAMPLEPRODUCER",
            ApproximateReceiveCount: String(sample.attempts ?? 1),
            SentTimestamp: now,
            ApproximateFirstReceiveTimestamp: now,
            ...(fifo ? { MessageGroupId: sample.groupId ?? "call-1" } : {}),
        },
        messageAttributes: sample.attributes ?? {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: lane.queueArn,
        awsRegion: region,
    };
    const sent = await sqs.send(deadLetterMessage(record, lane.deadLetterQueueUrl, { kind: sample.kind, error: sample.error, handlerVersion: sample.handlerVersion ?? "sample" }));
    return sent.MessageId ?? "";
}
