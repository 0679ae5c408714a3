import { postJson } from "../http/post-json";
import type { EscalationMessage } from "../messages/escalation-message";

/** The Slack incoming-webhook message for an escalation (plain text: readable in notifications too). */
export function slackEscalationMessage(message: EscalationMessage) {
    return {
        text: `[${message.severity.toUpperCase()}] Call ${message.callId} needs a human: ${message.reason}`,
    } as const;
}

/** Posts to the webhook. Slack has no deduplication: the caller's idempotency makes it once. */
export async function notifySlack(webhookUrl: string, message: EscalationMessage, timeoutMs: number): Promise<void> {
    await postJson(webhookUrl, slackEscalationMessage(message), { downstream: "Slack", timeoutMs });
}
