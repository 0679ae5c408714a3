/**
 * Puts a message straight into a lane's DLQ exactly as the consumers would (through the handlers'
 * own `buildDeadLetter`, reason attribute and all), without going through the source queue:
 * the browser tests and the README screenshots need dead letters while the consumers run.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { buildDeadLetter, type DeadLetterKind } from "../../handlers/dead-letter";
import type { LaneQueues } from "../stack-outputs";
import { isFifoQueue } from "../../handlers/aws";

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

/** SQS's default maximumMessageSize, which the local runtime's DLQs keep. */
const SQS_DEFAULT_MAX_MESSAGE_BYTES = 262_144;

/** Returns the DLQ message id. */
export async function putDeadLetter(sqs: SQSClient, lane: LaneQueues, region: string, sample: SampleDeadLetter): Promise<string> {
    const now = String(Date.now());
    const fifo = isFifoQueue(lane.queueUrl);
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
    const { request } = buildDeadLetter(
        record,
        { kind: sample.kind, error: sample.error, handlerVersion: sample.handlerVersion ?? "sample", attempts: sample.attempts ?? 1 },
        { deadLetterQueueUrl: lane.deadLetterQueueUrl, maxMessageBytes: SQS_DEFAULT_MAX_MESSAGE_BYTES },
    );
    const sent = await sqs.send(new SendMessageCommand(request));
    return sent.MessageId ?? "";
}
