/**
 * The dead-letter format: how a message our handlers forward to the DLQ is written, and how a
 * dead letter turns back into the send request of the original message. Pure functions only
 * (no I/O): the consumers' forwarder (dead-letter-forwarder.ts) and the DLQ tools (CLI, console)
 * share this one module, so a copy and its replay can never disagree.
 *
 * A dead letter holds:
 * - the original body, unchanged (or, when the copy would not fit the DLQ, a pointer to it in the
 *   payload bucket, in the SQS Extended Client format);
 * - EVERY original message attribute (SQS allows 10), the S3-pointer attribute of an offloaded
 *   message included;
 * - the reason in ONE attribute, `dead-letter` (JSON, see DeadLetterRecord): kind, error class and
 *   message, attempts, first seen, handler version, the source message id, and on FIFO the
 *   producer's message group and deduplication id.
 * When the original already uses all 10 attributes there is no room for the reason, so the copy
 * is an envelope: the body is JSON holding the original body and attributes, and the only
 * attribute is the reason (its `layout` says "envelope"). Replay unwraps it.
 *
 * A message SQS moved by itself (maxReceiveCount reached without the handler forwarding it, e.g.
 * after timeouts) has no reason attribute; it replays as it is, and its deduplication id is the
 * one SQS gave it (the message id): see README, "FIFO deduplication through the DLQ".
 */
import { createHash } from "node:crypto";
import type { Message, MessageAttributeValue, SendMessageCommandInput } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { firstSeenOf, MessageAttributeName, messageSize, encodePayloadPointer, type PayloadPointer } from "./messages";

import { DEAD_LETTER_PAYLOAD_PREFIX, isFifoQueue } from "./environment";
import { DeadLetterTooLargeError, DeadLetterPayloadRequiredError, MalformedDeadLetterError } from "./errors";

/** The one attribute a dead letter adds. The name avoids SQS's reserved "AWS." and "Amazon." prefixes. */
export const DEAD_LETTER_ATTRIBUTE = "dead-letter";

/** Why the handler dead-lettered (README, "Failure handling"). */
export const DeadLetterKind = {
    /** Retrying cannot help. */
    poison: "poison",
    /** The message ran maxReceiveCount times and failed each time. */
    exhausted: "exhausted",
    /**
     * SQS would move it on its next receive (its receive count reached maxReceiveCount) although it
     * ran fewer times: FIFO receives spent held back behind a failing group mate count for SQS.
     * Forwarded by us so the reason and the producer's ids survive; `attempts` says how often it ran.
     */
    receiveLimit: "receive-limit",
} as const;
export type DeadLetterKind = (typeof DeadLetterKind)[keyof typeof DeadLetterKind];

/** How the original travels in the dead letter. */
export const DeadLetterLayout = { attributes: "attributes", envelope: "envelope" } as const;
export type DeadLetterLayout = (typeof DeadLetterLayout)[keyof typeof DeadLetterLayout];

/** The reason as the handler knows it when it forwards. */
export interface DeadLetterReason {
    readonly kind: DeadLetterKind;
    readonly error: Error;
    readonly handlerVersion: string;
    /** How many times the message actually ran (held-back receives excluded). */
    readonly attempts: number;
}

/** The JSON in the `dead-letter` attribute (format 1). */
export interface DeadLetterRecord {
    readonly format: 1;
    readonly kind: DeadLetterKind;
    readonly errorClass: string;
    readonly errorMessage: string;
    readonly attempts: number;
    readonly firstSeen: string;
    readonly handlerVersion: string;
    /** The id SQS gave the message the handler received (the id SendMessage returned, unless it was redriven). */
    readonly sourceMessageId: string;
    readonly messageGroupId?: string;
    readonly messageDeduplicationId?: string;
    readonly layout: DeadLetterLayout;
    /** Set when the body (attributes layout) or the original body (envelope layout) is in the payload bucket. */
    readonly offloadedBody?: PayloadPointer & { readonly bytes: number };
}

/** The body of an envelope dead letter. `body` is absent when the original body was offloaded. */
interface DeadLetterEnvelope {
    readonly deadLetterEnvelope: 1;
    readonly body?: string;
    readonly attributes: Record<string, EncodedAttribute>;
}

type EncodedAttribute =
    { readonly DataType: string; readonly StringValue: string } | { readonly DataType: string; readonly BinaryValue: string };

export interface DeadLetterLimits {
    readonly deadLetterQueueUrl: string;
    /** The DLQ's maximumMessageSize in bytes (body plus attributes). */
    readonly maxMessageBytes: number;
    /** Where a body too large for the DLQ goes; without one such a dead letter cannot be built. */
    readonly payloadBucketName?: string;
    /**
     * How many times this message was dead-lettered before (from its attempt record). FIFO only: the
     * DLQ drops a second copy with the same deduplication id within five minutes, which would lose a
     * replayed message that fails again, so later copies get a deduplication id derived from it.
     * @default 0
     */
    readonly previousDeadLetters?: number;
}

/** What to send, and what to store in the payload bucket first when the body was offloaded. */
export interface DeadLetterDraft {
    readonly request: SendMessageCommandInput;
    readonly record: DeadLetterRecord;
    readonly offload?: { readonly bucket: string; readonly key: string; readonly body: string };
}

export const MAX_MESSAGE_ATTRIBUTES = 10;
/** Keeps the reason small, so a message near the size limit still fits with it. */
export const MAX_ERROR_MESSAGE_LENGTH = 1024;
/** SQS's limit on a deduplication id. */
const MAX_DEDUPLICATION_ID_LENGTH = 128;

/**
 * Builds the DLQ copy of `record` (see the module comment for the layout). Throws
 * DeadLetterTooLargeError when it cannot fit the DLQ.
 */
export function buildDeadLetter(record: SQSRecord, reason: DeadLetterReason, limits: DeadLetterLimits): DeadLetterDraft {
    const original = toSdkAttributes(record);
    const fifo = isFifoQueue(limits.deadLetterQueueUrl);
    const groupId = record.attributes.MessageGroupId;
    const deduplicationId = record.attributes.MessageDeduplicationId;
    const layout = Object.keys(original).length < MAX_MESSAGE_ATTRIBUTES ? DeadLetterLayout.attributes : DeadLetterLayout.envelope;
    const base: DeadLetterRecord = {
        format: 1,
        kind: reason.kind,
        errorClass: reason.error.name,
        errorMessage: truncate(reason.error.message === "" ? "(no message)" : reason.error.message),
        attempts: reason.attempts,
        firstSeen: firstSeenOf(record).toISOString(),
        handlerVersion: reason.handlerVersion,
        sourceMessageId: record.messageId,
        ...(groupId !== undefined ? { messageGroupId: groupId } : {}),
        ...(deduplicationId !== undefined ? { messageDeduplicationId: deduplicationId } : {}),
        layout,
    };
    const fifoFields = fifo
        ? {
              MessageGroupId: groupId ?? record.messageId,
              MessageDeduplicationId: deadLetterDeduplicationId(deduplicationId ?? record.messageId, limits.previousDeadLetters ?? 0),
          }
        : {};
    const compose = (deadLetter: DeadLetterRecord, body: string | undefined): SendMessageCommandInput => {
        const reasonAttribute = { [DEAD_LETTER_ATTRIBUTE]: text(JSON.stringify(deadLetter)) };
        if (layout === DeadLetterLayout.attributes) {
            return {
                QueueUrl: limits.deadLetterQueueUrl,
                MessageBody: body,
                MessageAttributes: { ...original, ...reasonAttribute },
                ...fifoFields,
            };
        }
        const envelope: DeadLetterEnvelope = {
            deadLetterEnvelope: 1,
            ...(body !== undefined ? { body } : {}),
            attributes: encodeAttributes(original),
        };
        return {
            QueueUrl: limits.deadLetterQueueUrl,
            MessageBody: JSON.stringify(envelope),
            MessageAttributes: reasonAttribute,
            ...fifoFields,
        };
    };

    const inline = compose(base, record.body);
    const inlineBytes = sendSize(inline);
    if (inlineBytes <= limits.maxMessageBytes) {
        return { request: inline, record: base };
    }
    if (limits.payloadBucketName === undefined) {
        throw new DeadLetterTooLargeError(inlineBytes, limits.maxMessageBytes, "no payload bucket is configured to hold its body");
    }
    // Content-addressed: a retried forward rewrites the same object.
    const pointer: PayloadPointer = {
        s3BucketName: limits.payloadBucketName,
        s3Key: `${DEAD_LETTER_PAYLOAD_PREFIX}/${createHash("sha256").update(record.body).digest("hex")}.json`,
    };
    const offloaded: DeadLetterRecord = { ...base, offloadedBody: { ...pointer, bytes: Buffer.byteLength(record.body, "utf8") } };
    const request = compose(offloaded, layout === DeadLetterLayout.attributes ? encodePayloadPointer(pointer) : undefined);
    const bytes = sendSize(request);
    if (bytes > limits.maxMessageBytes) {
        throw new DeadLetterTooLargeError(
            bytes,
            limits.maxMessageBytes,
            "its attributes alone are too large, even with the body in the payload bucket",
        );
    }
    return { request, record: offloaded, offload: { bucket: pointer.s3BucketName, key: pointer.s3Key, body: record.body } };
}

/** The `dead-letter` record of a DLQ message, or undefined when SQS moved it without our handler. */
export function deadLetterRecordOf(message: Message): DeadLetterRecord | undefined {
    const value = message.MessageAttributes?.[DEAD_LETTER_ATTRIBUTE]?.StringValue;
    if (value === undefined) {
        return undefined;
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(value);
    } catch {
        throw new MalformedDeadLetterError(`the '${DEAD_LETTER_ATTRIBUTE}' attribute is not JSON: ${value.slice(0, 120)}`);
    }
    const record = parsed as Partial<DeadLetterRecord> | null;
    if (
        record === null ||
        typeof record !== "object" ||
        record.format !== 1 ||
        typeof record.kind !== "string" ||
        typeof record.attempts !== "number"
    ) {
        throw new MalformedDeadLetterError(
            `the '${DEAD_LETTER_ATTRIBUTE}' attribute is not a format-1 dead-letter record: ${value.slice(0, 120)}`,
        );
    }
    return record as DeadLetterRecord;
}

/** The original message a dead letter holds, as far as it can be read without fetching from S3. */
export interface OriginalMessage {
    /** Undefined only when the original body is in the payload bucket and the copy cannot hold a pointer to it. */
    readonly body: string | undefined;
    /** Every attribute the producer sent (an offloaded attributes-layout copy gains the pointer's size attribute). */
    readonly attributes: Record<string, MessageAttributeValue>;
    readonly groupId?: string;
    readonly deduplicationId?: string;
    /** Where the original body is, when it was offloaded by the forward. */
    readonly payload?: PayloadPointer;
}

/** Reads the original out of a DLQ message (ours, or one SQS moved by itself). */
export function originalMessageOf(message: Message, fetchedBody?: string): OriginalMessage {
    const record = deadLetterRecordOf(message);
    const system = message.Attributes ?? {};
    const groupId = record?.messageGroupId ?? system.MessageGroupId;
    const deduplicationId = record?.messageDeduplicationId ?? system.MessageDeduplicationId;
    const ids = { ...(groupId !== undefined ? { groupId } : {}), ...(deduplicationId !== undefined ? { deduplicationId } : {}) };
    const payload =
        record?.offloadedBody !== undefined
            ? { s3BucketName: record.offloadedBody.s3BucketName, s3Key: record.offloadedBody.s3Key }
            : undefined;
    const attributes = Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).filter(([name]) => name !== DEAD_LETTER_ATTRIBUTE),
    );
    if (record === undefined || record.layout === DeadLetterLayout.attributes) {
        if (payload !== undefined && fetchedBody === undefined) {
            // The body is a pointer; with the size attribute the consumers resolve it like any large message.
            const size = { DataType: "Number", StringValue: String(record!.offloadedBody!.bytes) };
            return {
                body: message.Body ?? "",
                attributes: { ...attributes, [MessageAttributeName.extendedPayloadSize]: size },
                ...ids,
                payload,
            };
        }
        return { body: fetchedBody ?? message.Body ?? "", attributes, ...ids, ...(payload !== undefined ? { payload } : {}) };
    }
    const envelope = parseEnvelope(message.Body ?? "");
    return {
        body: envelope.body ?? fetchedBody,
        attributes: decodeAttributes(envelope.attributes),
        ...ids,
        ...(payload !== undefined ? { payload } : {}),
    };
}

/**
 * The SendMessage input that replays a dead letter to `queueUrl` as the producer sent it: body,
 * every attribute (the reason dropped), and on FIFO the producer's group and deduplication id.
 * An envelope whose original body was offloaded needs that body: fetch `payload` and pass it.
 */
export function replayRequestOf(message: Message, queueUrl: string, fetchedBody?: string): SendMessageCommandInput {
    const original = originalMessageOf(message, fetchedBody);
    if (original.body === undefined) {
        throw new DeadLetterPayloadRequiredError(original.payload!);
    }
    const fifo = isFifoQueue(queueUrl);
    return {
        QueueUrl: queueUrl,
        MessageBody: original.body,
        ...(Object.keys(original.attributes).length > 0 ? { MessageAttributes: original.attributes } : {}),
        ...(fifo
            ? {
                  MessageGroupId: original.groupId ?? message.MessageId,
                  MessageDeduplicationId: original.deduplicationId ?? message.MessageId,
              }
            : {}),
    };
}

/** Where a dead letter's original body is, when the forward offloaded it (the DLQ tools fetch it from there). */
export function offloadedPayloadOf(message: Message): PayloadPointer | undefined {
    const offloaded = deadLetterRecordOf(message)?.offloadedBody;
    return offloaded === undefined ? undefined : { s3BucketName: offloaded.s3BucketName, s3Key: offloaded.s3Key };
}

/**
 * The producer's deduplication id for the first copy; for later copies of the same message (it was
 * replayed and dead-lettered again), an id derived from it, so the FIFO DLQ's five-minute
 * deduplication cannot drop a copy whose predecessor was already redriven. Within one copy (a
 * retried forward) the id is the same, so SQS drops the repeat.
 */
export function deadLetterDeduplicationId(deduplicationId: string, previousDeadLetters: number): string {
    if (previousDeadLetters <= 0) {
        return deduplicationId;
    }
    const candidate = `${deduplicationId}.dl${previousDeadLetters + 1}`;
    return candidate.length <= MAX_DEDUPLICATION_ID_LENGTH
        ? candidate
        : `dl${previousDeadLetters + 1}-${createHash("sha256").update(deduplicationId).digest("hex")}`;
}

/** Lambda delivers attributes as { stringValue, binaryValue (base64), dataType }; SendMessage wants the SDK shape. */
export function toSdkAttributes(record: SQSRecord): Record<string, MessageAttributeValue> {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
        if (value.stringValue !== undefined && value.stringValue !== null) {
            attributes[name] = { DataType: value.dataType, StringValue: value.stringValue };
        } else if (value.binaryValue !== undefined && value.binaryValue !== null) {
            attributes[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, "base64") };
        }
    }
    return attributes;
}

function sendSize(request: SendMessageCommandInput): number {
    return messageSize(request.MessageBody ?? "", request.MessageAttributes ?? {});
}

function parseEnvelope(body: string): DeadLetterEnvelope {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        parsed = undefined;
    }
    const envelope = parsed as Partial<DeadLetterEnvelope> | undefined;
    if (envelope?.deadLetterEnvelope !== 1 || typeof envelope.attributes !== "object" || envelope.attributes === null) {
        throw new MalformedDeadLetterError(`its reason says "envelope" but the body is not one: ${body.slice(0, 120)}`);
    }
    return envelope as DeadLetterEnvelope;
}

function encodeAttributes(attributes: Record<string, MessageAttributeValue>): Record<string, EncodedAttribute> {
    return Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [
            name,
            value.BinaryValue !== undefined
                ? { DataType: value.DataType ?? "Binary", BinaryValue: Buffer.from(value.BinaryValue).toString("base64") }
                : { DataType: value.DataType ?? "String", StringValue: value.StringValue ?? "" },
        ]),
    );
}

function decodeAttributes(attributes: Record<string, EncodedAttribute>): Record<string, MessageAttributeValue> {
    return Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [
            name,
            "BinaryValue" in value
                ? { DataType: value.DataType, BinaryValue: Buffer.from(value.BinaryValue, "base64") }
                : { DataType: value.DataType, StringValue: value.StringValue },
        ]),
    );
}

function text(value: string): MessageAttributeValue {
    return { DataType: "String", StringValue: value };
}

function truncate(message: string): string {
    return message.length > MAX_ERROR_MESSAGE_LENGTH ? `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 3)}...` : message;
}
