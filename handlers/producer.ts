/**
 * The producer library: what agents call to publish escalations and tool calls (validated,
 * large payloads offloaded to S3 behind a pointer, sent in batches). Its public API is
 * emitEscalation, enqueueToolCall and the types and errors they use.
 */
import * as z from "./zod";
import {
    SendMessageBatchCommand,
    type SendMessageBatchRequestEntry,
    type SQSClient,
    type MessageAttributeValue,
} from "@aws-sdk/client-sqs";
import { ProducerSendError, ProducerValidationError } from "./errors";
import { type S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import {
    describeSchemaIssues,
    MessageAttributeName,
    messageSize,
    encodePayloadPointer,
    deriveEscalationId,
    EscalationMessageSchema,
    type EscalationInput,
    CURRENT_SCHEMA_VERSION,
    EventType,
    type EventType as EventTypeName,
    ToolCallMessageSchema,
    toolCallDeduplicationId,
    type ToolCallInput,
} from "./messages";
import { createHash } from "node:crypto";
import { DEAD_LETTER_HEADROOM_BYTES, DEFAULT_MAXIMUM_MESSAGE_SIZE_BYTES, offloadThresholdBytes } from "./environment";

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

/** Where a producer sends, and how. */
export interface ProducerTarget {
    readonly sqs: SQSClient;
    readonly queueUrl: string;
    /** Needed only when a payload can exceed the SQS limit; without it such a payload is refused. */
    readonly s3?: S3Client;
    readonly payloadBucketName?: string;
    /**
     * The queue's maximumMessageSize (the lane's `maximumMessageSizeBytes`). The producer offloads a
     * payload to S3 above this limit less the dead-letter headroom, so the threshold follows the queue.
     * @default 262144 (the SQS default)
     */
    readonly maximumMessageSizeBytes?: number;
    /**
     * Attempts per entry when SQS fails entries on its side (SenderFault = false).
     * @default 4
     */
    readonly maxAttempts?: number;
    /**
     * First retry delay; doubled on each further attempt.
     * @default 100
     */
    readonly retryBaseDelayMs?: number;
}

/** What a send did, in the order of the input. */
export interface SendReport {
    readonly messageIds: readonly string[];
    /** How many payloads went to S3 with a pointer in the message. */
    readonly offloadedPayloads: number;
}

/** Validates every input before anything is sent: one bad item refuses the whole call. */
export function validateAll<Schema extends z.core.$ZodType>(inputs: readonly unknown[], schema: Schema, what: string): z.output<Schema>[] {
    if (inputs.length === 0) {
        throw new ProducerValidationError(`at least one ${what} must be given, none given`);
    }
    const problems: string[] = [];
    const parsed = inputs.map((input, index) => {
        const result = z.safeParse(schema, input);
        if (!result.success) {
            problems.push(`${what} #${index}: ${describeSchemaIssues(result.error.issues, input)}`);
        }
        return result.data as z.output<Schema>;
    });
    if (problems.length > 0) {
        throw new ProducerValidationError(problems.join("; "));
    }
    return parsed;
}

/** Re-exported: the producer's callers (sendInBatches above) size their batches with it. */
export { messageSize };

/** SQS's classic message size limit (body plus attributes), which every queue accepts. */
export const MAX_SQS_MESSAGE_BYTES = DEFAULT_MAXIMUM_MESSAGE_SIZE_BYTES;
export { DEAD_LETTER_HEADROOM_BYTES };
/** The offload threshold of a queue at the default limit (a target's `maximumMessageSizeBytes` moves it). */
export const OFFLOAD_THRESHOLD_BYTES = offloadThresholdBytes(MAX_SQS_MESSAGE_BYTES);

export interface PreparedMessage {
    readonly body: string;
    readonly attributes: Record<string, MessageAttributeValue>;
    readonly offloaded: boolean;
}

/**
 * Keeps a message within the SQS limit: small ones go as they are; a larger one is stored in S3
 * under a key derived from its content (a retried send rewrites the same object) and the body
 * becomes a pointer the consumers resolve transparently.
 */
export async function fitMessage(
    target: ProducerTarget,
    body: string,
    attributes: Record<string, MessageAttributeValue>,
    keyPrefix: string,
): Promise<PreparedMessage> {
    const size = messageSize(body, attributes);
    // One setting, the queue's limit; the threshold follows from it (environment.ts).
    const threshold = offloadThresholdBytes(target.maximumMessageSizeBytes ?? MAX_SQS_MESSAGE_BYTES);
    if (size <= threshold) {
        return { body, attributes, offloaded: false };
    }
    if (target.s3 === undefined || target.payloadBucketName === undefined) {
        throw new ProducerValidationError(
            `message is ${size} bytes, over the ${threshold}-byte limit, and no payload bucket is configured ('s3' and 'payloadBucketName')`,
        );
    }
    const key = `${keyPrefix}/${createHash("sha256").update(body).digest("hex")}.json`;
    await target.s3.send(new PutObjectCommand({ Bucket: target.payloadBucketName, Key: key, Body: body, ContentType: "application/json" }));
    return {
        body: encodePayloadPointer({ s3BucketName: target.payloadBucketName, s3Key: key }),
        attributes: {
            ...attributes,
            [MessageAttributeName.extendedPayloadSize]: { DataType: "Number", StringValue: String(Buffer.byteLength(body, "utf8")) },
        },
        offloaded: true,
    };
}

/** What an escalation send did: the SQS message ids and the escalation ids, in input order. */
export interface EscalationSendReport extends SendReport {
    readonly escalationIds: readonly string[];
}

/** The attributes naming what a message is, so consumers can refuse what they do not understand. */
export function envelopeAttributes(eventType: EventTypeName): Record<string, MessageAttributeValue> {
    return {
        [MessageAttributeName.eventType]: { DataType: "String", StringValue: eventType },
        [MessageAttributeName.schemaVersion]: { DataType: "String", StringValue: CURRENT_SCHEMA_VERSION },
    };
}

/**
 * Publishes escalations to the escalation (standard) queue: validated first (nothing is sent if
 * one is invalid), `escalationId` set when missing (derived from the content before `occurredAt`
 * is stamped, so resending the same escalation keeps its id), `occurredAt` stamped when missing,
 * large payloads moved to S3. The report lists the escalation ids in input order.
 */
export async function emitEscalation(
    target: ProducerTarget,
    escalations: EscalationInput | readonly EscalationInput[],
): Promise<EscalationSendReport> {
    const inputs: readonly EscalationInput[] = Array.isArray(escalations) ? escalations : [escalations as EscalationInput];
    const messages = validateAll(inputs, EscalationMessageSchema, "escalation");
    const sentAt = new Date().toISOString();
    const escalationIds = messages.map((message) => message.escalationId ?? deriveEscalationId(message));
    const prepared = await Promise.all(
        messages.map((message, index) =>
            fitMessage(
                target,
                JSON.stringify({ ...message, escalationId: escalationIds[index], occurredAt: message.occurredAt ?? sentAt }),
                envelopeAttributes(EventType.escalation),
                EventType.escalation,
            ),
        ),
    );
    const messageIds = await sendInBatches(
        target,
        prepared.map((message) => ({ MessageBody: message.body, MessageAttributes: message.attributes })),
    );
    return { messageIds, escalationIds, offloadedPayloads: prepared.filter((message) => message.offloaded).length };
}

/** Re-exported for the producer's callers; the consumer derives its idempotency key from the same function. */
export { toolCallDeduplicationId };

/**
 * Enqueues tool calls on the tool-call (FIFO) queue, in the given order. The message group is the
 * call id: one call's tool calls run in order, different calls in parallel. Retried entries never
 * overtake their successors (see sendFifoInBatches).
 */
export async function enqueueToolCall(target: ProducerTarget, toolCalls: ToolCallInput | readonly ToolCallInput[]): Promise<SendReport> {
    const inputs: readonly ToolCallInput[] = Array.isArray(toolCalls) ? toolCalls : [toolCalls as ToolCallInput];
    const messages = validateAll(inputs, ToolCallMessageSchema, "tool call");
    const prepared = await Promise.all(
        messages.map((message) => fitMessage(target, JSON.stringify(message), envelopeAttributes(EventType.toolCall), EventType.toolCall)),
    );
    const messageIds = await sendFifoInBatches(
        target,
        prepared.map((message, index) => ({
            MessageBody: message.body,
            MessageAttributes: message.attributes,
            MessageGroupId: messages[index]!.callId,
            MessageDeduplicationId: toolCallDeduplicationId(messages[index]!.callId, messages[index]!.toolCallId),
        })),
    );
    return { messageIds, offloadedPayloads: prepared.filter((message) => message.offloaded).length };
}

/** The producer library: what agents call to publish escalations and tool calls. */

export { ProducerSendError, ProducerValidationError } from "./errors";
export { deriveEscalationId, type EscalationInput } from "./messages";
export type { ToolCallInput } from "./messages";
