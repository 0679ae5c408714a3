/**
 * The soak's verdict: each check accounts for every message the plan sent.
 */
import { DEAD_LETTER_ATTRIBUTE } from "../../handlers/failures/dead-letter";
import type { DeadLetterEntry } from "../dlq/dead-letter-entry";
import type { RecordedRequest } from "../fake-receivers";
import type { SoakPlan } from "./soak-plan";
import type { ToolRun } from "./soak-tools";

export interface CheckResult {
    readonly name: string;
    readonly passed: boolean;
    readonly detail: string;
}

export interface SoakObservations {
    /** PagerDuty incidents by dedup key, with how many trigger events each received. */
    readonly incidents: ReadonlyMap<string, { readonly triggerEvents: number }>;
    readonly slackRequests: readonly RecordedRequest[];
    readonly escalationDeadLetters: readonly DeadLetterEntry[];
    readonly toolCallDeadLetters: readonly DeadLetterEntry[];
    /** Messages in each DLQ per SQS (a FIFO DLQ shows only its groups' heads to a receive). */
    readonly deadLetterCounts: { readonly escalation: number; readonly toolCall: number };
    readonly queuedAtEnd: number;
    readonly toolRuns: readonly ToolRun[];
}

export interface CheckOptions {
    /**
     * Accept a repeated Slack post or tool run (still reported). Only the kill scenario sets it: a
     * consumer killed after the side effect but before its idempotency record was completed can
     * only be retried, and Slack has no deduplication of its own. That is at-least-once delivery
     * working as designed; PagerDuty still folds the page into one incident, and nothing may be lost.
     */
    readonly tolerateRepeats?: boolean;
}

const SLACK_CALL_ID = /Call (\S+) needs a human/;

export function checkSoak(plan: SoakPlan, seen: SoakObservations, options: CheckOptions = {}): CheckResult[] {
    return [
        checkPagedOnce(plan, seen, options),
        checkPoisonInDeadLetterQueues(plan, seen),
        checkToolStepsOnce(plan, seen, options),
        checkFifoOrder(plan, seen),
        checkNoneLost(plan, seen),
        { name: "queues drained", passed: seen.queuedAtEnd === 0, detail: `${seen.queuedAtEnd} message(s) still in the source queues` },
    ];
}

function checkPagedOnce(plan: SoakPlan, seen: SoakObservations, options: CheckOptions): CheckResult {
    const expected = new Set(plan.escalations.map((escalation) => escalation.callId));
    const slackPosts = new Map<string, number>();
    for (const request of seen.slackRequests) {
        const callId = SLACK_CALL_ID.exec(String((request.json as { text?: unknown } | undefined)?.text ?? ""))?.[1];
        if (callId !== undefined && request.answeredStatus >= 200 && request.answeredStatus < 300) {
            slackPosts.set(callId, (slackPosts.get(callId) ?? 0) + 1);
        }
    }
    const notPaged = [...expected].filter((callId) => !seen.incidents.has(callId));
    const unexpected = [...seen.incidents.keys()].filter((callId) => callId.startsWith(plan.runId) && !expected.has(callId));
    const noSlack = [...expected].filter((callId) => (slackPosts.get(callId) ?? 0) === 0);
    const repeatedSlack = [...slackPosts.entries()].filter(([, posts]) => posts > 1).map(([callId]) => callId);
    const passed = notPaged.length === 0 && unexpected.length === 0 && noSlack.length === 0 && (options.tolerateRepeats === true || repeatedSlack.length === 0);
    return {
        name: "every valid escalation paged exactly once",
        passed,
        detail:
            `${expected.size} escalations: ${expected.size - notPaged.length} PagerDuty incidents (one per dedup_key), ${slackPosts.size} with a Slack post` +
            problems([
                [notPaged, "never paged"],
                [unexpected, "paged but not a valid escalation"],
                [noSlack, "no Slack post"],
                [repeatedSlack, options.tolerateRepeats ? "posted to Slack more than once (allowed: killed between post and idempotency record)" : "posted to Slack more than once"],
            ]),
    };
}

function checkPoisonInDeadLetterQueues(plan: SoakPlan, seen: SoakObservations): CheckResult {
    const expectedBodies = new Set(plan.malformedBodies);
    const expectedUnknown = new Set(plan.unknownToolCalls.map((call) => call.callId));
    const withoutReason = [...seen.escalationDeadLetters, ...seen.toolCallDeadLetters].filter((entry) => entry.reason === undefined).map((entry) => entry.messageId);
    const escalationBodies = new Set(seen.escalationDeadLetters.filter((entry) => entry.reason?.errorClass === "InvalidMessageError").map((entry) => entry.body));
    const unknownTools = new Set(seen.toolCallDeadLetters.filter((entry) => entry.reason?.errorClass === "UnknownToolError").map((entry) => entry.groupId ?? ""));
    const missingMalformed = [...expectedBodies].filter((body) => !escalationBodies.has(body));
    const missingUnknown = [...expectedUnknown].filter((callId) => !unknownTools.has(callId));
    const extraEscalation = seen.deadLetterCounts.escalation - expectedBodies.size;
    const extraToolCall = seen.deadLetterCounts.toolCall - expectedUnknown.size;
    return {
        name: "every poison message in the DLQ with its reason",
        passed: withoutReason.length === 0 && missingMalformed.length === 0 && missingUnknown.length === 0 && extraEscalation === 0 && extraToolCall === 0,
        detail:
            `escalation DLQ ${seen.deadLetterCounts.escalation} (expected ${expectedBodies.size} malformed, reason InvalidMessageError in '${DEAD_LETTER_ATTRIBUTE}'), ` +
            `tool-call DLQ ${seen.deadLetterCounts.toolCall} (expected ${expectedUnknown.size} unknown tools, reason UnknownToolError)` +
            problems([
                [withoutReason, "dead-lettered without a reason"],
                [missingMalformed, "malformed but not in the DLQ"],
                [missingUnknown, "unknown tool but not in the DLQ"],
                [extraEscalation > 0 ? [`${extraEscalation}`] : [], "unexpected message(s) in the escalation DLQ"],
                [extraToolCall > 0 ? [`${extraToolCall}`] : [], "unexpected message(s) in the tool-call DLQ"],
            ]),
    };
}

function checkToolStepsOnce(plan: SoakPlan, seen: SoakObservations, options: CheckOptions): CheckResult {
    const runs = new Map<string, number>();
    for (const run of seen.toolRuns) {
        const key = `${run.callId}/${run.toolCallId}`;
        runs.set(key, (runs.get(key) ?? 0) + 1);
    }
    const expected = plan.toolCalls.map((call) => `${call.callId}/${call.toolCallId}`);
    const never = expected.filter((key) => !runs.has(key));
    const repeated = [...runs.entries()].filter(([, count]) => count > 1).map(([key]) => key);
    return {
        name: "every tool step executed exactly once",
        passed: never.length === 0 && (options.tolerateRepeats === true || repeated.length === 0),
        detail:
            `${expected.length} steps, ${runs.size} executed` +
            problems([
                [never, "never executed"],
                [repeated, options.tolerateRepeats ? "executed more than once (allowed: killed between run and idempotency record)" : "executed more than once"],
            ]),
    };
}

function checkFifoOrder(plan: SoakPlan, seen: SoakObservations): CheckResult {
    const lastStep = new Map<string, number>();
    const outOfOrder = new Set<string>();
    for (const run of seen.toolRuns) {
        // A step run again right after itself is a repeat (counted above), not a step out of order.
        if (run.step < (lastStep.get(run.callId) ?? -1)) {
            outOfOrder.add(run.callId);
        }
        lastStep.set(run.callId, run.step);
    }
    const groups = new Set(plan.toolCalls.map((call) => call.callId)).size;
    return {
        name: "order held within every FIFO group",
        passed: outOfOrder.size === 0,
        detail: `${groups} groups of ordered steps` + problems([[[...outOfOrder], "ran a step before an earlier one"]]),
    };
}

function checkNoneLost(plan: SoakPlan, seen: SoakObservations): CheckResult {
    const paged = plan.escalations.filter((escalation) => seen.incidents.has(escalation.callId)).length;
    const executed = new Set(seen.toolRuns.map((run) => `${run.callId}/${run.toolCallId}`)).size;
    const deadLettered = seen.deadLetterCounts.escalation + seen.deadLetterCounts.toolCall;
    const duplicates = plan.duplicateEscalations.length + plan.duplicateToolCalls.length;
    const accounted = paged + executed + deadLettered + duplicates;
    return {
        name: "none lost: sent = paged + executed + dead-lettered + duplicates absorbed",
        passed: accounted === plan.total,
        detail: `${plan.total} sent = ${paged} paged + ${executed} tool steps executed + ${deadLettered} dead-lettered + ${duplicates} duplicates absorbed (${accounted})`,
    };
}

/** " ; 3 never paged (a, b, c)" for each non-empty list, showing at most five names. */
function problems(lists: readonly [readonly string[], string][]): string {
    return lists
        .filter(([items]) => items.length > 0)
        .map(([items, what]) => `; ${items.length} ${what} (${items.slice(0, 5).join(", ")}${items.length > 5 ? ", ..." : ""})`)
        .join("");
}
