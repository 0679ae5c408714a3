import { createHash } from "node:crypto";
import { CallIdSchema } from "./escalation-message";
import * as z from "./zod";

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
