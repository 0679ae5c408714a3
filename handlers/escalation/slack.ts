import { postJson } from "../http/post-json";
import type { EscalationMessage } from "../messages/escalation-message";

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
