import { postJson } from "../http/post-json";
import type { EscalationMessage } from "../messages/escalation-message";

/** The `source` PagerDuty shows for our events. */
export const PAGERDUTY_EVENT_SOURCE = "escalation-pipeline";

/** PagerDuty Events API v2 refuses events over 512 KB (a 4xx: nobody would be paged). */
export const MAX_PAGERDUTY_EVENT_BYTES = 512 * 1024;
/**
 * How much of the context a capped event still shows: enough to read the start of a transcript,
 * small enough that the event stays far under the limit whatever the summary holds.
 */
export const CAPPED_CONTEXT_EXCERPT_CHARACTERS = 16 * 1024;

/** Where the full payload of an escalation can be read when PagerDuty shows only part of it. */
export interface FullPayloadLocation {
    /** `s3://bucket/key` when the payload was offloaded, else where the message itself lives. */
    readonly fullPayload: string;
}

/**
 * The Events API v2 trigger for an escalation. `dedup_key` is the call id: one incident per call.
 * While it is open PagerDuty folds later triggers into it (a redelivery never pages twice); once
 * resolved, a trigger with the key opens a new incident (a new escalation of the call pages again).
 * `custom_details` is capped so the event always fits PagerDuty's 512 KB: an oversized context is
 * replaced by an excerpt, its size, and a pointer to the full payload.
 */
export function pagerDutyTriggerEvent(message: EscalationMessage, escalationId: string, routingKey: string, location: FullPayloadLocation) {
    const event = (customDetails: Record<string, unknown>) =>
        ({
            routing_key: routingKey,
            event_action: "trigger",
            dedup_key: message.callId,
            payload: {
                summary: message.reason,
                source: PAGERDUTY_EVENT_SOURCE,
                severity: message.severity,
                ...(message.occurredAt !== undefined ? { timestamp: message.occurredAt } : {}),
                custom_details: customDetails,
            },
        }) as const;
    const whole = event({ callId: message.callId, escalationId, ...message.context });
    if (eventBytes(whole) <= MAX_PAGERDUTY_EVENT_BYTES) {
        return whole;
    }
    const contextJson = JSON.stringify(message.context);
    for (let excerptLength = CAPPED_CONTEXT_EXCERPT_CHARACTERS; ; excerptLength = Math.floor(excerptLength / 2)) {
        const capped = event({
            callId: message.callId,
            escalationId,
            contextTruncated: true,
            contextBytes: Buffer.byteLength(contextJson, "utf8"),
            fullPayload: location.fullPayload,
            contextExcerpt: contextJson.slice(0, excerptLength),
        });
        if (eventBytes(capped) <= MAX_PAGERDUTY_EVENT_BYTES || excerptLength === 0) {
            return capped;
        }
    }
}

/** Sends the trigger; resolves with the dedup key PagerDuty answered. */
export async function triggerPagerDutyIncident(
    eventsUrl: string,
    event: ReturnType<typeof pagerDutyTriggerEvent>,
    timeoutMs: number,
): Promise<string> {
    const result = await postJson(eventsUrl, event, { downstream: "PagerDuty", timeoutMs });
    const answer = parseJsonObject(result.text);
    return typeof answer.dedup_key === "string" ? answer.dedup_key : event.dedup_key;
}

function eventBytes(event: unknown): number {
    return Buffer.byteLength(JSON.stringify(event), "utf8");
}

function parseJsonObject(text: string): Record<string, unknown> {
    try {
        const value = JSON.parse(text) as unknown;
        return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
    } catch {
        return {};
    }
}
