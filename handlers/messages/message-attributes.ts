/**
 * Message attribute names shared by the producer and the consumers. SQS allows at most 10
 * attributes per message; the producer uses at most 3 of them, which leaves room for the one
 * attribute a dead letter adds, its reason (`dead-letter`, failures/dead-letter.ts), on the same
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
