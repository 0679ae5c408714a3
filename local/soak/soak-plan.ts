/**
 * What the soak sends: a deterministic mix (from a seed) of valid escalations (some with a context
 * too large for SQS and PagerDuty), duplicates, malformed messages (some so near SQS's size limit
 * that their dead letter does not fit the DLQ with its reason), FIFO tool-call groups with ordered
 * steps (some flaky, some overrunning the timeout, some returning ~450 KB) and unknown tools. Every
 * message knows what should become of it, so the checks can account for each one.
 */
import type { EscalationInput, ToolCallInput } from "../../handlers/producer";
import { seededRandom } from "./random";
import { SoakToolName } from "./soak-tools";

export interface SoakMix {
    /** Share of escalations sent a second time (a producer retry), right behind the original so both copies often run side by side. */
    readonly duplicateEscalations: number;
    /** Share of messages that are a second, different escalation of a call already escalated (must page and post again). */
    readonly followUpEscalations: number;
    readonly malformedEscalations: number;
    /** Share of messages that are tool-call steps. */
    readonly toolSteps: number;
    /** Share of tool steps that fail transiently on their first attempt. */
    readonly flakySteps: number;
    /** Share of tool steps that overrun the function timeout on their first attempt. */
    readonly slowSteps: number;
    readonly unknownTools: number;
    /** Share of tool steps sent a second time (FIFO deduplication drops them). */
    readonly duplicateToolCalls: number;
    readonly stepsPerCall: number;
    /** Share of escalations whose context is OVERSIZED_CONTEXT_BYTES: offloaded to S3, capped in the PagerDuty event (at least one). */
    readonly oversizedEscalations: number;
    /** Share of tool steps whose result is LARGE_TOOL_RESULT_BYTES, over a DynamoDB item (at least one). */
    readonly largeResultSteps: number;
    /** Share of messages that are malformed and NEAR_LIMIT_POISON_BYTES long: the dead letter with its reason does not fit the DLQ (at least one). */
    readonly nearLimitPoison: number;
}

/** An oversized escalation's context: over SQS's 256 KiB (so the producer offloads it) and over PagerDuty's 512 KB event limit. */
export const OVERSIZED_CONTEXT_BYTES = 600_000;
/** A large tool result, as issue 9 found it: over DynamoDB's 400 KB item limit. */
export const LARGE_TOOL_RESULT_BYTES = 450_000;
/** A near-limit poison body: SQS takes it (256 KiB), but not its copy plus the reason attribute. */
export const NEAR_LIMIT_POISON_BYTES = 262_144 - 256;

export const DEFAULT_SOAK_MIX: SoakMix = {
    duplicateEscalations: 0.05,
    followUpEscalations: 0.02,
    malformedEscalations: 0.03,
    toolSteps: 0.4,
    flakySteps: 0.05,
    slowSteps: 0.005,
    unknownTools: 0.02,
    duplicateToolCalls: 0.02,
    stepsPerCall: 5,
    oversizedEscalations: 0.001,
    largeResultSteps: 0.005,
    nearLimitPoison: 0.0005,
};

export interface SoakPlan {
    readonly runId: string;
    readonly escalations: readonly EscalationInput[];
    /** Copies of some escalations, each sent right behind its original. */
    readonly duplicateEscalations: readonly EscalationInput[];
    /** New escalations of calls in `escalations` (another reason and severity), sent after them. */
    readonly followUpEscalations: readonly EscalationInput[];
    /** Escalations (in `escalations`) whose context is OVERSIZED_CONTEXT_BYTES. */
    readonly oversizedEscalations: readonly EscalationInput[];
    /** Raw bodies that no schema accepts (sent around the producer's validation), the near-limit ones included. */
    readonly malformedBodies: readonly string[];
    /** The malformed bodies (in `malformedBodies`) NEAR_LIMIT_POISON_BYTES long. */
    readonly nearLimitPoisonBodies: readonly string[];
    /** Ordered within each call; LARGE_TOOL_RESULT_BYTES results among them (SoakToolName.largeResult). */
    readonly toolCalls: readonly ToolCallInput[];
    readonly duplicateToolCalls: readonly ToolCallInput[];
    readonly unknownToolCalls: readonly ToolCallInput[];
    /** Total messages sent, duplicates included. */
    readonly total: number;
}

const SEVERITIES = ["critical", "error", "warning", "info"] as const;
const MALFORMED_SHAPES: readonly ((index: number) => string)[] = [
    (index) => `{ not json ${index}`,
    (index) => JSON.stringify({ reason: `no call id ${index}`, severity: "critical" }),
    (index) => JSON.stringify({ callId: `soak-malformed-${index}`, reason: "unknown severity", severity: "urgent" }),
];

export function planSoak(total: number, options: { seed?: number; mix?: SoakMix; slowSleepMs: number; runId?: string }): SoakPlan {
    const mix = options.mix ?? DEFAULT_SOAK_MIX;
    const random = seededRandom(options.seed ?? 1);
    const runId = options.runId ?? `soak-${(options.seed ?? 1).toString(36)}`;
    const count = (share: number) => Math.round(total * share);

    const atLeastOne = (share: number, of = total) => Math.max(1, Math.round(of * share));
    const nearLimit = atLeastOne(mix.nearLimitPoison);
    const malformed = count(mix.malformedEscalations);
    const unknownTools = count(mix.unknownTools);
    const duplicateToolCallCount = count(mix.duplicateToolCalls);
    const calls = Math.floor(count(mix.toolSteps) / mix.stepsPerCall);
    const toolSteps = calls * mix.stepsPerCall;
    const duplicateEscalationCount = count(mix.duplicateEscalations);
    const followUpCount = count(mix.followUpEscalations);
    const escalationCount =
        total - malformed - nearLimit - unknownTools - duplicateToolCallCount - toolSteps - duplicateEscalationCount - followUpCount;
    if (escalationCount < duplicateEscalationCount + followUpCount || duplicateToolCallCount > toolSteps) {
        throw new RangeError(`'messages' must be at least 100 for the soak's mix, ${total} given`);
    }

    const escalations: EscalationInput[] = Array.from({ length: escalationCount }, (_, index) => ({
        callId: `${runId}-esc-${index}`,
        severity: SEVERITIES[Math.floor(random() * SEVERITIES.length)]!,
        reason: `Soak escalation ${index}: the agent needs a human`,
        context: { soak: runId, index },
    }));
    const oversized = pickIndices(escalations.length, atLeastOne(mix.oversizedEscalations, escalationCount), random);
    for (const index of oversized) {
        const { context } = escalations[index]!;
        escalations[index] = { ...escalations[index]!, context: { ...context, transcript: "t".repeat(OVERSIZED_CONTEXT_BYTES) } };
    }
    const toolCalls: ToolCallInput[] = [];
    for (let call = 0; call < calls; call++) {
        for (let step = 0; step < mix.stepsPerCall; step++) {
            const roll = random();
            const tool =
                roll < mix.slowSteps ? SoakToolName.slow : roll < mix.slowSteps + mix.flakySteps ? SoakToolName.flaky : SoakToolName.record;
            toolCalls.push({
                callId: `${runId}-call-${call}`,
                toolCallId: `step-${step}`,
                toolName: tool,
                arguments: tool === SoakToolName.slow ? { step, sleepMs: options.slowSleepMs } : { step },
            });
        }
    }
    const recordSteps = toolCalls.flatMap((call, index) => (call.toolName === SoakToolName.record ? [index] : []));
    for (const index of pickIndices(recordSteps.length, atLeastOne(mix.largeResultSteps, toolSteps), random).map(
        (at) => recordSteps[at]!,
    )) {
        toolCalls[index] = {
            ...toolCalls[index]!,
            toolName: SoakToolName.largeResult,
            arguments: { ...toolCalls[index]!.arguments, resultBytes: LARGE_TOOL_RESULT_BYTES },
        };
    }
    const nearLimitPoisonBodies = Array.from({ length: nearLimit }, (_, index) => {
        const start = `{ not json, near SQS's size limit ${index} `;
        return start + "p".repeat(NEAR_LIMIT_POISON_BYTES - start.length);
    });
    return {
        runId,
        escalations,
        oversizedEscalations: oversized.map((index) => escalations[index]!),
        duplicateEscalations: pick(escalations, duplicateEscalationCount, random),
        followUpEscalations: pick(escalations, followUpCount, random).map((original, index) => ({
            callId: original.callId,
            severity: "critical",
            reason: `Soak follow-up ${index}: the caller's situation got worse`,
            context: { soak: runId, followUp: index },
        })),
        malformedBodies: [
            ...Array.from({ length: malformed }, (_, index) => MALFORMED_SHAPES[index % MALFORMED_SHAPES.length]!(index)),
            ...nearLimitPoisonBodies,
        ],
        nearLimitPoisonBodies,
        toolCalls,
        duplicateToolCalls: pick(toolCalls, duplicateToolCallCount, random),
        unknownToolCalls: Array.from({ length: unknownTools }, (_, index) => ({
            callId: `${runId}-unknown-${index}`,
            toolCallId: "step-0",
            toolName: "no-such-tool",
            arguments: {},
        })),
        total,
    };
}

/** `count` distinct elements, in their original order. */
function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
    return pickIndices(items.length, count, random).map((index) => items[index]!);
}

/** `count` distinct indices below `length`, ascending. */
function pickIndices(length: number, count: number, random: () => number): number[] {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, length)) {
        chosen.add(Math.floor(random() * length));
    }
    return [...chosen].sort((a, b) => a - b);
}
