import { createHash } from "node:crypto";
import { EventType } from "../messages/message-attributes";
import { ToolCallMessageSchema, type ToolCallInput } from "../messages/tool-call-message";
import { envelopeAttributes } from "./emit-escalation";
import { fitMessage } from "./payload-offload";
import type { ProducerTarget, SendReport } from "./producer-target";
import { sendFifoInBatches } from "./send-batch";
import { validateAll } from "./validate-input";

/**
 * The FIFO deduplication id of a tool call: a hash of (call id, tool call id), so sending the same
 * call twice (a producer retry) is dropped by SQS for 5 minutes and by the consumer's idempotency
 * after that, while different calls never collide.
 */
export function toolCallDeduplicationId(callId: string, toolCallId: string): string {
    return createHash("sha256").update(`${callId}\u0000${toolCallId}`).digest("hex");
}

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
