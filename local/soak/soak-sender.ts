import { SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { emitEscalation, enqueueToolCall } from "../../handlers/producer";
import { localProducerTargets } from "../producer-targets";
import type { LocalRuntime } from "../runtime";
import type { SoakPlan } from "./soak-plan";

/** How many escalations go per producer call: small enough that the lanes fill side by side. */
const ESCALATION_CHUNK = 200;

/** Sends the whole plan through the producer library (malformed bodies around it, as a buggy client would). */
export async function sendSoakPlan(runtime: LocalRuntime, plan: SoakPlan): Promise<void> {
    const targets = localProducerTargets(runtime);
    try {
        // Each duplicate right behind its original: both copies usually land in one batch and run side by side.
        const duplicates = new Set(plan.duplicateEscalations);
        const withDuplicates = plan.escalations.flatMap((escalation) =>
            duplicates.has(escalation) ? [escalation, { ...escalation }] : [escalation],
        );
        const sendEscalations = async () => {
            for (let start = 0; start < withDuplicates.length; start += ESCALATION_CHUNK) {
                const chunk = withDuplicates.slice(start, start + ESCALATION_CHUNK);
                await emitEscalation(targets.escalation, chunk);
                runtime.stats.sent += chunk.length;
            }
            if (plan.followUpEscalations.length > 0) {
                await emitEscalation(targets.escalation, plan.followUpEscalations);
                runtime.stats.sent += plan.followUpEscalations.length;
            }
        };
        const sendToolCalls = async () => {
            await enqueueToolCall(targets.toolCall, plan.toolCalls);
            runtime.stats.sent += plan.toolCalls.length;
            await enqueueToolCall(targets.toolCall, plan.unknownToolCalls);
            runtime.stats.sent += plan.unknownToolCalls.length;
        };
        await Promise.all([sendEscalations(), sendToolCalls()]);
        // Producer retries after lost acknowledgements: the same tool calls again.
        await enqueueToolCall(targets.toolCall, plan.duplicateToolCalls);
        runtime.stats.sent += plan.duplicateToolCalls.length;
        // A near-limit body fills a whole SendMessageBatch (256 KiB in all), so each goes alone.
        const nearLimit = new Set(plan.nearLimitPoisonBodies);
        for (const body of plan.nearLimitPoisonBodies) {
            await runtime.sqs.send(new SendMessageCommand({ QueueUrl: runtime.lanes.escalation.queueUrl, MessageBody: body }));
            runtime.stats.sent++;
        }
        const smallBodies = plan.malformedBodies.filter((body) => !nearLimit.has(body));
        for (let start = 0; start < smallBodies.length; start += 10) {
            const bodies = smallBodies.slice(start, start + 10);
            const { Failed = [] } = await runtime.sqs.send(
                new SendMessageBatchCommand({
                    QueueUrl: runtime.lanes.escalation.queueUrl,
                    Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
                }),
            );
            if (Failed.length > 0) {
                throw new Error(`SQS refused ${Failed.length} malformed soak message(s): ${JSON.stringify(Failed)}`);
            }
            runtime.stats.sent += bodies.length;
        }
    } finally {
        targets.close();
    }
}
