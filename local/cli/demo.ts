/**
 * A realistic few minutes of agent traffic, sent through the producer library: escalations of
 * every severity, a duplicate (pages once), a transcript too large for SQS (goes through S3),
 * tool calls in order within their calls, and two poison messages that end in the DLQ with
 * their reason (a malformed escalation, an unknown tool).
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { emitEscalation, enqueueToolCall, type EscalationInput, type ToolCallInput } from "../../handlers/producer";
import { localProducerTargets } from "../producer-targets";
import type { LocalRuntime } from "../runtime";

export interface DemoSummary {
    readonly escalations: number;
    readonly duplicates: number;
    readonly toolCalls: number;
    readonly poison: number;
}

export function demoEscalations(runId: string): EscalationInput[] {
    return [
        {
            callId: `${runId}-billing-dispute`,
            severity: "critical",
            reason: "Caller disputes a $4,200 charge and asks for a supervisor",
            context: { customer: "ACME Corp", agent: "billing-bot" },
        },
        {
            callId: `${runId}-cancel-threat`,
            severity: "error",
            reason: "Customer threatens to cancel after three failed refunds",
            context: { customer: "Globex", attempts: 3 },
        },
        {
            callId: `${runId}-medical`,
            severity: "critical",
            reason: "Caller mentions chest pain: hand over to a human now",
            context: { line: "after-hours" },
        },
        {
            callId: `${runId}-language`,
            severity: "warning",
            reason: "Caller speaks a language the agent does not support",
            context: { detected: "pt-BR" },
        },
        {
            callId: `${runId}-callback`,
            severity: "info",
            reason: "Customer asked for a callback tomorrow morning",
            context: { preferredTime: "09:00" },
        },
        {
            callId: `${runId}-long-transcript`,
            severity: "error",
            reason: "Agent looped on a policy question; full transcript attached",
            // Larger than an SQS message: the producer stores it in S3 and the consumer reads it back.
            context: { transcript: "agent: I can help with that.\ncaller: That is not what I asked.\n".repeat(5000) },
        },
    ];
}

export function demoToolCalls(runId: string): ToolCallInput[] {
    const call = (callId: string, notes: string[]): ToolCallInput[] =>
        notes.map((note, index) => ({ callId, toolCallId: `step-${index + 1}`, toolName: "log-note", arguments: { note } }));
    return [
        ...call(`${runId}-billing-dispute`, ["looked up invoice INV-1042", "found duplicate charge", "prepared refund proposal"]),
        ...call(`${runId}-cancel-threat`, ["checked refund history", "flagged account for retention team"]),
    ];
}

/** Sends the demo traffic; counts what it sent in the runtime's stats. */
export async function sendDemoTraffic(runtime: LocalRuntime, runId = `demo-${Date.now().toString(36)}`): Promise<DemoSummary> {
    const targets = localProducerTargets(runtime);
    try {
        const escalations = demoEscalations(runId);
        await emitEscalation(targets.escalation, escalations);
        // A producer retry after a lost acknowledgement: the same escalation again, which must not page twice.
        await emitEscalation(targets.escalation, escalations[0]!);
        const toolCalls = demoToolCalls(runId);
        await enqueueToolCall(targets.toolCall, toolCalls);
        await enqueueToolCall(targets.toolCall, {
            callId: `${runId}-cancel-threat`,
            toolCallId: "step-3",
            toolName: "transfer-to-mars",
            arguments: {},
        });
        // Not JSON at all: bypasses the producer's validation, as a buggy client would.
        await runtime.sqs.send(
            new SendMessageCommand({ QueueUrl: runtime.lanes.escalation.queueUrl, MessageBody: "{ this is not an escalation" }),
        );
        const summary = { escalations: escalations.length, duplicates: 1, toolCalls: toolCalls.length, poison: 2 };
        runtime.stats.sent += summary.escalations + summary.duplicates + summary.toolCalls + summary.poison;
        return summary;
    } finally {
        targets.close();
    }
}
