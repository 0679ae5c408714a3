/**
 * The two downstream services, PagerDuty (Events API v2) and Slack (incoming webhooks), over one
 * JSON POST with a timeout; a response's status decides poison or transient.
 */
import type { EscalationMessage } from "./messages";
import { DownstreamRejectedError, DownstreamUnavailableError } from "./errors";

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

/**
 * The Slack incoming-webhook message for an escalation (plain text: readable in notifications
 * too). The escalation id at the end tells two escalations of one call apart.
 */
export function slackEscalationMessage(message: EscalationMessage, escalationId: string) {
    return {
        text: `[${message.severity.toUpperCase()}] Call ${message.callId} needs a human: ${message.reason} (escalation ${escalationId})`,
    } as const;
}

/** Posts to the webhook. Slack has no deduplication: the caller's completion record makes it once. */
export async function notifySlack(webhookUrl: string, message: EscalationMessage, escalationId: string, timeoutMs: number): Promise<void> {
    await postJson(webhookUrl, slackEscalationMessage(message, escalationId), { downstream: "Slack", timeoutMs });
}

export interface PostJsonOptions {
    /** Names the service in errors and logs, e.g. "PagerDuty". */
    readonly downstream: string;
    /** Abandon the request after this long; the message is retried with backoff. */
    readonly timeoutMs: number;
}

export interface PostJsonResult {
    readonly status: number;
    readonly text: string;
}

/** Statuses that say "try again later" even though they are 4xx. */
const RETRYABLE_CLIENT_STATUSES = new Set([408, 429]);

/**
 * POSTs JSON and sorts the outcome into the failure vocabulary: 2xx returns; a timeout, a
 * network error, 408, 429 or 5xx is transient (DownstreamUnavailableError); any other status
 * means the request itself is wrong and is poison (DownstreamRejectedError).
 */
export async function postJson(url: string, body: unknown, options: PostJsonOptions): Promise<PostJsonResult> {
    let response: Response;
    try {
        response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(options.timeoutMs),
        });
    } catch (error) {
        const detail = (error as Error).name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : (error as Error).message;
        throw new DownstreamUnavailableError(options.downstream, detail, { cause: error });
    }
    const text = await response.text().catch(() => "");
    if (response.ok) {
        return { status: response.status, text };
    }
    const detail = `HTTP ${response.status} ${text.slice(0, 200)}`.trim();
    if (response.status >= 500 || RETRYABLE_CLIENT_STATUSES.has(response.status)) {
        throw new DownstreamUnavailableError(options.downstream, detail);
    }
    throw new DownstreamRejectedError(options.downstream, response.status, text.slice(0, 200));
}
