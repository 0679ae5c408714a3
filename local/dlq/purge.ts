/** Removing dead letters for good: chosen messages, or the whole DLQ behind a typed confirmation. */
import { DeleteMessageCommand, PurgeQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth, total } from "../progress";
import { type DeadLetterEntry, toDeadLetterEntry } from "./dead-letter-entry";
import { receiveHeld, releaseMessages } from "./peek";

/** Deletes every message of the DLQ (SQS allows one purge per queue per 60 s). Returns how many there were. */
export async function purgeDeadLetterQueue(sqs: SQSClient, deadLetterQueueUrl: string): Promise<number> {
    const before = total(await queueDepth(sqs, deadLetterQueueUrl));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: deadLetterQueueUrl }));
    return before;
}

/** The purge confirmation rule: `--yes`, or the DLQ's name typed back on a terminal. */
export function purgeConfirmed(queueName: string, answer: string | undefined, yes: boolean): boolean {
    return yes || answer?.trim() === queueName;
}

export interface DeleteReport {
    readonly deleted: readonly DeadLetterEntry[];
    /** Chosen ids not visible in the DLQ (already gone, or in a FIFO DLQ behind their group's head). */
    readonly notFound: readonly string[];
}

/** Deletes the chosen DLQ messages; every other message is released at once, untouched. */
export async function deleteMessages(
    sqs: SQSClient,
    deadLetterQueueUrl: string,
    messageIds: ReadonlySet<string>,
    holdSeconds = 60,
): Promise<DeleteReport> {
    const held = await receiveHeld(sqs, deadLetterQueueUrl, Number.POSITIVE_INFINITY, holdSeconds);
    const deleted: DeadLetterEntry[] = [];
    const others = [];
    try {
        for (const message of held) {
            const entry = toDeadLetterEntry(message);
            if (messageIds.has(entry.messageId)) {
                await sqs.send(new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }));
                deleted.push(entry);
            } else {
                others.push(message);
            }
        }
    } finally {
        await releaseMessages(sqs, deadLetterQueueUrl, others);
    }
    const found = new Set(deleted.map((entry) => entry.messageId));
    return { deleted, notFound: [...messageIds].filter((id) => !found.has(id)) };
}
