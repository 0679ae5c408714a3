import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type MessageAttributeValue, type SQSClient } from "@aws-sdk/client-sqs";
import { buildDeadLetter, DeadLetterKind } from "../../../handlers/failures/dead-letter";
import { InvalidMessageError } from "../../../handlers/failures/errors";
import type { SQSRecord } from "aws-lambda";
import { toSqsRecord } from "../../../local/lambda/sqs-event";
import { sqsRecord } from "../../helpers/sqs-events";
import type { TestQueue } from "./sqs-fixture";

export interface DeadLetterInput {
    readonly body: string;
    readonly groupId?: string;
    readonly attributes?: Record<string, MessageAttributeValue>;
}

/**
 * Puts messages in `queue`'s DLQ the way the consumers do: each is sent to the source queue,
 * received, and forwarded with a copy built by the handlers' own `buildDeadLetter`, as poison.
 * Returns the DLQ message ids, in order.
 *
 * FIFO: the dead letter keeps the producer's deduplication id, and a replay within five minutes of
 * the original send is (rightly) dropped by the source queue as a duplicate. So for FIFO queues the
 * record is built as Lambda would have delivered it without sending it to the source first: the
 * original send is then outside the source's deduplication window, as in a real redrive.
 */
export async function deadLetter(sqs: SQSClient, queue: TestQueue, inputs: readonly DeadLetterInput[]): Promise<string[]> {
    const ids: string[] = [];
    for (const [index, input] of inputs.entries()) {
        if (queue.fifo) {
            const record = sqsRecord({
                body: input.body,
                messageGroupId: input.groupId ?? "group-1",
                deduplicationId: `original-${index}-${Date.now()}`,
                ...(input.attributes !== undefined ? { messageAttributes: input.attributes } : {}),
            });
            ids.push(await forward(sqs, queue, record, index));
            continue;
        }
        await sqs.send(
            new SendMessageCommand({
                QueueUrl: queue.url,
                MessageBody: input.body,
                MessageAttributes: input.attributes,
                ...(queue.fifo ? { MessageGroupId: input.groupId ?? "group-1", MessageDeduplicationId: `original-${index}-${Date.now()}` } : {}),
            }),
        );
        const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1, AttributeNames: ["All"], MessageAttributeNames: ["All"] }),
        );
        const record = toSqsRecord(Messages[0]!, { queueArn: queue.arn, region: "us-east-1" });
        ids.push(await forward(sqs, queue, record, index));
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: Messages[0]!.ReceiptHandle }));
    }
    return ids;
}

async function forward(sqs: SQSClient, queue: TestQueue, record: SQSRecord, index: number): Promise<string> {
    const { request } = buildDeadLetter(
        record,
        { kind: DeadLetterKind.poison, error: new InvalidMessageError(`bad body #${index}`), handlerVersion: "test-1", attempts: 1 },
        { deadLetterQueueUrl: queue.deadLetterUrl, maxMessageBytes: 262_144 },
    );
    const sent = await sqs.send(new SendMessageCommand(request));
    return sent.MessageId!;
}
