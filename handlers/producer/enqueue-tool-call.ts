import { EventType } from "../messages/message-attributes";
import { ToolCallMessageSchema, toolCallDeduplicationId, type ToolCallInput } from "../messages/tool-call-message";
import { envelopeAttributes } from "./emit-escalation";
import { fitMessage } from "./payload-offload";
import type { ProducerTarget, SendReport } from "./producer-target";
import { sendFifoInBatches } from "./send-batch";
import { validateAll } from "./validate-input";

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
