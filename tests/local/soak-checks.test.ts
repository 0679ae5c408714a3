import * as assert from "node:assert/strict";
import { deriveEscalationId } from "../../handlers/messages";
import { checkSoak, type SoakObservations } from "../../local/soak/soak-checks";
import { planSoak } from "../../local/soak/soak-plan";
import type { ToolRun } from "../../local/soak/soak-tools";
import type { RecordedRequest } from "../../local/fake-receivers";
import type { DeadLetterEntry } from "../../local/dlq/dead-letter-entry";

/** `run` with its first escalation dead letter in the DLQ twice, as a kill between the DLQ's answer and the record of the forward leaves it. */
function repeatFirstEscalationDeadLetter(run: SoakObservations): SoakObservations {
    const [first] = run.escalationDeadLetters;
    return {
        ...run,
        escalationDeadLetters: [...run.escalationDeadLetters, { ...first!, messageId: `${first!.messageId}-again` }],
        deadLetterCounts: { ...run.deadLetterCounts, escalation: run.deadLetterCounts.escalation + 1 },
    };
}

/** Observations of a perfect run of `plan`, to be spoiled one way per test. */
function perfectRun(plan: ReturnType<typeof planSoak>): SoakObservations {
    const request = (receiver: "slack" | "pagerduty", json: unknown, answeredStatus: number, at = 0): RecordedRequest => ({
        receiver,
        method: "POST",
        path: "/",
        headers: {},
        body: "",
        json,
        receivedAt: new Date(at).toISOString(),
        answeredStatus,
        fault: "none",
        answerReachedCaller: true,
    });
    const all = [...plan.escalations, ...plan.followUpEscalations];
    const slack = (escalation: (typeof all)[number]) =>
        request("slack", { text: `[INFO] Call ${escalation.callId} needs a human: x (escalation ${deriveEscalationId(escalation)})` }, 200);
    const oversized = new Set(plan.oversizedEscalations);
    const trigger = (escalation: (typeof all)[number]) =>
        request(
            "pagerduty",
            {
                event_action: "trigger",
                dedup_key: escalation.callId,
                payload: {
                    custom_details: {
                        escalationId: deriveEscalationId(escalation),
                        ...(oversized.has(escalation) ? { contextTruncated: true, fullPayload: "s3://payloads/offloaded" } : {}),
                    },
                },
            },
            202,
        );
    const deadLetter = (body: string, errorClass: string, groupId?: string): DeadLetterEntry => ({
        messageId: body,
        body,
        receiveCount: 1,
        sentAt: "",
        groupId,
        originalAttributes: {},
        reason: {
            failureKind: "poison",
            errorClass,
            errorMessage: "",
            firstSeen: "",
            attempts: 1,
            handlerVersion: "t",
            sourceMessageId: "",
        },
    });
    const toolRuns: ToolRun[] = plan.toolCalls.map((call, index) => ({
        callId: call.callId,
        toolCallId: call.toolCallId,
        step: Number(call.toolCallId.split("-")[1]),
        tool: "record-step",
        at: index,
    }));
    return {
        incidents: new Map(plan.escalations.map((escalation) => [escalation.callId, { triggerEvents: 1, opened: 1 }])),
        pagerDutyRequests: all.map(trigger),
        slackRequests: all.map(slack),
        escalationDeadLetters: plan.malformedBodies.map((body) => deadLetter(body, "InvalidMessageError")),
        toolCallDeadLetters: plan.unknownToolCalls.map((call) => deadLetter(JSON.stringify(call), "UnknownToolError", call.callId)),
        deadLetterCounts: { escalation: plan.malformedBodies.length, toolCall: plan.unknownToolCalls.length },
        queuedAtEnd: 0,
        toolRuns,
    };
}

/** `post` refused for good (the injector's 404), answered at `at`. */
function refusal(post: RecordedRequest, at: number): RecordedRequest {
    return { ...post, answeredStatus: 404, fault: "status", receivedAt: new Date(at).toISOString() };
}

/** The dead letter of a Slack post refused after the page. */
function slackFailedDeadLetter(body: string): DeadLetterEntry {
    return {
        messageId: `slack-failed-${body.length}`,
        body,
        receiveCount: 1,
        sentAt: "",
        originalAttributes: {},
        reason: {
            failureKind: "poison",
            errorClass: "SlackFailedAfterPageError",
            errorMessage: "paged; Slack failed: Slack rejected the request with HTTP 404: no_service",
            firstSeen: "",
            attempts: 1,
            handlerVersion: "t",
            sourceMessageId: "",
        },
    };
}

const SLACK_FAILED_REPLAYED =
    "every escalation whose Slack post was refused after the page dead-lettered as 'paged; Slack failed', and its replay posted to Slack only";

const NONE_LOST =
    "none lost: every message sent accounted for exactly once (processed, poison in the DLQ, dead-lettered with a reason, or a duplicate absorbed)";

const failedChecks = (observations: SoakObservations, plan: ReturnType<typeof planSoak>) =>
    checkSoak(plan, observations)
        .filter((check) => !check.passed)
        .map((check) => check.name);

describe("soak checks", () => {
    const plan = planSoak(200, { seed: 3, slowSleepMs: 10 });

    it("pass on a run where everything was accounted for", () => {
        assert.deepEqual(failedChecks(perfectRun(plan), plan), []);
    });

    it("catch an escalation that was never paged, and count it as lost", () => {
        // Prepare
        const run = perfectRun(plan);

        // Act
        const failed = failedChecks({ ...run, pagerDutyRequests: run.pagerDutyRequests.slice(1) }, plan);

        // Assess
        assert.deepEqual(failed, ["every valid escalation paged and posted to Slack exactly once", NONE_LOST]);
    });

    it("catch a second Slack post for one escalation", () => {
        // Prepare
        const run = perfectRun(plan);

        // Act
        const failed = failedChecks({ ...run, slackRequests: [...run.slackRequests, run.slackRequests[0]!] }, plan);

        // Assess
        assert.deepEqual(failed, ["every valid escalation paged and posted to Slack exactly once"]);
    });

    it("catch a second PagerDuty trigger for one escalation (a retry that re-ran a done step)", () => {
        // Prepare
        const run = perfectRun(plan);

        // Act
        const failed = failedChecks({ ...run, pagerDutyRequests: [...run.pagerDutyRequests, run.pagerDutyRequests[0]!] }, plan);

        // Assess
        assert.deepEqual(failed, ["every valid escalation paged and posted to Slack exactly once"]);
    });

    it("catch an oversized escalation whose PagerDuty event went out without its context capped", () => {
        // Prepare
        const run = perfectRun(plan);
        const oversizedId = deriveEscalationId(plan.oversizedEscalations[0]!);
        const pagerDutyRequests = run.pagerDutyRequests.map((request) => {
            const event = request.json as { payload: { custom_details: { escalationId: string } } };
            return event.payload.custom_details.escalationId === oversizedId
                ? { ...request, json: { ...event, payload: { custom_details: { escalationId: oversizedId } } } }
                : request;
        });

        // Act
        const failed = failedChecks({ ...run, pagerDutyRequests }, plan);

        // Assess
        assert.deepEqual(failed, [
            "every oversized escalation paged within PagerDuty's 512 KB, its context capped with a pointer to the payload in S3",
        ]);
    });

    it("catch a call whose incident was opened twice: a second page", () => {
        // Prepare
        const run = perfectRun(plan);
        const incidents = new Map(run.incidents);
        incidents.set(plan.escalations[0]!.callId, { triggerEvents: 2, opened: 2 });

        // Act
        const failed = failedChecks({ ...run, incidents }, plan);

        // Assess
        assert.deepEqual(failed, ["no second page: one incident per call, opened once"]);
    });

    it("accept a repeated Slack post whose first copy went out while the process was frozen", () => {
        // Prepare
        const run = perfectRun(plan);
        const repeat = { ...run.slackRequests[0]!, receivedAt: new Date(60_000).toISOString() };
        const observations = { ...run, slackRequests: [...run.slackRequests, repeat], freezeWindows: [{ startMs: -1000, endMs: 1000 }] };

        // Act
        const failed = checkSoak(plan, observations).filter((check) => !check.passed);

        // Assess
        assert.deepEqual(failed, []);
    });

    it("catch a 'paged; Slack failed' dead letter that was not replayed", () => {
        // Prepare: Slack refused the first escalation's post, and nothing was replayed
        const run = perfectRun(plan);
        const observations = { ...run, slackRequests: [refusal(run.slackRequests[0]!, 0), ...run.slackRequests] };

        // Act
        const failed = failedChecks({ ...observations, slackFailedReplays: { replayed: [], refusalsInjected: 1 } }, plan);

        // Assess
        assert.deepEqual(failed, [SLACK_FAILED_REPLAYED]);
    });

    it("pass when every Slack refusal came back as a 'paged; Slack failed' dead letter and was replayed", () => {
        // Prepare
        const run = perfectRun(plan);
        const [first] = plan.escalations;
        const observations = {
            ...run,
            slackRequests: [refusal(run.slackRequests[0]!, 0), ...run.slackRequests],
            slackFailedReplays: { replayed: [slackFailedDeadLetter(JSON.stringify(first))], refusalsInjected: 1 },
        };

        // Act
        const failed = failedChecks(observations, plan);

        // Assess
        assert.deepEqual(failed, []);
    });

    it("accept a Slack refusal answered to an attempt the freeze cut off past its deadline, with no dead letter, when the retry posted (mixed run 2)", () => {
        // Prepare: the refused post went out before the freeze and was answered as the process resumed; the attempt was
        // past its deadline, so it dead-lettered nothing, and its retry posted. The check counted this as a missing dead letter.
        const run = perfectRun(plan);
        const [post, ...others] = run.slackRequests;
        const observations = {
            ...run,
            slackRequests: [refusal(post!, 1_000), { ...post!, receivedAt: new Date(9_000).toISOString() }, ...others],
            slackFailedReplays: { replayed: [], refusalsInjected: 1 },
            freezeWindows: [{ startMs: -5_000, endMs: 1_000, cutOffUntilMs: 6_000 }],
        };

        // Act
        const checks = checkSoak(plan, observations);

        // Assess
        assert.deepEqual(
            [
                checks.filter((check) => !check.passed).map((check) => check.name),
                /1 refused in an attempt cut off \(frozen past its deadline/.test(
                    checks.find((check) => check.name === SLACK_FAILED_REPLAYED)!.detail,
                ),
            ],
            [[], true],
        );
    });

    it("catch a Slack refusal that left no dead letter outside any freeze or kill, even when a later retry posted", () => {
        // Prepare
        const run = perfectRun(plan);
        const [post, ...others] = run.slackRequests;
        const observations = {
            ...run,
            slackRequests: [refusal(post!, 20_000), { ...post!, receivedAt: new Date(29_000).toISOString() }, ...others],
            slackFailedReplays: { replayed: [], refusalsInjected: 1 },
            freezeWindows: [{ startMs: -5_000, endMs: 1_000, cutOffUntilMs: 6_000 }],
        };

        // Act
        const failed = failedChecks(observations, plan);

        // Assess
        assert.deepEqual(failed, [SLACK_FAILED_REPLAYED]);
    });

    it("catch an injected Slack refusal that no Slack post met", () => {
        // Prepare
        const run = perfectRun(plan);

        // Act
        const failed = failedChecks({ ...run, slackFailedReplays: { replayed: [], refusalsInjected: 1 } }, plan);

        // Assess
        assert.deepEqual(failed, [SLACK_FAILED_REPLAYED]);
    });

    it("accept a repeated Slack post in the kill scenario, where at-least-once delivery allows it", () => {
        // Prepare
        const run = perfectRun(plan);
        const observations = { ...run, slackRequests: [...run.slackRequests, run.slackRequests[0]!] };

        // Act
        const failed = checkSoak(plan, observations, { tolerateRepeats: true }).filter((check) => !check.passed);

        // Assess
        assert.deepEqual(failed, []);
    });

    it("accept a PagerDuty trigger repeated on a busy machine when the first answer came after the consumer had hung up (it gave up waiting)", () => {
        // Prepare: PagerDuty accepted the trigger, but the consumer had stopped waiting at its downstream timeout; its retry triggered again
        const run = perfectRun(plan);
        const [first, ...others] = run.pagerDutyRequests;
        const lateAnswer = { ...first!, answerReachedCaller: false };
        const retry = { ...first!, receivedAt: new Date(30_000).toISOString() };

        // Act
        const checks = checkSoak(plan, { ...run, pagerDutyRequests: [lateAnswer, retry, ...others] });

        // Assess
        assert.deepEqual(
            [
                checks.filter((check) => !check.passed).map((check) => check.name),
                /1 triggered PagerDuty again \(allowed: the consumer gave up waiting for the answer/.test(checks[0]!.detail),
            ],
            [[], true],
        );
    });

    it("accept one repeated Slack post per 'no answer within' the consumer logged for that escalation, and catch a second repeat with only one such log", () => {
        // Prepare: the caller read the answer too late to count it (its own timer fired first), and logged that it gave up
        const run = perfectRun(plan);
        const [first, ...others] = run.slackRequests;
        const escalationId = deriveEscalationId(plan.escalations[0]!);
        const at = (ms: number) => ({ ...first!, receivedAt: new Date(ms).toISOString() });
        const gaveUpOnce = { timedOutInvocations: [], gaveUpWaiting: [{ escalationId, downstream: "Slack" as const, at: 5_000 }] };

        // Act
        const once = failedChecks({ ...run, slackRequests: [at(1_000), at(20_000), ...others], cutOff: gaveUpOnce }, plan);
        const twice = failedChecks({ ...run, slackRequests: [at(1_000), at(20_000), at(40_000), ...others], cutOff: gaveUpOnce }, plan);
        const otherDownstream = failedChecks(
            {
                ...run,
                slackRequests: [at(1_000), at(20_000), ...others],
                cutOff: { timedOutInvocations: [], gaveUpWaiting: [{ ...gaveUpOnce.gaveUpWaiting[0]!, downstream: "PagerDuty" as const }] },
            },
            plan,
        );

        // Assess
        assert.deepEqual(
            [once, twice, otherDownstream],
            [
                [],
                ["every valid escalation paged and posted to Slack exactly once"],
                ["every valid escalation paged and posted to Slack exactly once"],
            ],
        );
    });

    it("accept a tool step run again after its invocation was stopped at the timeout while holding it, and catch one whose timed-out invocation held other steps", () => {
        // Prepare: the step ran at 1,000 ms inside an invocation the runtime stopped at its timeout (no record saved)
        const run = perfectRun(plan);
        const [firstRun, ...otherRuns] = run.toolRuns;
        const key = `${firstRun!.callId}/${firstRun!.toolCallId}`;
        const toolRuns = [{ ...firstRun!, at: 1_000 }, { ...firstRun!, at: 40_000 }, ...otherRuns];
        const timedOut = (keys: string[]) => ({ timedOutInvocations: [{ startMs: 0, endMs: 5_000, keys }], gaveUpWaiting: [] });

        // Act
        const holding = checkSoak(plan, { ...run, toolRuns, cutOff: timedOut([key]) });
        const notHolding = failedChecks({ ...run, toolRuns, cutOff: timedOut(["call-else/step-0"]) }, plan);

        // Assess
        assert.deepEqual(
            [
                holding.filter((check) => !check.passed).map((check) => check.name),
                /1 executed again \(allowed: its invocation was stopped at the function timeout/.test(
                    holding.find((check) => check.name === "every tool step executed exactly once")!.detail,
                ),
                notHolding,
            ],
            [[], true, ["every tool step executed exactly once"]],
        );
    });

    it("accept a poison message dead-lettered twice when an invocation stopped at the timeout held it (between the DLQ's answer and the forward's record)", () => {
        // Prepare
        const run = perfectRun(plan);
        const observations = repeatFirstEscalationDeadLetter(run);
        const body = run.escalationDeadLetters[0]!.body;

        // Act
        const failed = failedChecks(
            { ...observations, cutOff: { timedOutInvocations: [{ startMs: 0, endMs: 1, keys: [body] }], gaveUpWaiting: [] } },
            plan,
        );

        // Assess
        assert.deepEqual(failed, []);
    });

    it("catch a tool step that ran twice", () => {
        // Prepare
        const run = perfectRun(plan);

        // Act
        const failed = failedChecks({ ...run, toolRuns: [run.toolRuns[0]!, ...run.toolRuns] }, plan);

        // Assess
        assert.deepEqual(failed, ["every tool step executed exactly once"]);
    });

    it("catch a step that ran before an earlier step of its call", () => {
        // Prepare
        const run = perfectRun(plan);
        const [first, second, ...rest] = run.toolRuns;

        // Act
        const failed = failedChecks({ ...run, toolRuns: [second!, first!, ...rest] }, plan);

        // Assess
        assert.deepEqual(failed, ["order held within every FIFO group"]);
    });

    it("catch a poison message dead-lettered without its reason", () => {
        // Prepare
        const run = perfectRun(plan);
        const [first, ...rest] = run.escalationDeadLetters;

        // Act
        const failed = failedChecks({ ...run, escalationDeadLetters: [{ ...first!, reason: undefined }, ...rest] }, plan);

        // Assess
        assert.deepEqual(failed, ["every poison message in the DLQ with its reason", NONE_LOST]);
    });

    it("catch a poison message dead-lettered twice, as a second copy in the DLQ and a message counted twice", () => {
        // Prepare
        const run = perfectRun(plan);
        const observations = repeatFirstEscalationDeadLetter(run);

        // Act
        const failed = failedChecks(observations, plan);

        // Assess
        assert.deepEqual(failed, ["every poison message in the DLQ with its reason", NONE_LOST]);
    });

    it("accept a poison message dead-lettered twice in the kill scenario (killed between the DLQ's answer and the record of the forward), and report it", () => {
        // Prepare
        const run = perfectRun(plan);
        const observations = repeatFirstEscalationDeadLetter(run);

        // Act
        const checks = checkSoak(plan, observations, { tolerateRepeats: true });

        // Assess
        assert.deepEqual(
            [
                checks.filter((check) => !check.passed).map((check) => check.name),
                checks.filter((check) => /tolerated: killed between the DLQ's answer and the record of the forward/.test(check.detail))
                    .length,
            ],
            [[], 2],
        );
    });

    it("count a tool step that ran and was then dead-lettered once, and report it as counted twice", () => {
        // Prepare: the step ran, then its message was also dead-lettered (the old sum counted it twice)
        const run = perfectRun(plan);
        const step = plan.toolCalls[0]!;
        const deadLetter = { ...run.toolCallDeadLetters[0]!, messageId: "m-step", body: JSON.stringify(step), groupId: step.callId };

        // Act
        const noneLost = checkSoak(plan, {
            ...run,
            toolCallDeadLetters: [...run.toolCallDeadLetters, deadLetter],
            deadLetterCounts: { ...run.deadLetterCounts, toolCall: run.deadLetterCounts.toolCall + 1 },
        }).find((check) => check.name === NONE_LOST)!;

        // Assess: still 200 accounted (not 201), and the double is named
        assert.deepEqual(
            [noneLost.passed, noneLost.detail.includes(`(${plan.total});`), noneLost.detail.includes("counted twice")],
            [false, true, true],
        );
    });

    it("account for a tool step that failed for good and was dead-lettered with its reason, while the step check still fails", () => {
        // Prepare: the step never ran; its message is in the DLQ with a reason
        const run = perfectRun(plan);
        const step = plan.toolCalls[0]!;
        const deadLetter = { ...run.toolCallDeadLetters[0]!, messageId: "m-step", body: JSON.stringify(step), groupId: step.callId };
        const toolRuns = run.toolRuns.filter((toolRun) => !(toolRun.callId === step.callId && toolRun.toolCallId === step.toolCallId));

        // Act
        const failed = failedChecks(
            {
                ...run,
                toolRuns,
                toolCallDeadLetters: [...run.toolCallDeadLetters, deadLetter],
                deadLetterCounts: { ...run.deadLetterCounts, toolCall: run.deadLetterCounts.toolCall + 1 },
            },
            plan,
        );

        // Assess
        assert.deepEqual(failed, ["every poison message in the DLQ with its reason", "every tool step executed exactly once"]);
    });
});
