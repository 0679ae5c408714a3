import { createHash } from "node:crypto";
import * as z from "./zod";

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
