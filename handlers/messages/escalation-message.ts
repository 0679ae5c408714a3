import * as z from "./zod";

/** PagerDuty's four severities; the escalation schema accepts exactly these. */
export const Severity = { critical: "critical", error: "error", warning: "warning", info: "info" } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Call ids become PagerDuty dedup keys (max 255 chars) and FIFO group ids (max 128, restricted characters). */
export const CallIdSchema = z
    .string()
    .check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]+$/, "must be letters, digits or ASCII punctuation"));

/** "A human must look at this": what an agent publishes on the escalation lane (schema version 1). */
export const EscalationMessageSchema = z.strictObject({
    callId: CallIdSchema,
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
