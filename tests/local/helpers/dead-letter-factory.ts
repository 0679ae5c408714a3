import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type MessageAttributeValue, type SQSClient } from "@aws-sdk/client-sqs";
import { deadLetterMessage, DeadLetterKind } from "../../../handlers/failures/dead-letter";
import { InvalidMessageError } from "../../../handlers/failures/errors";
import { toSqsRecord } from "../../../local/lambda/sqs-event";
import type { TestQueue } from "./sqs-fixture";

export interface DeadLetterInput {
    readonly body: string;
    readonly groupId?: string;
    readonly attributes?: Record<string, MessageAttributeValue>;
}

/**
 * Puts messages in `queue`'s DLQ the way the consumers do: each is sent to the source queue,
 * received, and forwarded by the handlers' own `deadLetterMessage` with a poison reason.
 * Returns the DLQ message ids, in order.
 */
export async function deadLetter(sqs: SQSClient, queue: TestQueue, inputs: readonly DeadLetterInput[]): Promise<string[]> {
    const ids: string[] = [];
    for (const [index, input] of inputs.entries()) {
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
        const sent = await sqs.send(
            deadLetterMessage(record, queue.deadLetterUrl, { kind: DeadLetterKind.poison, error: new InvalidMessageError(`bad body #${index}`), handlerVersion: "test-1" }),
        );
        ids.push(sent.MessageId!);
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
 * dead-letters each message with the handlers' own `deadLetterMessage`, until stopped or until it
 * has dead-lettered `limit` (so a redrive that keeps moving its own replays still ends).
 */
export function startFailingConsumer(sqs: SQSClient, queue: TestQueue, limit = 60): FailingConsumer {
    let running = true;
    let count = 0;
    const loop = (async () => {
        while (running && count < limit) {
            const { Messages = [] } = await sqs.send(
                new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ["All"], MessageAttributeNames: ["All"] }),
            );
            for (const message of Messages) {
                const record = toSqsRecord(message, { queueArn: queue.arn, region: "us-east-1" });
                await sqs.send(deadLetterMessage(record, queue.deadLetterUrl, { kind: DeadLetterKind.poison, error: new InvalidMessageError("still bad"), handlerVersion: "test-1" }));
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
