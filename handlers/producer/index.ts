/** The producer library: what agents call to publish escalations and tool calls. */
export { emitEscalation, type EscalationSendReport } from "./emit-escalation";
export { enqueueToolCall, toolCallDeduplicationId } from "./enqueue-tool-call";
export { OFFLOAD_THRESHOLD_BYTES } from "./payload-offload";
export { ProducerSendError, ProducerValidationError, type ProducerTarget, type SendReport } from "./producer-target";
export { deriveEscalationId, type EscalationInput } from "../messages/escalation-message";
export type { ToolCallInput } from "../messages/tool-call-message";
