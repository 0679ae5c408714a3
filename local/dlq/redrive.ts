/**
 * Moving DLQ messages back to their source queue.
 *
 * - `moveTask`: SQS's own StartMessageMoveTask, for standard queues on AWS (it keeps every
 *   attribute and moves at the rate SQS chooses). fauxqs does not implement it.
 * - `copy`: receive, send a copy to the source, delete from the DLQ only once SQS accepted the
 *   copy. FIFO-safe: a group's messages are copied one by one in order, keeping MessageGroupId
 *   and MessageDeduplicationId, and a group stops at its first message that cannot be moved, so
 *   nothing overtakes it. The handlers' reason attributes are dropped so the message replays as
 *   the producer sent it (they come back, fresh, if it fails again).
 *
 * A copy that SQS answers as a duplicate (FIFO: the same deduplication id within five minutes of
 * the original send) is accepted but would never be delivered; the DLQ message is kept and
 * reported, never deleted.
 */
import {
    ChangeMessageVisibilityCommand,
    DeleteMessageCommand,
    type Message,
    SendMessageCommand,
    type SQSClient,
    StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { receiveHeld } from "./peek";
import { type DeadLetterEntry, toDeadLetterEntry } from "./dead-letter-entry";

export interface RedriveTarget {
    readonly deadLetterQueueUrl: string;
    readonly deadLetterQueueArn: string;
    readonly sourceQueueUrl: string;
    readonly sourceQueueArn: string;
}

export interface CopyRedriveOptions {
    /** Move at most this many. @default all */
    readonly max?: number;
    /** Only these message ids (others are left in place). @default all */
    readonly messageIds?: ReadonlySet<string>;
    /** How long a message being moved stays hidden in the DLQ. @default 60 */
    readonly holdSeconds?: number;
}

export interface RedriveProblem {
    readonly messageId: string;
    readonly reason: string;
}

export interface CopyRedriveReport {
    readonly method: "copy";
    readonly moved: readonly string[];
    /** Left in the DLQ, with why. */
    readonly kept: readonly RedriveProblem[];
}

export interface MoveTaskReport {
    readonly method: "moveTask";
    readonly taskHandle: string;
}

const DEFAULT_HOLD_SECONDS = 60;

/** True when the service does not know StartMessageMoveTask (fauxqs and other emulators). */
export function isUnsupportedAction(error: unknown): boolean {
    const name = (error as { name?: string; Code?: string } | undefined)?.name ?? "";
    return name === "InvalidAction" || name === "UnsupportedOperation" || /Unknown action/i.test((error as Error | undefined)?.message ?? "");
}

export async function redriveWithMoveTask(sqs: SQSClient, target: RedriveTarget): Promise<MoveTaskReport> {
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: target.deadLetterQueueArn, DestinationArn: target.sourceQueueArn }));
    return { method: "moveTask", taskHandle: TaskHandle ?? "" };
}

export async function redriveByCopy(sqs: SQSClient, target: RedriveTarget, options: CopyRedriveOptions = {}): Promise<CopyRedriveReport> {
    const fifo = target.deadLetterQueueUrl.endsWith(".fifo");
    const max = options.max ?? Number.POSITIVE_INFINITY;
    const holdSeconds = options.holdSeconds ?? DEFAULT_HOLD_SECONDS;
    const moved: string[] = [];
    const kept: RedriveProblem[] = [];
    /** FIFO groups that hit a message they could not move: the rest of the group must wait behind it. */
    const blockedGroups = new Set<string>();

    // Messages not moved stay held until the end, so the scan reaches the ones behind them.
    const releaseAtEnd: Message[] = [];
    try {
        while (moved.length < max) {
            const batch = await receiveHeld(sqs, target.deadLetterQueueUrl, 10, holdSeconds);
            if (batch.length === 0) {
                break;
            }
            for (const message of batch) {
                const entry = toDeadLetterEntry(message);
                const group = entry.groupId ?? "";
                const wanted = options.messageIds === undefined || options.messageIds.has(entry.messageId);
                if (!wanted || (fifo && blockedGroups.has(group)) || moved.length >= max) {
                    releaseAtEnd.push(message);
                    continue;
                }
                const problem = await copyThenDelete(sqs, target, message, entry, fifo);
                if (problem === undefined) {
                    moved.push(entry.messageId);
                } else {
                    kept.push({ messageId: entry.messageId, reason: problem });
                    releaseAtEnd.push(message);
                    if (fifo) {
                        blockedGroups.add(group);
                    }
                }
            }
        }
    } finally {
        await releaseAll(sqs, target.deadLetterQueueUrl, releaseAtEnd);
    }
    return { method: "copy", moved, kept };
}

/** Returns undefined when the copy was accepted and the original deleted, else why it was kept. */
async function copyThenDelete(sqs: SQSClient, target: RedriveTarget, message: Message, entry: DeadLetterEntry, fifo: boolean): Promise<string | undefined> {
    let sentMessageId: string | undefined;
    try {
        const sent = await sqs.send(
            new SendMessageCommand({
                QueueUrl: target.sourceQueueUrl,
                MessageBody: entry.body,
                MessageAttributes: Object.keys(entry.originalAttributes).length > 0 ? { ...entry.originalAttributes } : undefined,
                ...(fifo ? { MessageGroupId: entry.groupId, MessageDeduplicationId: entry.deduplicationId } : {}),
            }),
        );
        sentMessageId = sent.MessageId;
    } catch (error) {
        return `the source queue refused the copy: ${(error as Error).message}`;
    }
    if (sentMessageId === undefined) {
        return "the source queue answered without a message id; the copy is not confirmed";
    }
    if (fifo && (sentMessageId === entry.messageId || sentMessageId === entry.reason?.sourceMessageId)) {
        return "SQS treated the copy as a duplicate of the original send (same deduplication id within 5 minutes); try again later";
    }
    try {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: target.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
        return `copied as ${sentMessageId}, but deleting it from the DLQ failed (${(error as Error).message}); the consumer's idempotency absorbs the duplicate`;
    }
    return undefined;
}

async function releaseAll(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
    // One by one and in order, so a FIFO group's head goes back before the messages behind it.
    for (const message of messages) {
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
    }
}
