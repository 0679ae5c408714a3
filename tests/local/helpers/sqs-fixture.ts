/**
 * Shared factories for the local-runtime tests: one set of emulators per suite, queues with a
 * DLQ created the way the runtime creates them, and small send/receive helpers.
 */
import {
    CreateQueueCommand,
    GetQueueAttributesCommand,
    Message,
    ReceiveMessageCommand,
    SendMessageBatchCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import { randomUUID } from "node:crypto";
import { createAwsClients } from "../../../handlers/aws";
import { LocalEmulators, startEmulators } from "../../../local/emulators";
import { redrivePolicy } from "../../../pipeline/policy-documents";

export interface TestQueue {
    readonly url: string;
    readonly arn: string;
    readonly deadLetterUrl: string;
    readonly deadLetterArn: string;
    readonly fifo: boolean;
}

export interface SqsFixture {
    readonly emulators: LocalEmulators;
    readonly sqs: SQSClient;
    createQueue(options?: { fifo?: boolean; visibilityTimeoutSeconds?: number; maxReceiveCount?: number }): Promise<TestQueue>;
    stop(): Promise<void>;
}

export async function startSqsFixture(): Promise<SqsFixture> {
    const emulators = await startEmulators();
    const { sqs } = createAwsClients(emulators.environment);
    return {
        emulators,
        sqs,
        async createQueue(options = {}) {
            const fifo = options.fifo ?? false;
            const suffix = fifo ? ".fifo" : "";
            const name = `test-${randomUUID().slice(0, 8)}`;
            const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: "true" } : {};
            const deadLetterUrl = await createQueueUrl(sqs, `${name}-dlq${suffix}`, fifoAttributes);
            const deadLetterArn = await queueArn(sqs, deadLetterUrl);
            const url = await createQueueUrl(sqs, `${name}${suffix}`, {
                ...fifoAttributes,
                VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
                RedrivePolicy: JSON.stringify(redrivePolicy(deadLetterArn, options.maxReceiveCount ?? 5)),
            });
            return { url, arn: await queueArn(sqs, url), deadLetterUrl, deadLetterArn, fifo };
        },
        async stop() {
            sqs.destroy();
            await emulators.stop();
        },
    };
}

async function createQueueUrl(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return QueueUrl!;
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
    return Attributes!.QueueArn!;
}

/** Sends bodies in order (FIFO: all in `groupId`, deduplicated by index). */
export async function sendBodies(sqs: SQSClient, queue: TestQueue, bodies: readonly string[], groupId = "group-1"): Promise<void> {
    for (let start = 0; start < bodies.length; start += 10) {
        const result = await sqs.send(
            new SendMessageBatchCommand({
                QueueUrl: queue.url,
                Entries: bodies.slice(start, start + 10).map((body, index) => ({
                    Id: String(index),
                    MessageBody: body,
                    ...(queue.fifo
                        ? { MessageGroupId: groupId, MessageDeduplicationId: `${groupId}-${start + index}-${randomUUID()}` }
                        : {}),
                })),
            }),
        );
        if ((result.Failed ?? []).length > 0) {
            throw new Error(`send failed: ${JSON.stringify(result.Failed)}`);
        }
    }
}

/** Receives everything visible now (short polls until one comes back empty). */
export async function drainVisible(sqs: SQSClient, url: string): Promise<Message[]> {
    const messages: Message[] = [];
    for (;;) {
        const { Messages } = await sqs.send(
            new ReceiveMessageCommand({
                QueueUrl: url,
                MaxNumberOfMessages: 10,
                WaitTimeSeconds: 0,
                MessageAttributeNames: ["All"],
                AttributeNames: ["All"],
            }),
        );
        if (!Messages || Messages.length === 0) {
            return messages;
        }
        messages.push(...Messages);
    }
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) {
            throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
