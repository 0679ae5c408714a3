/**
 * The messages on the queues: their schemas and attributes (event type, schema version), parsing
 * and validation, sizes, the S3 payload pointer (SQS Extended Client format), and the facts read
 * off an SQS record.
 */
import * as z from "./zod";
import { createHash } from "node:crypto";
import { InvalidMessageError, PayloadMissingError, TransientError } from "./errors";
import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { S3Client } from "@aws-sdk/client-s3";
import { s3Module } from "./aws";
import type { SQSMessageAttribute, SQSRecord } from "aws-lambda";

/** PagerDuty's four severities; the escalation schema accepts exactly these. */
export const Severity = { critical: "critical", error: "error", warning: "warning", info: "info" } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Characters allowed in ids that become dedup keys, FIFO group ids and idempotency keys. */
const ID_CHARACTERS = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]+$/;

/** Call ids become PagerDuty dedup keys (max 255 chars) and FIFO group ids (max 128, restricted characters). */
export const CallIdSchema = z
    .string()
    .check(z.minLength(1), z.maxLength(128), z.regex(ID_CHARACTERS, "must be letters, digits or ASCII punctuation"));

/** One escalation's identity: the idempotency key of its delivery (a call can escalate more than once). */
export const EscalationIdSchema = z
    .string()
    .check(z.minLength(1), z.maxLength(128), z.regex(ID_CHARACTERS, "must be letters, digits or ASCII punctuation"));

/** "A human must look at this": what an agent publishes on the escalation lane (schema version 1). */
export const EscalationMessageSchema = z.strictObject({
    callId: CallIdSchema,
    /**
     * Which escalation of the call this is. The producer always sets it (given, or derived from the
     * content); a message from another producer without it gets the same derivation in the consumer.
     */
    escalationId: z.optional(EscalationIdSchema),
    /** One line for the pager: becomes the PagerDuty summary (max 1024 chars). */
    reason: z.string().check(z.minLength(1), z.maxLength(1024)),
    severity: z.enum([Severity.critical, Severity.error, Severity.warning, Severity.info]),
    /** Free-form details shown to the human (transcript excerpt, customer, links). */
    context: z._default(z.record(z.string(), z.unknown()), {}),
    /** When the agent decided to escalate (ISO 8601); the producer stamps the send time when missing. */
    occurredAt: z.optional(z.iso.datetime({ offset: true })),
});

export type EscalationMessage = z.output<typeof EscalationMessageSchema>;
export type EscalationInput = z.input<typeof EscalationMessageSchema>;

/**
 * The escalation id derived from what the agent said: a SHA-256 over call id, reason, severity,
 * context (keys sorted) and `occurredAt` when the caller gave one. A resend of the same escalation
 * keeps its id (its delivery is absorbed); anything different is a new escalation of the call.
 * The producer derives it before stamping `occurredAt`, so a retried send does not change it.
 */
export function deriveEscalationId(message: {
    readonly callId: string;
    readonly reason: string;
    readonly severity: string;
    readonly context?: Readonly<Record<string, unknown>>;
    readonly occurredAt?: string;
}): string {
    const content = canonicalJson([message.callId, message.reason, message.severity, message.context ?? {}, message.occurredAt ?? null]);
    return `esc-${createHash("sha256").update(content).digest("hex").slice(0, 32)}`;
}

/** The message's escalation id: the one it carries, or the derived one. */
export function escalationIdOf(message: EscalationMessage): string {
    return message.escalationId ?? deriveEscalationId(message);
}

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) {
        return `[${value.map(canonicalJson).join(",")}]`;
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>)
            .filter(([, item]) => item !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}

/** One tool invocation an agent wants executed, in order, within its call (schema version 1). */
export const ToolCallMessageSchema = z.strictObject({
    /** The conversation; also the FIFO message group, so a call's tool calls run in order. */
    callId: CallIdSchema,
    /** The agent's id for this invocation; with callId it makes the deduplication id. */
    toolCallId: z.string().check(z.minLength(1), z.maxLength(128)),
    toolName: z.string().check(z.minLength(1), z.maxLength(64)),
    /** Arguments, checked against the named tool's own schema by the consumer. */
    arguments: z._default(z.record(z.string(), z.unknown()), {}),
});

export type ToolCallInput = z.input<typeof ToolCallMessageSchema>;

/**
 * The identity of a tool call: a hash of (call id, tool call id). The producer sends it as the
 * FIFO deduplication id (a producer retry is dropped by SQS for 5 minutes), and the consumer keys
 * its idempotency record on it and hands it to the tool as `invocation.idempotencyKey`, read from
 * the body rather than from SQS: SQS's own redrive replaces a message's deduplication id with its
 * message id, the body never changes. Different calls never collide.
 */
export function toolCallDeduplicationId(callId: string, toolCallId: string): string {
    return createHash("sha256").update(`${callId}\u0000${toolCallId}`).digest("hex");
}

/**
 * Message attribute names shared by the producer and the consumers. SQS allows at most 10
 * attributes per message; the producer uses at most 3 of them, which leaves room for the one
 * attribute a dead letter adds, its reason (`dead-letter`, dead-letter.ts), on the same
 * message.
 */
export const MessageAttributeName = {
    /** What the body is, e.g. "escalation.requested". */
    eventType: "event-type",
    /** Version of the body's schema, so a consumer can refuse what it does not understand. */
    schemaVersion: "schema-version",
    /**
     * Set when the body is a pointer to S3: the real payload's size in bytes. The name and the
     * pointer format are those of the AWS SQS Extended Client libraries, so their consumers can
     * read our large messages and ours can read theirs.
     */
    extendedPayloadSize: "ExtendedPayloadSize",
} as const;

export const EventType = {
    escalation: "escalation.requested",
    toolCall: "tool-call.requested",
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** The schema version producers stamp today. */
export const CURRENT_SCHEMA_VERSION = "1";

/**
 * A message body after JSON.parse: the value, or why it is not JSON. Parsed once per record, before
 * the lane runs, so the log can carry the call id; the lane then reports a failure in its own words.
 */
export type ParsedBody = { readonly isJson: true; readonly value: unknown } | { readonly isJson: false; readonly error: Error };

export function parseBody(body: string): ParsedBody {
    try {
        return { isJson: true, value: JSON.parse(body) as unknown };
    } catch (error) {
        return { isJson: false, error: error as Error };
    }
}

/** Checks a parsed body against `schema`; a body that is not JSON, or does not match, is poison. */
export function validateMessage<Schema extends z.core.$ZodType>(parsed: ParsedBody, schema: Schema, what: string): z.output<Schema> {
    if (!parsed.isJson) {
        throw new InvalidMessageError(`${what} body is not JSON: ${parsed.error.message}`, { cause: parsed.error });
    }
    const result = z.safeParse(schema, parsed.value);
    if (!result.success) {
        throw new InvalidMessageError(`${what} is invalid: ${describeSchemaIssues(result.error.issues, parsed.value)}`);
    }
    return result.data;
}

/**
 * Turns zod issues into one sentence per field: the field, what is allowed, and the value given,
 * e.g. `'severity': Invalid option: expected one of "critical"|"error"|"warning"|"info"; "urgent" given`.
 */
export function describeSchemaIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
    return issues
        .map((issue) => {
            const field = issue.path.length > 0 ? issue.path.join(".") : "(message)";
            return `'${field}': ${issue.message}; ${describeValue(valueAt(input, issue.path))} given`;
        })
        .join("; ");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
    let value = input;
    for (const key of path) {
        if (value === null || typeof value !== "object") {
            return undefined;
        }
        value = (value as Record<PropertyKey, unknown>)[key];
    }
    return value;
}

/** Short, log-safe rendering of a value: long strings and objects are cut, so a reason stays readable. */
function describeValue(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * How SQS counts a message's size against a queue's maximumMessageSize: the body, plus each
 * attribute's name, data type and value. The producer (offloading) and the dead-letter forward
 * (size-aware copy) both decide with it.
 */
export function messageSize(body: string, attributes: Record<string, MessageAttributeValue>): number {
    let size = Buffer.byteLength(body, "utf8");
    for (const [name, value] of Object.entries(attributes)) {
        size += Buffer.byteLength(name, "utf8") + Buffer.byteLength(value.DataType ?? "", "utf8");
        size += value.StringValue !== undefined ? Buffer.byteLength(value.StringValue, "utf8") : (value.BinaryValue?.byteLength ?? 0);
    }
    return size;
}

/**
 * The extended client pattern: a payload too large for SQS is stored in S3 and the message body
 * becomes a pointer. The body format is the one the AWS SQS Extended Client libraries (Java,
 * Python) write, so large messages stay readable across languages.
 */
const POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer";

export interface PayloadPointer {
    readonly s3BucketName: string;
    readonly s3Key: string;
}

export function encodePayloadPointer(pointer: PayloadPointer): string {
    return JSON.stringify([POINTER_CLASS, { s3BucketName: pointer.s3BucketName, s3Key: pointer.s3Key }]);
}

/** Reads a pointer body; a malformed one is poison (it will not parse better next time). */
export function decodePayloadPointer(body: string): PayloadPointer {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        parsed = undefined;
    }
    if (Array.isArray(parsed) && parsed[0] === POINTER_CLASS && typeof parsed[1] === "object" && parsed[1] !== null) {
        const { s3BucketName, s3Key } = parsed[1] as Record<string, unknown>;
        if (typeof s3BucketName === "string" && s3BucketName !== "" && typeof s3Key === "string" && s3Key !== "") {
            return { s3BucketName, s3Key };
        }
    }
    throw new InvalidMessageError(`message is marked as an S3 pointer but its body is not one: ${body.slice(0, 120)}`);
}

/** Fetches the payload a pointer names. A missing object is poison; other S3 errors are transient. */
export async function fetchPointedPayload(s3: S3Client, pointer: PayloadPointer): Promise<string> {
    const { GetObjectCommand, NoSuchKey } = s3Module();
    try {
        const object = await s3.send(new GetObjectCommand({ Bucket: pointer.s3BucketName, Key: pointer.s3Key }));
        if (object.Body === undefined) {
            throw new PayloadMissingError(pointer.s3BucketName, pointer.s3Key);
        }
        return await object.Body.transformToString("utf8");
    } catch (error) {
        if (error instanceof PayloadMissingError) {
            throw error;
        }
        if (error instanceof NoSuchKey || (error as Error).name === "NoSuchKey") {
            throw new PayloadMissingError(pointer.s3BucketName, pointer.s3Key, { cause: error });
        }
        throw new TransientError(`reading payload s3://${pointer.s3BucketName}/${pointer.s3Key} failed: ${(error as Error).message}`, {
            cause: error,
        });
    }
}

/** How many times SQS has handed this message out, this delivery included (1 on the first). */
export function receiveCountOf(record: SQSRecord): number {
    const count = Number(record.attributes.ApproximateReceiveCount);
    return Number.isInteger(count) && count > 0 ? count : 1;
}

/** When SQS first handed the message out, or when it was sent if that is unknown. */
export function firstSeenOf(record: SQSRecord): Date {
    const millis = Number(record.attributes.ApproximateFirstReceiveTimestamp ?? record.attributes.SentTimestamp);
    return Number.isFinite(millis) ? new Date(millis) : new Date();
}

/** A string message attribute in Lambda's event shape, or undefined. */
export function stringAttributeOf(record: SQSRecord, name: string): string | undefined {
    const attribute: SQSMessageAttribute | undefined = record.messageAttributes?.[name];
    return attribute?.stringValue ?? undefined;
}
