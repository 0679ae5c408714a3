/**
 * An in-memory SQS with AWS's FIFO receive behaviour that fauxqs lacks: one ReceiveMessage may
 * return several messages of the same group, in order (AWS: "messages with the same group id
 * may be returned together"), and a group hides every message while one of its messages is in
 * flight. fauxqs returns one message per group per receive, so a redrive bug that continues a
 * group past a refused copy cannot show on it; this double shows it. It implements only the
 * actions the DLQ tools send, and refuses a send whose body exceeds the queue's size limit, as
 * SQS does.
 */
import {
    ChangeMessageVisibilityBatchCommand,
    ChangeMessageVisibilityCommand,
    DeleteMessageCommand,
    GetQueueAttributesCommand,
    type Message,
    ReceiveMessageCommand,
    SendMessageCommand,
    type SQSClient,
} from "@aws-sdk/client-sqs";
import { randomUUID } from "node:crypto";

interface StoredMessage {
    readonly message: Message;
    readonly groupId: string;
    inFlightUntil: number;
    receipt?: string;
}

export interface BatchingFifoQueue {
    readonly url: string;
    readonly arn: string;
    /** Bodies longer than this are refused, as SQS refuses a message above MaximumMessageSize. */
    readonly maximumMessageBytes: number;
    readonly messages: StoredMessage[];
}

export class BatchingFifoSqs {
    private readonly queues = new Map<string, BatchingFifoQueue>();

    createQueue(name: string, maximumMessageBytes = 262_144): BatchingFifoQueue {
        const queue = {
            url: `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`,
            arn: `arn:aws:sqs:us-east-1:123456789012:${name}`,
            maximumMessageBytes,
            messages: [],
        };
        this.queues.set(queue.url, queue);
        return queue;
    }

    /** Puts a message straight into a queue (as a dead-lettering would have). */
    put(queue: BatchingFifoQueue, body: string, groupId: string, attributes: Message["MessageAttributes"] = {}): string {
        const messageId = randomUUID();
        queue.messages.push({
            message: {
                MessageId: messageId,
                Body: body,
                MessageAttributes: attributes,
                Attributes: {
                    MessageGroupId: groupId,
                    MessageDeduplicationId: messageId,
                    SentTimestamp: String(Date.now()),
                    ApproximateReceiveCount: "1",
                },
            },
            groupId,
            inFlightUntil: 0,
        });
        return messageId;
    }

    bodies(queue: BatchingFifoQueue): string[] {
        return queue.messages.map((stored) => stored.message.Body ?? "");
    }

    /** The object the DLQ tools take as their SQS client. */
    asClient(): SQSClient {
        return { send: (command: unknown) => this.handle(command) } as unknown as SQSClient;
    }

    private async handle(command: unknown): Promise<unknown> {
        if (command instanceof ReceiveMessageCommand) {
            return {
                Messages: this.receive(
                    this.queue(command.input.QueueUrl),
                    command.input.MaxNumberOfMessages ?? 1,
                    command.input.VisibilityTimeout ?? 30,
                ),
            };
        }
        if (command instanceof SendMessageCommand) {
            const queue = this.queue(command.input.QueueUrl);
            const body = command.input.MessageBody ?? "";
            if (Buffer.byteLength(body) > queue.maximumMessageBytes) {
                throw Object.assign(
                    new Error(
                        `One or more parameters are invalid. Reason: Message must be shorter than ${queue.maximumMessageBytes} bytes.`,
                    ),
                    { name: "InvalidParameterValue" },
                );
            }
            return { MessageId: this.put(queue, body, command.input.MessageGroupId ?? "", command.input.MessageAttributes) };
        }
        if (command instanceof DeleteMessageCommand) {
            const queue = this.queue(command.input.QueueUrl);
            const index = queue.messages.findIndex((stored) => stored.receipt === command.input.ReceiptHandle);
            if (index >= 0) {
                queue.messages.splice(index, 1);
            }
            return {};
        }
        if (command instanceof ChangeMessageVisibilityCommand) {
            this.changeVisibility(this.queue(command.input.QueueUrl), command.input.ReceiptHandle, command.input.VisibilityTimeout ?? 0);
            return {};
        }
        if (command instanceof ChangeMessageVisibilityBatchCommand) {
            const queue = this.queue(command.input.QueueUrl);
            (command.input.Entries ?? []).forEach((entry) =>
                this.changeVisibility(queue, entry.ReceiptHandle, entry.VisibilityTimeout ?? 0),
            );
            return { Successful: (command.input.Entries ?? []).map((entry) => ({ Id: entry.Id })), Failed: [] };
        }
        if (command instanceof GetQueueAttributesCommand) {
            const queue = this.queue(command.input.QueueUrl);
            return {
                Attributes: {
                    QueueArn: queue.arn,
                    ApproximateNumberOfMessages: String(queue.messages.length),
                    ApproximateNumberOfMessagesNotVisible: "0",
                },
            };
        }
        throw new Error(`BatchingFifoSqs does not implement ${(command as object).constructor.name}`);
    }

    private queue(url: string | undefined): BatchingFifoQueue {
        const queue = this.queues.get(url ?? "");
        if (queue === undefined) {
            throw Object.assign(new Error("The specified queue does not exist."), { name: "QueueDoesNotExist" });
        }
        return queue;
    }

    private receive(queue: BatchingFifoQueue, max: number, visibilitySeconds: number): Message[] {
        const now = Date.now();
        const busyGroups = new Set(queue.messages.filter((stored) => stored.inFlightUntil > now).map((stored) => stored.groupId));
        const received: Message[] = [];
        for (const stored of queue.messages) {
            if (received.length >= max) {
                break;
            }
            // A group with a message in flight (before this receive) yields nothing; any other yields its messages in order.
            if (busyGroups.has(stored.groupId)) {
                continue;
            }
            stored.inFlightUntil = now + visibilitySeconds * 1000;
            stored.receipt = randomUUID();
            received.push({ ...stored.message, ReceiptHandle: stored.receipt });
        }
        return received;
    }

    private changeVisibility(queue: BatchingFifoQueue, receipt: string | undefined, seconds: number): void {
        const stored = queue.messages.find((candidate) => candidate.receipt === receipt);
        if (stored !== undefined) {
            stored.inFlightUntil = Date.now() + seconds * 1000;
        }
    }
}
