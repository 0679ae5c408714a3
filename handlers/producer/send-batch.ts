import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import { MAX_SQS_MESSAGE_BYTES, messageSize } from "./payload-offload";
import { ProducerSendError, type ProducerTarget } from "./producer-target";

/** SendMessageBatch takes at most 10 entries and 256 KiB in total. */
const MAX_BATCH_ENTRIES = 10;

type Entry = Omit<SendMessageBatchRequestEntry, "Id">;

/**
 * Sends entries with SendMessageBatch, chunked by count and total size, and retries the entries
 * SQS failed on its side (SenderFault = false: throttling, internal errors) with exponential
 * backoff. Entries failed by the sender's fault (invalid attributes, ...) are not retried.
 * Resolves with the message ids in input order; rejects with ProducerSendError naming what failed.
 */
export async function sendInBatches(target: ProducerTarget, entries: readonly Entry[]): Promise<string[]> {
    const outcome = await sendCollectingFailures(target, entries);
    if (outcome.failures.length > 0) {
        throw new ProducerSendError(outcome.failures);
    }
    return outcome.messageIds;
}

interface SendFailure {
    readonly index: number;
    readonly code: string;
    readonly message: string;
}

interface SendOutcome {
    /** Message ids by input index ("" where the entry failed). */
    readonly messageIds: string[];
    /** Entries that failed for good, by input index, sorted. */
    readonly failures: SendFailure[];
}

async function sendCollectingFailures(target: ProducerTarget, entries: readonly Entry[]): Promise<SendOutcome> {
    const maxAttempts = target.maxAttempts ?? 4;
    const baseDelayMs = target.retryBaseDelayMs ?? 100;
    const messageIds: string[] = entries.map(() => "");
    const failures: SendFailure[] = [];

    let pending = entries.map((_, index) => index);
    for (let attempt = 1; pending.length > 0; attempt++) {
        const retry: number[] = [];
        for (const chunk of chunkBySize(pending, entries)) {
            const response = await target.sqs.send(
                new SendMessageBatchCommand({
                    QueueUrl: target.queueUrl,
                    Entries: chunk.map((index) => ({ ...entries[index], Id: String(index) })),
                }),
            );
            for (const success of response.Successful ?? []) {
                messageIds[Number(success.Id)] = success.MessageId ?? "";
            }
            for (const failure of response.Failed ?? []) {
                const index = Number(failure.Id);
                if (!failure.SenderFault && attempt < maxAttempts) {
                    retry.push(index);
                } else {
                    failures.push({ index, code: failure.Code ?? "Unknown", message: failure.Message ?? "" });
                }
            }
        }
        pending = retry;
        if (pending.length > 0) {
            await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 2 ** (attempt - 1)));
        }
    }
    return { messageIds, failures: failures.sort((a, b) => a.index - b.index) };
}

function chunkBySize(indexes: readonly number[], entries: readonly Entry[]): number[][] {
    const chunks: number[][] = [];
    let current: number[] = [];
    let currentBytes = 0;
    for (const index of indexes) {
        const entry = entries[index]!;
        const bytes = messageSize(entry.MessageBody ?? "", entry.MessageAttributes ?? {});
        if (current.length === MAX_BATCH_ENTRIES || (current.length > 0 && currentBytes + bytes > MAX_SQS_MESSAGE_BYTES)) {
            chunks.push(current);
            current = [];
            currentBytes = 0;
        }
        current.push(index);
        currentBytes += bytes;
    }
    if (current.length > 0) {
        chunks.push(current);
    }
    return chunks;
}

/**
 * FIFO variant: keeps order within each message group even when entries must be retried. Entries
 * go in waves holding at most one message per group (the 1st of every group, then the 2nd, ...),
 * and a wave's retries finish before the next wave starts, so a retried message can never land
 * behind its successor. If a message fails for good, the rest of its group is not sent.
 */
export async function sendFifoInBatches(
    target: ProducerTarget,
    entries: readonly (Entry & { MessageGroupId: string })[],
): Promise<string[]> {
    const waves: number[][] = [];
    const ordinalByGroup = new Map<string, number>();
    entries.forEach((entry, index) => {
        const ordinal = ordinalByGroup.get(entry.MessageGroupId) ?? 0;
        ordinalByGroup.set(entry.MessageGroupId, ordinal + 1);
        (waves[ordinal] ??= []).push(index);
    });

    const messageIds: string[] = entries.map(() => "");
    const failures: SendFailure[] = [];
    const failedGroups = new Set<string>();
    for (const wave of waves) {
        const sendable: number[] = [];
        for (const index of wave) {
            const group = entries[index]!.MessageGroupId;
            if (failedGroups.has(group)) {
                failures.push({ index, code: "PrecedingMessageFailed", message: `an earlier message of group '${group}' was not sent` });
            } else {
                sendable.push(index);
            }
        }
        if (sendable.length === 0) {
            continue;
        }
        const outcome = await sendCollectingFailures(
            target,
            sendable.map((index) => entries[index]!),
        );
        sendable.forEach((index, position) => (messageIds[index] = outcome.messageIds[position]!));
        for (const failure of outcome.failures) {
            const index = sendable[failure.index]!;
            failures.push({ ...failure, index });
            failedGroups.add(entries[index]!.MessageGroupId);
        }
    }
    if (failures.length > 0) {
        throw new ProducerSendError(failures.sort((a, b) => a.index - b.index));
    }
    return messageIds;
}
