import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import { deriveEscalationId, EscalationMessageSchema, type EscalationInput } from "../messages/escalation-message";
import { CURRENT_SCHEMA_VERSION, EventType, MessageAttributeName, type EventType as EventTypeName } from "../messages/message-attributes";
import { fitMessage } from "./payload-offload";
import type { ProducerTarget, SendReport } from "./producer-target";
import { sendInBatches } from "./send-batch";
import { validateAll } from "./validate-input";

/** What an escalation send did: the SQS message ids and the escalation ids, in input order. */
export interface EscalationSendReport extends SendReport {
    readonly escalationIds: readonly string[];
}

/** The attributes naming what a message is, so consumers can refuse what they do not understand. */
export function envelopeAttributes(eventType: EventTypeName): Record<string, MessageAttributeValue> {
    return {
        [MessageAttributeName.eventType]: { DataType: "String", StringValue: eventType },
        [MessageAttributeName.schemaVersion]: { DataType: "String", StringValue: CURRENT_SCHEMA_VERSION },
    };
}

/**
 * Publishes escalations to the escalation (standard) queue: validated first (nothing is sent if
 * one is invalid), `escalationId` set when missing (derived from the content before `occurredAt`
 * is stamped, so resending the same escalation keeps its id), `occurredAt` stamped when missing,
 * large payloads moved to S3. The report lists the escalation ids in input order.
 */
export async function emitEscalation(
    target: ProducerTarget,
    escalations: EscalationInput | readonly EscalationInput[],
): Promise<EscalationSendReport> {
    const inputs: readonly EscalationInput[] = Array.isArray(escalations) ? escalations : [escalations as EscalationInput];
    const messages = validateAll(inputs, EscalationMessageSchema, "escalation");
    const sentAt = new Date().toISOString();
    const escalationIds = messages.map((message) => message.escalationId ?? deriveEscalationId(message));
    const prepared = await Promise.all(
        messages.map((message, index) =>
            fitMessage(
                target,
                JSON.stringify({ ...message, escalationId: escalationIds[index], occurredAt: message.occurredAt ?? sentAt }),
                envelopeAttributes(EventType.escalation),
                EventType.escalation,
            ),
        ),
    );
    const messageIds = await sendInBatches(
        target,
        prepared.map((message) => ({ MessageBody: message.body, MessageAttributes: message.attributes })),
    );
    return { messageIds, escalationIds, offloadedPayloads: prepared.filter((message) => message.offloaded).length };
}
