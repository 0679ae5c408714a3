/**
 * Reading a DLQ without consuming it: messages are received with a short hold (visibility
 * timeout) so a scan does not see one twice, then released at once. If the process dies
 * mid-scan, the hold simply expires: nothing is deleted, nothing is lost.
 *
 * FIFO: SQS hides a group's later messages while an earlier one is held, so a scan of a FIFO
 * DLQ sees the head of each message group (AWS may return up to ten of one group per receive;
 * fauxqs returns one). Redrive moves whole groups in order.
 */
import { ChangeMessageVisibilityBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

export const DEFAULT_HOLD_SECONDS = 30;
const MAX_PER_RECEIVE = 10;

export interface PeekOptions {
    /** Stop after this many messages. @default all visible */
    readonly max?: number;
    /** How long messages stay hidden while the scan runs. @default 30 */
    readonly holdSeconds?: number;
}

/** Receives up to `max` messages (held `holdSeconds`), then releases every one: a read that consumes nothing. */
export async function peekMessages(sqs: SQSClient, queueUrl: string, options: PeekOptions = {}): Promise<Message[]> {
    const held = await receiveHeld(sqs, queueUrl, options.max ?? Number.POSITIVE_INFINITY, options.holdSeconds ?? DEFAULT_HOLD_SECONDS);
    await releaseMessages(sqs, queueUrl, held);
    return held;
}

/** Receives until the queue shows nothing more or `max` is reached; the messages stay held. */
export async function receiveHeld(sqs: SQSClient, queueUrl: string, max: number, holdSeconds: number, waitSeconds = 0): Promise<Message[]> {
    const held: Message[] = [];
    while (held.length < max) {
        const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
                QueueUrl: queueUrl,
                MaxNumberOfMessages: Math.min(MAX_PER_RECEIVE, max - held.length),
                VisibilityTimeout: holdSeconds,
                WaitTimeSeconds: waitSeconds,
                AttributeNames: ["All"],
                MessageSystemAttributeNames: ["All"],
                MessageAttributeNames: ["All"],
            }),
        );
        if (Messages.length === 0) {
            break;
        }
        held.push(...Messages);
    }
    return held;
}

/** Makes held messages visible again at once (FIFO: back at the head of their group). */
export async function releaseMessages(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += MAX_PER_RECEIVE) {
        const chunk = messages.slice(start, start + MAX_PER_RECEIVE);
        await sqs.send(
            new ChangeMessageVisibilityBatchCommand({
                QueueUrl: queueUrl,
                Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
            }),
        );
    }
}
