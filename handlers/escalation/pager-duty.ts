import { postJson } from "../http/post-json";
import type { EscalationMessage } from "../messages/escalation-message";

/** The `source` PagerDuty shows for our events. */
export const PAGERDUTY_EVENT_SOURCE = "escalation-pipeline";

/**
 * The Events API v2 trigger for an escalation. `dedup_key` is the call id: PagerDuty folds every
 * later trigger with the same key into the open incident, so a redelivered message never pages twice.
 */
export function pagerDutyTriggerEvent(message: EscalationMessage, routingKey: string) {
    return {
        routing_key: routingKey,
        event_action: "trigger",
        dedup_key: message.callId,
        payload: {
            summary: message.reason,
            source: PAGERDUTY_EVENT_SOURCE,
            severity: message.severity,
            ...(message.occurredAt !== undefined ? { timestamp: message.occurredAt } : {}),
            custom_details: { callId: message.callId, ...message.context },
        },
    } as const;
}

/** Sends the trigger; resolves with the dedup key PagerDuty answered. */
export async function triggerPagerDutyIncident(eventsUrl: string, message: EscalationMessage, routingKey: string, timeoutMs: number): Promise<string> {
    const result = await postJson(eventsUrl, pagerDutyTriggerEvent(message, routingKey), { downstream: "PagerDuty", timeoutMs });
    const answer = parseJsonObject(result.text);
    return typeof answer.dedup_key === "string" ? answer.dedup_key : message.callId;
}

function parseJsonObject(text: string): Record<string, unknown> {
    try {
        const value = JSON.parse(text) as unknown;
        return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
    } catch {
        return {};
    }
}
