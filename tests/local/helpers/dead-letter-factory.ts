import {
    DeleteMessageCommand,
    ReceiveMessageCommand,
    SendMessageCommand,
    type MessageAttributeValue,
    type SQSClient,
} from "@aws-sdk/client-sqs";
import { buildDeadLetter, DeadLetterKind } from "../../../handlers/dead-letter";
import { InvalidMessageError } from "../../../handlers/errors";
import type { SQSRecord } from "aws-lambda";
import { toSqsRecord } from "../../../local/lambda/sqs-event";
import { sqsRecord } from "../../helpers/sqs-events";
import type { TestQueue } from "./sqs-fixture";

export interface DeadLetterInput {
    readonly body: string;
    readonly groupId?: string;
    /** FIFO: the producer's deduplication id. @default a unique one */
    readonly deduplicationId?: string;
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
                deduplicationId: input.deduplicationId ?? `original-${index}-${Date.now()}`,
                ...(input.attributes !== undefined ? { messageAttributes: input.attributes } : {}),
            });
            ids.push(await forward(sqs, queue, record, new InvalidMessageError(`bad body #${index}`)));
            continue;
        }
        await sqs.send(
            new SendMessageCommand({
                QueueUrl: queue.url,
                MessageBody: input.body,
                MessageAttributes: input.attributes,
                ...(queue.fifo
                    ? { MessageGroupId: input.groupId ?? "group-1", MessageDeduplicationId: `original-${index}-${Date.now()}` }
                    : {}),
            }),
        );
        const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
                QueueUrl: queue.url,
                MaxNumberOfMessages: 1,
                AttributeNames: ["All"],
                MessageAttributeNames: ["All"],
            }),
        );
        const record = toSqsRecord(Messages[0]!, { queueArn: queue.arn, region: "us-east-1" });
        ids.push(await forward(sqs, queue, record, new InvalidMessageError(`bad body #${index}`)));
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: Messages[0]!.ReceiptHandle }));
    }
    return ids;
}

export interface FailingConsumer {
    /** Messages it has dead-lettered so far. */
    readonly deadLettered: () => number;
    stop(): Promise<void>;
}

/**
 * A stand-in for a consumer that finds every message poison: it receives from `queue` and
 * dead-letters each message with the handlers' own `buildDeadLetter`, until stopped or until it
 * has dead-lettered `limit` (so a redrive that keeps moving its own replays still ends).
 */
export function startFailingConsumer(sqs: SQSClient, queue: TestQueue, limit = 60): FailingConsumer {
    let running = true;
    let count = 0;
    const loop = (async () => {
        while (running && count < limit) {
            const { Messages = [] } = await sqs.send(
                new ReceiveMessageCommand({
                    QueueUrl: queue.url,
                    MaxNumberOfMessages: 10,
                    WaitTimeSeconds: 0,
                    AttributeNames: ["All"],
                    MessageAttributeNames: ["All"],
                }),
            );
            for (const message of Messages) {
                const record = toSqsRecord(message, { queueArn: queue.arn, region: "us-east-1" });
                // Each is a replay dead-lettered again: a later copy, so the FIFO DLQ must not drop it as a duplicate of the first.
                await forward(sqs, queue, record, new InvalidMessageError("still bad"), 1);
                await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }));
                count++;
            }
            if (Messages.length === 0) {
                await new Promise((resolve) => setTimeout(resolve, 5));
            }
        }
    })();
    return {
        deadLettered: () => count,
        async stop() {
            running = false;
            await loop;
        },
    };
}

async function forward(sqs: SQSClient, queue: TestQueue, record: SQSRecord, error: Error, previousDeadLetters = 0): Promise<string> {
    const { request } = buildDeadLetter(
        record,
        { kind: DeadLetterKind.poison, error, handlerVersion: "test-1", attempts: 1 },
        { deadLetterQueueUrl: queue.deadLetterUrl, maxMessageBytes: 262_144, previousDeadLetters },
    );
    const sent = await sqs.send(new SendMessageCommand(request));
    return sent.MessageId!;
}
