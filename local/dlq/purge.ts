import { PurgeQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth, total } from "../progress";

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
