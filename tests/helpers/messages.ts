import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import { CURRENT_SCHEMA_VERSION, EventType, MessageAttributeName, type EscalationInput, type ToolCallInput } from "../../handlers/messages";

/** A valid escalation body; override what the test is about. */
export function escalation(overrides: Partial<EscalationInput> = {}): EscalationInput {
    return { callId: "call-1", reason: "the caller asked for a human", severity: "error", context: { customer: "ACME" }, ...overrides };
}

/** A valid tool call body; override what the test is about. */
export function toolCall(overrides: Partial<ToolCallInput> = {}): ToolCallInput {
    return { callId: "call-1", toolCallId: "tool-call-1", toolName: "log-note", arguments: { note: "checked the account" }, ...overrides };
}

function envelope(eventType: EventType, extra: Record<string, MessageAttributeValue>): Record<string, MessageAttributeValue> {
    return {
        [MessageAttributeName.eventType]: { DataType: "String", StringValue: eventType },
        [MessageAttributeName.schemaVersion]: { DataType: "String", StringValue: CURRENT_SCHEMA_VERSION },
        ...extra,
    };
}

export const escalationAttributes = (extra: Record<string, MessageAttributeValue> = {}) => envelope(EventType.escalation, extra);
export const toolCallAttributes = (extra: Record<string, MessageAttributeValue> = {}) => envelope(EventType.toolCall, extra);
