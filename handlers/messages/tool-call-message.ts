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
