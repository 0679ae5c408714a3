/**
 * The soak's verdict: each check accounts for every message the plan sent.
 */
import { DEAD_LETTER_ATTRIBUTE } from "../../handlers/dead-letter";
import { MAX_PAGERDUTY_EVENT_BYTES } from "../../handlers/downstream";
import { deriveEscalationId } from "../../handlers/messages";
import type { DeadLetterEntry } from "../dlq/dead-letter-entry";
import type { RecordedRequest } from "../fake-receivers";
import { LARGE_TOOL_RESULT_BYTES, NEAR_LIMIT_POISON_BYTES, OVERSIZED_CONTEXT_BYTES, type SoakPlan } from "./soak-plan";
import { SoakToolName, type ToolRun } from "./soak-tools";

export interface CheckResult {
    readonly name: string;
    readonly passed: boolean;
    readonly detail: string;
}

export interface SoakObservations {
    /** PagerDuty incidents by dedup key (the call id), with how many times each key opened one. */
    readonly incidents: ReadonlyMap<string, { readonly triggerEvents: number; readonly opened?: number }>;
    /** Every request PagerDuty received (trigger events carry the escalation id in custom_details). */
    readonly pagerDutyRequests: readonly RecordedRequest[];
    readonly slackRequests: readonly RecordedRequest[];
    readonly escalationDeadLetters: readonly DeadLetterEntry[];
    readonly toolCallDeadLetters: readonly DeadLetterEntry[];
    /** Messages in each DLQ per SQS (a FIFO DLQ shows only its groups' heads to a receive). */
    readonly deadLetterCounts: { readonly escalation: number; readonly toolCall: number };
    readonly queuedAtEnd: number;
    readonly toolRuns: readonly ToolRun[];
    /** Dead letters marked "paged; Slack failed" that the soak replayed, and how many Slack refusals it injected. */
    readonly slackFailedReplays?: { readonly replayed: readonly DeadLetterEntry[]; readonly refusalsInjected: number };
    /**
     * When work could have been cut off by a freeze of the whole process past the function timeout
     * (ms since epoch: from one function timeout before the freeze to its end). A step whose first
     * run falls in a window may run again (the README's named window: the request went out, the
     * record was not saved); a second page (incident opened again) never is allowed.
     */
    readonly freezeWindows?: readonly FreezeWindow[];
    /** Attempts cut off between a step and its completion record other than by the freeze or a kill. */
    readonly cutOff?: CutOffEvidence;
}

/**
 * What a busy machine cuts off besides the freeze: each is the README's named window (the step's
 * request went out, its completion record was not saved), so each may explain one repeat of a
 * step it held, and nothing else.
 */
export interface CutOffEvidence {
    /** Invocations the runtime stopped at their timeout, with the plan keys of the records each held. */
    readonly timedOutInvocations: readonly TimedOutHolding[];
    /** Each time a consumer logged that it gave up waiting for a downstream's answer ("no answer within"). */
    readonly gaveUpWaiting: readonly GaveUpWaiting[];
}

export interface TimedOutHolding {
    /** Epoch milliseconds. */
    readonly startMs: number;
    readonly endMs: number;
    /** Escalation ids, "callId/toolCallId" of tool steps, or the body itself of a malformed message. */
    readonly keys: readonly string[];
}

export interface GaveUpWaiting {
    readonly escalationId: string;
    readonly downstream: Downstream;
    readonly at: number;
}

export const Downstream = { pagerDuty: "PagerDuty", slack: "Slack" } as const;
export type Downstream = (typeof Downstream)[keyof typeof Downstream];

export interface FreezeWindow {
    readonly startMs: number;
    readonly endMs: number;
    /**
     * Until when an invocation running at the freeze could still be running after it (its end plus
     * the longest function timeout): an answer it got then reached an attempt already past its
     * deadline, whose outcome does not count. @default endMs
     */
    readonly cutOffUntilMs?: number;
}

export interface CheckOptions {
    /**
     * Accept a repeated Slack post, PagerDuty trigger, tool run or dead letter (still reported).
     * Only the kill scenario sets it: a consumer killed after the side effect but before its
     * completion record was saved (or, for a dead letter, after the DLQ took the copy but before
     * the forward's record was written: a kill after that record is acknowledged without a second
     * copy) can only be retried, and Slack and a standard DLQ have no deduplication of their own. That is
     * at-least-once delivery working as designed; PagerDuty still folds the trigger into the open
     * incident (no second page), and nothing may be lost.
     */
    readonly tolerateRepeats?: boolean;
}

const SLACK_ESCALATION_ID = /\(escalation (\S+)\)$/;

export function checkSoak(plan: SoakPlan, seen: SoakObservations, options: CheckOptions = {}): CheckResult[] {
    return [
        checkPagedOnce(plan, seen, options),
        checkOversizedCapped(plan, seen),
        checkNoSecondPage(plan, seen),
        checkPoisonInDeadLetterQueues(plan, seen, options),
        checkSlackFailedReplayed(seen, options),
        checkToolStepsOnce(plan, seen, options),
        checkFifoOrder(plan, seen),
        checkNoneLost(plan, seen, options),
        { name: "queues drained", passed: seen.queuedAtEnd === 0, detail: `${seen.queuedAtEnd} message(s) still in the source queues` },
    ];
}

/** Every escalation of the plan (originals and follow-ups) by escalation id, as the producer derives it. */
export function plannedEscalationIds(plan: SoakPlan): Map<string, string> {
    return new Map(
        [...plan.escalations, ...plan.followUpEscalations].map((escalation) => [
            escalation.escalationId ?? deriveEscalationId(escalation),
            escalation.callId,
        ]),
    );
}

/** One accepted request of an escalation (or one run of a tool step), with when it was answered. */
interface Delivery {
    readonly at: number;
    /** False when the caller had hung up before the answer (it gave up waiting). @default true */
    readonly answerReachedCaller?: boolean;
}

/** Accepted deliveries per escalation id, oldest first. */
function deliveriesByEscalation(
    requests: readonly RecordedRequest[],
    escalationIdOf: (request: RecordedRequest) => string | undefined,
): Map<string, Delivery[]> {
    const deliveries = new Map<string, Delivery[]>();
    for (const request of requests) {
        const escalationId = escalationIdOf(request);
        if (escalationId !== undefined && request.answeredStatus >= 200 && request.answeredStatus < 300) {
            const delivery = { at: Date.parse(request.receivedAt), answerReachedCaller: request.answerReachedCaller };
            deliveries.set(escalationId, [...(deliveries.get(escalationId) ?? []), delivery]);
        }
    }
    return deliveries;
}

const triggerEscalationId = (request: RecordedRequest): string | undefined => {
    const event = request.json as { event_action?: unknown; payload?: { custom_details?: { escalationId?: unknown } } } | undefined;
    const escalationId = event?.payload?.custom_details?.escalationId;
    return event?.event_action === "trigger" && typeof escalationId === "string" ? escalationId : undefined;
};
const slackEscalationId = (request: RecordedRequest): string | undefined =>
    SLACK_ESCALATION_ID.exec(String((request.json as { text?: unknown } | undefined)?.text ?? ""))?.[1];

/** Why a delivery may have left no completion record, so that the step ran (or posted) again. */
const CutOffCause = {
    kill: "killed between the call and its completion record",
    freeze: "in flight when the process froze",
    timedOut: "its invocation was stopped at the function timeout",
    gaveUp: "the consumer gave up waiting for the answer",
} as const;
type CutOffCause = (typeof CutOffCause)[keyof typeof CutOffCause];

/**
 * The causes that explain every delivery of `key` but the last (the one whose record was saved),
 * or undefined when one of them has none: that repeat is a step run twice for no reason, a
 * failure. Each cause explains one delivery; "gave up waiting" logs are counted, so each explains
 * one request only.
 */
function repeatCauses(
    key: string,
    deliveries: readonly Delivery[],
    downstream: Downstream | undefined,
    seen: SoakObservations,
    options: CheckOptions,
): CutOffCause[] | undefined {
    const causes: CutOffCause[] = [];
    let gaveUpLogs = (seen.cutOff?.gaveUpWaiting ?? []).filter(
        (log) => downstream !== undefined && log.downstream === downstream && log.escalationId === key,
    ).length;
    const earlier = [...deliveries].sort((a, b) => a.at - b.at).slice(0, -1);
    for (const delivery of earlier) {
        const timedOut = (seen.cutOff?.timedOutInvocations ?? []).some(
            (invocation) => delivery.at >= invocation.startMs && delivery.at <= invocation.endMs && invocation.keys.includes(key),
        );
        if (options.tolerateRepeats === true) {
            causes.push(CutOffCause.kill);
        } else if ((seen.freezeWindows ?? []).some((window) => delivery.at >= window.startMs && delivery.at <= window.endMs)) {
            causes.push(CutOffCause.freeze);
        } else if (timedOut) {
            causes.push(CutOffCause.timedOut);
        } else if (delivery.answerReachedCaller === false) {
            causes.push(CutOffCause.gaveUp);
        } else if (gaveUpLogs > 0) {
            gaveUpLogs--;
            causes.push(CutOffCause.gaveUp);
        } else {
            return undefined;
        }
    }
    return causes;
}

/** Repeated keys split into those with no cause (failures) and the allowed ones, listed by cause. */
function sortRepeats(
    deliveries: ReadonlyMap<string, readonly Delivery[]>,
    downstream: Downstream | undefined,
    seen: SoakObservations,
    options: CheckOptions,
): { readonly unexplained: string[]; readonly allowed: ReadonlyMap<CutOffCause, string[]> } {
    const unexplained: string[] = [];
    const allowed = new Map<CutOffCause, string[]>();
    for (const [key, times] of deliveries) {
        if (times.length < 2) {
            continue;
        }
        const causes = repeatCauses(key, times, downstream, seen, options);
        if (causes === undefined) {
            unexplained.push(key);
            continue;
        }
        for (const cause of new Set(causes)) {
            allowed.set(cause, [...(allowed.get(cause) ?? []), key]);
        }
    }
    return { unexplained, allowed };
}

/** One problems() entry per cause of allowed repeats: "<what> again (allowed: <cause>)". */
function allowedRepeats(allowed: ReadonlyMap<CutOffCause, string[]>, what: string, suffix = ""): [string[], string][] {
    return [...allowed.entries()].map(([cause, keys]) => [keys, `${what} again (allowed: ${cause}; the named window${suffix})`]);
}

function checkPagedOnce(plan: SoakPlan, seen: SoakObservations, options: CheckOptions): CheckResult {
    const expected = plannedEscalationIds(plan);
    const triggers = deliveriesByEscalation(seen.pagerDutyRequests, triggerEscalationId);
    const posts = deliveriesByEscalation(seen.slackRequests, slackEscalationId);
    const ids = [...expected.keys()];
    const notPaged = ids.filter((id) => !triggers.has(id));
    const noSlack = ids.filter((id) => !posts.has(id));
    const unexpected = [...new Set([...triggers.keys(), ...posts.keys()])].filter((id) => !expected.has(id));
    const triggerRepeats = sortRepeats(triggers, Downstream.pagerDuty, seen, options);
    const slackRepeats = sortRepeats(posts, Downstream.slack, seen, options);
    const repeatedTriggers = triggerRepeats.unexplained;
    const repeatedSlack = slackRepeats.unexplained;
    return {
        name: "every valid escalation paged and posted to Slack exactly once",
        passed:
            notPaged.length === 0 &&
            noSlack.length === 0 &&
            unexpected.length === 0 &&
            repeatedTriggers.length === 0 &&
            repeatedSlack.length === 0,
        detail:
            `${expected.size} escalations (${plan.followUpEscalations.length} of them a second escalation of a call): ` +
            `${expected.size - notPaged.length} triggered PagerDuty, ${posts.size} posted to Slack` +
            problems([
                [notPaged, "never paged"],
                [noSlack, "no Slack post"],
                [unexpected, "delivered but not a valid escalation"],
                [repeatedTriggers, "triggered PagerDuty more than once"],
                [repeatedSlack, "posted to Slack more than once"],
                ...allowedRepeats(triggerRepeats.allowed, "triggered PagerDuty", "; folded into the open incident"),
                ...allowedRepeats(slackRepeats.allowed, "posted to Slack"),
            ]),
    };
}

/**
 * Every oversized escalation (its context offloaded to S3 by the producer, too large for PagerDuty
 * whole) paged all the same: PagerDuty accepted a trigger within its 512 KB whose custom_details
 * are capped and point to the full payload in the payload bucket.
 */
function checkOversizedCapped(plan: SoakPlan, seen: SoakObservations): CheckResult {
    const ids = plan.oversizedEscalations.map((escalation) => escalation.escalationId ?? deriveEscalationId(escalation));
    const accepted = seen.pagerDutyRequests.filter((request) => request.answeredStatus === 202);
    const capped = new Set(
        accepted
            .filter((request) => {
                const details = (request.json as { payload?: { custom_details?: { contextTruncated?: unknown; fullPayload?: unknown } } })
                    ?.payload?.custom_details;
                return (
                    Buffer.byteLength(request.body, "utf8") <= MAX_PAGERDUTY_EVENT_BYTES &&
                    details?.contextTruncated === true &&
                    String(details.fullPayload).startsWith("s3://")
                );
            })
            .map(triggerEscalationId),
    );
    const notCapped = ids.filter((id) => !capped.has(id));
    return {
        name: "every oversized escalation paged within PagerDuty's 512 KB, its context capped with a pointer to the payload in S3",
        passed: notCapped.length === 0,
        detail:
            `${ids.length} escalations with a ${OVERSIZED_CONTEXT_BYTES.toLocaleString("en-US")}-byte context (offloaded to S3), ${ids.length - notCapped.length} paged with capped custom_details` +
            problems([[notCapped, "not paged with a capped event within 512 KB"]]),
    };
}

/** One incident per call, opened once: a repeated trigger was folded into it, never a second page. */
function checkNoSecondPage(plan: SoakPlan, seen: SoakObservations): CheckResult {
    const calls = new Set(plan.escalations.map((escalation) => escalation.callId));
    const reopened = [...calls].filter((callId) => (seen.incidents.get(callId)?.opened ?? 1) > 1);
    const withFollowUp = new Set(plan.followUpEscalations.map((escalation) => escalation.callId)).size;
    return {
        name: "no second page: one incident per call, opened once",
        passed: reopened.length === 0,
        detail:
            `${calls.size} calls, ${withFollowUp} with a second escalation folded into the open incident` +
            problems([[reopened, "opened a second incident"]]),
    };
}

/**
 * A Slack refusal is per attempt: the injector refuses the next Slack post, whichever delivery
 * makes it. When that delivery is an attempt cut off (its invocation frozen past its deadline, or
 * stopped at its timeout, or killed), the refusal has no outcome at all: nothing may be
 * dead-lettered past the deadline (a successor holds the message), and the retry finds Slack
 * back and posts. That is correct, so such a refusal needs no dead letter, only a later post. Any
 * other refused escalation must come back as a "paged; Slack failed" dead letter, and be replayed.
 */
function checkSlackFailedReplayed(seen: SoakObservations, options: CheckOptions): CheckResult {
    const replays = seen.slackFailedReplays ?? { replayed: [], refusalsInjected: 0 };
    const unmarked = replays.replayed
        .filter((entry) => !(entry.reason?.errorMessage ?? "").startsWith("paged; Slack failed:"))
        .map((entry) => entry.messageId);
    const refusals = seen.slackRequests.filter((request) => request.answeredStatus === SLACK_REFUSAL_STATUS);
    const refusedAt = new Map<string, number>();
    for (const request of refusals) {
        const escalationId = slackEscalationId(request);
        if (escalationId !== undefined && !refusedAt.has(escalationId)) {
            refusedAt.set(escalationId, Date.parse(request.receivedAt));
        }
    }
    const replayedIds = new Set(replays.replayed.map((entry) => deadLetterKeyOf(entry, "escalation")));
    const postedAt = deliveriesByEscalation(seen.slackRequests, slackEscalationId);
    const cutOff: string[] = [];
    const notDeadLettered: string[] = [];
    for (const [escalationId, at] of refusedAt) {
        if (replayedIds.has(escalationId)) {
            continue;
        }
        const retriedAndPosted = (postedAt.get(escalationId) ?? []).some((posted) => posted.at >= at);
        if (retriedAndPosted && (options.tolerateRepeats === true || inCutOffWindow(at, seen) || refusalCutOff(escalationId, at, seen))) {
            cutOff.push(escalationId);
        } else {
            notDeadLettered.push(escalationId);
        }
    }
    const neverRefused = [...replayedIds].filter((escalationId) => !refusedAt.has(escalationId));
    const unconsumed = replays.refusalsInjected - refusals.length;
    return {
        name: "every escalation whose Slack post was refused after the page dead-lettered as 'paged; Slack failed', and its replay posted to Slack only",
        passed: notDeadLettered.length === 0 && neverRefused.length === 0 && unconsumed === 0 && unmarked.length === 0,
        detail:
            `${replays.refusalsInjected} Slack refusals injected, ${refusals.length} answered, ${replays.replayed.length} dead letters replayed (PagerDuty and Slack counts above include them)` +
            problems([
                [unmarked, "dead-lettered without the 'paged; Slack failed' mark"],
                [notDeadLettered, "refused but never dead-lettered as 'paged; Slack failed'"],
                [neverRefused, "replayed as 'paged; Slack failed' but never refused"],
                [unconsumed !== 0 ? [`${unconsumed}`] : [], "injected refusal(s) no Slack post met"],
                [
                    cutOff,
                    options.tolerateRepeats === true
                        ? "refused in an attempt the kill cut off: no dead letter, the retry posted (allowed)"
                        : "refused in an attempt cut off (frozen past its deadline, stopped at its timeout, or no longer waiting): no dead letter, the retry posted (allowed)",
                ],
            ]),
    };
}

/** Slack's answer to a post to a removed webhook, as the injector refuses a post for good. */
const SLACK_REFUSAL_STATUS = 404;

/**
 * Whether a Slack refusal of `escalationId` answered at `at` reached an attempt with no outcome:
 * the caller had hung up, its invocation was stopped at the timeout, or the consumer logged that it
 * gave up waiting for Slack.
 */
function refusalCutOff(escalationId: string, at: number, seen: SoakObservations): boolean {
    const refusal = seen.slackRequests.find(
        (request) => Date.parse(request.receivedAt) === at && slackEscalationId(request) === escalationId,
    );
    return (
        refusal?.answerReachedCaller === false ||
        (seen.cutOff?.timedOutInvocations ?? []).some(
            (invocation) => at >= invocation.startMs && at <= invocation.endMs && invocation.keys.includes(escalationId),
        ) ||
        (seen.cutOff?.gaveUpWaiting ?? []).some((log) => log.downstream === Downstream.slack && log.escalationId === escalationId)
    );
}

/** Whether an answer at `at` may have reached an attempt the freeze cut off: from one timeout before the freeze until those attempts ended after it. */
function inCutOffWindow(at: number, seen: SoakObservations): boolean {
    return (seen.freezeWindows ?? []).some((window) => at >= window.startMs && at <= (window.cutOffUntilMs ?? window.endMs));
}

function checkPoisonInDeadLetterQueues(plan: SoakPlan, seen: SoakObservations, options: CheckOptions): CheckResult {
    const expectedBodies = new Set(plan.malformedBodies);
    const expectedUnknown = new Set(plan.unknownToolCalls.map((call) => call.callId));
    const nearLimit = new Set(plan.nearLimitPoisonBodies);
    const nearLimitOffloaded = seen.escalationDeadLetters.filter(
        (entry) => nearLimit.has(entry.body) && entry.payload !== undefined,
    ).length;
    const withoutReason = [...seen.escalationDeadLetters, ...seen.toolCallDeadLetters]
        .filter((entry) => entry.reason === undefined)
        .map((entry) => entry.messageId);
    const escalationBodies = new Set(
        seen.escalationDeadLetters.filter((entry) => entry.reason?.errorClass === "InvalidMessageError").map((entry) => entry.body),
    );
    const unknownTools = new Set(
        seen.toolCallDeadLetters.filter((entry) => entry.reason?.errorClass === "UnknownToolError").map((entry) => entry.groupId ?? ""),
    );
    const missingMalformed = [...expectedBodies].filter((body) => !escalationBodies.has(body));
    const missingUnknown = [...expectedUnknown].filter((callId) => !unknownTools.has(callId));
    // A repeated dead letter of one body is the same message forwarded twice: accepted (and
    // reported) only where repeats are tolerated, or where an invocation stopped at its timeout
    // held it (between the DLQ's answer and the record of the forward: the named window).
    const timedOutKeys = keysHeldByTimedOutInvocations(seen);
    const repeats = (entries: readonly DeadLetterEntry[]) => {
        const counts = new Map<string, number>();
        entries.forEach((entry) => counts.set(entry.body, (counts.get(entry.body) ?? 0) + 1));
        return [...counts.entries()].filter(([, count]) => count > 1);
    };
    const escalationRepeats = repeats(seen.escalationDeadLetters);
    const repeatAccepted = ([body]: [string, number]) =>
        options.tolerateRepeats === true || timedOutKeys.has(body) || timedOutKeys.has(deadLetterKeyOfBody(body, "escalation"));
    const acceptedRepeats = escalationRepeats.filter(repeatAccepted);
    const repeatedEscalation = acceptedRepeats.reduce((sum, [, count]) => sum + count - 1, 0);
    const extraEscalation = seen.deadLetterCounts.escalation - expectedBodies.size - repeatedEscalation;
    const extraToolCall = seen.deadLetterCounts.toolCall - expectedUnknown.size;
    return {
        name: "every poison message in the DLQ with its reason",
        passed:
            withoutReason.length === 0 &&
            missingMalformed.length === 0 &&
            missingUnknown.length === 0 &&
            extraEscalation === 0 &&
            extraToolCall === 0,
        detail:
            `escalation DLQ ${seen.deadLetterCounts.escalation} (expected ${expectedBodies.size} malformed, reason InvalidMessageError in '${DEAD_LETTER_ATTRIBUTE}'; ` +
            `${nearLimit.size} of them ${NEAR_LIMIT_POISON_BYTES.toLocaleString("en-US")} bytes, too large for the DLQ with the reason: ${nearLimitOffloaded} with the body offloaded to the payload bucket), ` +
            `tool-call DLQ ${seen.deadLetterCounts.toolCall} (expected ${expectedUnknown.size} unknown tools, reason UnknownToolError)` +
            problems([
                [withoutReason, "dead-lettered without a reason"],
                [missingMalformed, "malformed but not in the DLQ"],
                [missingUnknown, "unknown tool but not in the DLQ"],
                [extraEscalation > 0 ? [`${extraEscalation}`] : [], "unexpected message(s) in the escalation DLQ"],
                [
                    repeatedEscalation > 0 ? [`${repeatedEscalation}`] : [],
                    `repeated dead letter(s) of one message in the escalation DLQ (tolerated: ${options.tolerateRepeats === true ? "killed" : "its invocation stopped at the timeout"} between the DLQ's answer and the record of the forward)`,
                ],
                [extraToolCall > 0 ? [`${extraToolCall}`] : [], "unexpected message(s) in the tool-call DLQ"],
            ]),
    };
}

function checkToolStepsOnce(plan: SoakPlan, seen: SoakObservations, options: CheckOptions): CheckResult {
    const runs = new Map<string, Delivery[]>();
    for (const run of seen.toolRuns) {
        const key = `${run.callId}/${run.toolCallId}`;
        runs.set(key, [...(runs.get(key) ?? []), { at: run.at }]);
    }
    const expected = plan.toolCalls.map((call) => `${call.callId}/${call.toolCallId}`);
    const never = expected.filter((key) => !runs.has(key));
    const repeats = sortRepeats(runs, undefined, seen, options);
    return {
        name: "every tool step executed exactly once",
        passed: never.length === 0 && repeats.unexplained.length === 0,
        detail:
            `${expected.length} steps (${plan.toolCalls.filter((call) => call.toolName === SoakToolName.largeResult).length} returning ${LARGE_TOOL_RESULT_BYTES.toLocaleString("en-US")} bytes), ${runs.size} executed` +
            problems([
                [never, "never executed"],
                [repeats.unexplained, "executed more than once"],
                ...allowedRepeats(repeats.allowed, "executed"),
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

/** The plan message a dead letter holds, by the key the checks use: escalation id, "callId/toolCallId", or the raw body. */
function deadLetterKeyOf(entry: DeadLetterEntry, lane: "escalation" | "toolCall"): string {
    return deadLetterKeyOfBody(entry.body, lane);
}

/** The plan key of a message body (see deadLetterKeyOf). */
export function deadLetterKeyOfBody(body: string, lane: "escalation" | "toolCall"): string {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return body;
    }
    const fields = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
    if (lane === "toolCall") {
        return typeof fields.callId === "string" && typeof fields.toolCallId === "string" ? `${fields.callId}/${fields.toolCallId}` : body;
    }
    if (typeof fields.escalationId === "string") {
        return fields.escalationId;
    }
    const { callId, severity, reason } = fields;
    return typeof callId === "string" && typeof severity === "string" && typeof reason === "string"
        ? deriveEscalationId(fields as Parameters<typeof deriveEscalationId>[0])
        : body;
}

/**
 * Every message sent accounted for exactly once, by its own identity rather than by adding up
 * counters (which counted a message that ran and was then dead-lettered twice): each is
 * processed (paged / executed), deliberately poison in the DLQ with its reason, dead-lettered
 * with a reason (it failed for good: the checks above report that), or a duplicate absorbed
 * behind its processed original. A message with no fate is lost; a dead letter of a message that
 * was also processed, or of nothing the plan sent, is counted twice or unexplained.
 */
function checkNoneLost(plan: SoakPlan, seen: SoakObservations, options: CheckOptions): CheckResult {
    const triggered = new Set(seen.pagerDutyRequests.filter((request) => request.answeredStatus === 202).map(triggerEscalationId));
    const executed = new Set(seen.toolRuns.map((run) => `${run.callId}/${run.toolCallId}`));
    const toolKey = (call: { callId: string; toolCallId: string }) => `${call.callId}/${call.toolCallId}`;
    const escalationKeys = [...plannedEscalationIds(plan).keys()];
    const processed = new Set([
        ...escalationKeys.filter((key) => triggered.has(key)),
        ...plan.toolCalls.map(toolKey).filter((key) => executed.has(key)),
    ]);
    const poison = new Set([...plan.malformedBodies, ...plan.unknownToolCalls.map(toolKey)]);
    // A malformed body is its own key, even one that looks like an escalation (an unknown severity).
    const malformed = new Set(plan.malformedBodies);
    const dead = [
        ...seen.escalationDeadLetters.map((entry) => ({
            entry,
            key: malformed.has(entry.body) ? entry.body : deadLetterKeyOf(entry, "escalation"),
        })),
        ...seen.toolCallDeadLetters.map((entry) => ({ entry, key: deadLetterKeyOf(entry, "toolCall") })),
    ];
    const deadWithReason = new Set(dead.filter(({ entry }) => entry.reason !== undefined).map(({ key }) => key));
    const planned = new Set([...escalationKeys, ...plan.toolCalls.map(toolKey), ...poison]);
    const counts = { processed: 0, poison: 0, deadLettered: 0, absorbed: 0 };
    const lost: string[] = [];
    for (const key of planned) {
        if (processed.has(key)) {
            counts.processed++;
        } else if (poison.has(key) && deadWithReason.has(key)) {
            counts.poison++;
        } else if (!poison.has(key) && deadWithReason.has(key)) {
            counts.deadLettered++;
        } else {
            lost.push(key);
        }
    }
    const duplicateKeys = [
        ...plan.duplicateEscalations.map((escalation) => escalation.escalationId ?? deriveEscalationId(escalation)),
        ...plan.duplicateToolCalls.map(toolKey),
    ];
    for (const key of duplicateKeys) {
        if (processed.has(key) || deadWithReason.has(key)) {
            counts.absorbed++;
        } else {
            lost.push(`duplicate of ${key}`);
        }
    }
    const perKey = new Map<string, number>();
    dead.forEach(({ key }) => perKey.set(key, (perKey.get(key) ?? 0) + 1));
    const repeated = [...perKey.entries()].filter(([key, times]) => !processed.has(key) && times > 1).map(([key]) => key);
    const timedOutKeys = keysHeldByTimedOutInvocations(seen);
    const repeatTolerated = (key: string) => options.tolerateRepeats === true || timedOutKeys.has(key);
    const twice = [...perKey.entries()]
        .filter(([key, times]) => processed.has(key) || (times > 1 && !repeatTolerated(key)))
        .map(([key]) => key);
    const unexplained = [...perKey.keys()].filter((key) => !planned.has(key));
    const accounted = counts.processed + counts.poison + counts.deadLettered + counts.absorbed;
    return {
        name: "none lost: every message sent accounted for exactly once (processed, poison in the DLQ, dead-lettered with a reason, or a duplicate absorbed)",
        passed: lost.length === 0 && twice.length === 0 && unexplained.length === 0 && accounted === plan.total,
        detail:
            `${plan.total} sent = ${counts.processed} processed (paged or executed) + ${counts.poison} poison dead-lettered with their reason + ` +
            `${counts.deadLettered} dead-lettered with a reason after failing + ${counts.absorbed} duplicates absorbed (${accounted})` +
            problems([
                [lost, "lost (no fate at all)"],
                [twice, "dead-lettered although processed, or dead-lettered twice (counted twice)"],
                [unexplained, "dead letter(s) of nothing the plan sent"],
                [
                    repeated.filter(repeatTolerated),
                    `dead-lettered more than once (tolerated: ${options.tolerateRepeats === true ? "killed" : "its invocation stopped at the timeout"} between the DLQ's answer and the record of the forward)`,
                ],
            ]),
    };
}

/** The plan keys of everything an invocation stopped at its timeout held. */
function keysHeldByTimedOutInvocations(seen: SoakObservations): Set<string> {
    return new Set((seen.cutOff?.timedOutInvocations ?? []).flatMap((invocation) => invocation.keys));
}

/** " ; 3 never paged (a, b, c)" for each non-empty list, showing at most five names. */
function problems(lists: readonly [readonly string[], string][]): string {
    return lists
        .filter(([items]) => items.length > 0)
        .map(([items, what]) => `; ${items.length} ${what} (${items.slice(0, 5).join(", ")}${items.length > 5 ? ", ..." : ""})`)
        .join("");
}
