/**
 * The escalation lane's delivery guarantees under partial failure (issue 9): one `it` per fault,
 * each running the real consumer factory on fauxqs and dynalite against the loopback PagerDuty
 * (which keeps incident state per dedup_key) and Slack, and asserting the exact outcome: PagerDuty
 * events and incidents, Slack posts, DLQ contents, what went back to the queue.
 */
import { strict as assert } from "node:assert";
import { FullBatchFailureError } from "@aws-lambda-powertools/batch";
import type { Message } from "@aws-sdk/client-sqs";
import type { Context, SQSEvent } from "aws-lambda";
import { createEscalationConsumer } from "../../handlers/escalation/escalation-consumer";
import { MAX_PAGERDUTY_EVENT_BYTES } from "../../handlers/escalation/pager-duty";
import { deadLetterRecordOf } from "../../handlers/failures/dead-letter";
import { emitEscalation } from "../../handlers/producer";
import { redriveByCopy } from "../../local/dlq/redrive";
import type { RecordedRequest } from "../../local/fake-receivers";
import { freezeFor, thawClock } from "../helpers/frozen-clock";
import { createLane, inflightDeadline, silentLogger, type Harness, type LaneFixture, useHarness } from "../helpers/handler-fixtures";
import { escalation } from "../helpers/messages";
import { lambdaContext, onAttempt, queueArnOf } from "../helpers/sqs-events";

/** The function timeout of the freeze case: 20 s, frozen for 25 s. */
const FUNCTION_TIMEOUT_MS = 20_000;
const FREEZE_MS = 25_000;

describe("escalation delivery under faults", function () {
    this.timeout(30_000);
    let harness: Harness;
    let lane: LaneFixture;

    useHarness((started) => (harness = started));
    beforeEach(async () => {
        lane = await createLane(harness, { maxReceiveCount: 3, visibilityTimeoutSeconds: 60, backoffTiersSeconds: [1, 2, 3] });
    });
    afterEach(() => thawClock());

    /** One execution environment of the consumer (each call is a separate one, as two Lambda instances are). */
    const environment = (downstreamTimeoutMs = 5000) =>
        createEscalationConsumer({ environment: lane.environment, secrets: lane.secrets, logger: silentLogger(), downstreamTimeoutMs });
    const invocation = (): Context => lambdaContext("escalation-pager", FUNCTION_TIMEOUT_MS);

    const emit = (...inputs: Parameters<typeof escalation>[0][]) =>
        emitEscalation(
            { sqs: harness.sqs, queueUrl: lane.queueUrl, s3: harness.s3, payloadBucketName: lane.bucketName },
            inputs.map((input) => escalation(input)),
        );

    /** Receives one message and runs it through `handle` as its own batch, deleting it if handled, as the event source mapping does. */
    async function deliverOne(handle = environment()): Promise<SQSEvent> {
        const event = await lane.receiveEvent(1);
        assert.equal(event.Records.length, 1, "a message to deliver");
        await lane.acknowledge(event, await handle(event, invocation()));
        return event;
    }

    const pagerDutyTriggers = () => harness.receivers.pagerDuty.requests.filter((request) => eventOf(request).event_action === "trigger");
    const slackPosts = () => harness.receivers.slack.requests.filter((request) => request.answeredStatus === 200);
    const slackTexts = () => slackPosts().map((request) => (request.json as { text: string }).text);
    const reasonOf = (dead: Message | undefined) => {
        const reason = dead === undefined ? undefined : deadLetterRecordOf(dead);
        return { kind: reason?.kind, errorClass: reason?.errorClass, errorMessage: reason?.errorMessage };
    };

    async function resolveIncident(dedupKey: string): Promise<void> {
        const response = await fetch(harness.receivers.pagerDuty.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ routing_key: "on-call", event_action: "resolve", dedup_key: dedupKey }),
        });
        assert.equal(response.status, 202);
    }

    describe("escalation identity (item 1)", () => {
        it("delivers a second, different escalation of the same call: the open incident is updated and Slack gets its own post", async () => {
            // Prepare
            const { escalationIds } = await emit(
                { callId: "call-A", severity: "warning", reason: "caller is annoyed" },
                { callId: "call-A", severity: "critical", reason: "caller now mentions self-harm" },
            );

            // Act
            await deliverOne();
            await deliverOne();

            // Assess
            const incident = harness.receivers.pagerDuty.incidents.get("call-A");
            assert.notEqual(escalationIds[0], escalationIds[1]);
            assert.deepEqual(
                [pagerDutyTriggers().map((request) => eventOf(request).dedup_key), incident?.opened, incident?.status, incident?.severity],
                [["call-A", "call-A"], 1, "triggered", "critical"],
            );
            assert.deepEqual(
                slackTexts().sort(),
                [
                    `[CRITICAL] Call call-A needs a human: caller now mentions self-harm (escalation ${escalationIds[1]})`,
                    `[WARNING] Call call-A needs a human: caller is annoyed (escalation ${escalationIds[0]})`,
                ].sort(),
            );
            assert.deepEqual(await lane.receiveDeadLetters(), []);
        });

        it("re-opens the call's incident when a new escalation arrives after the on-call resolved it", async () => {
            // Prepare
            await emit({ callId: "call-B", severity: "warning", reason: "caller is annoyed" });
            await deliverOne();
            await resolveIncident("call-B");
            await emit({ callId: "call-B", severity: "critical", reason: "caller now mentions self-harm" });

            // Act
            await deliverOne();

            // Assess
            const incident = harness.receivers.pagerDuty.incidents.get("call-B");
            assert.deepEqual(
                [incident?.opened, incident?.status, harness.receivers.pagerDuty.openings.length, slackPosts().length],
                [2, "triggered", 2, 2],
            );
        });

        it("keeps the escalation id on a resend of the same escalation, which pages and posts once", async () => {
            // Prepare: the producer retries a send it could not confirm (same input, no occurredAt)
            const first = await emit({ callId: "call-C", reason: "caller asked for a human" });
            const resent = await emit({ callId: "call-C", reason: "caller asked for a human" });

            // Act
            await deliverOne();
            const duplicate = await deliverOne();

            // Assess
            assert.equal(resent.escalationIds[0], first.escalationIds[0]);
            assert.equal(JSON.parse(duplicate.Records[0]!.body).escalationId, first.escalationIds[0]);
            assert.deepEqual([pagerDutyTriggers().length, slackPosts().length, (await lane.receiveDeadLetters()).length], [1, 1, 0]);
        });
    });

    describe("per-step completion records (item 2)", () => {
        it("retries only the Slack post after Slack answered 503 once PagerDuty paged: a resolved incident stays resolved", async () => {
            // Prepare
            await emit({ callId: "call-D" });
            const [record] = (await lane.receiveEvent(1)).Records;
            harness.receivers.slack.failNext(1, { status: 503 });
            const handle = environment();
            await assert.rejects(handle({ Records: [record!] }, invocation()), FullBatchFailureError);
            await resolveIncident("call-D");

            // Act
            const retry = await handle({ Records: [onAttempt(record!, 2)] }, invocation());

            // Assess
            const incident = harness.receivers.pagerDuty.incidents.get("call-D");
            assert.deepEqual(retry, { batchItemFailures: [] });
            assert.deepEqual([pagerDutyTriggers().length, incident?.status, incident?.opened, slackPosts().length], [1, "resolved", 1, 1]);
        });

        it("dead-letters a message whose Slack post is refused after the page, marked 'paged; Slack failed: <reason>'", async () => {
            // Prepare
            await emit({ callId: "call-E" });
            harness.receivers.slack.failNext(1, { status: 404, body: "no_service" });

            // Act
            await deliverOne();

            // Assess
            const deadLetters = await lane.receiveDeadLetters();
            assert.equal(deadLetters.length, 1);
            assert.deepEqual(reasonOf(deadLetters[0]), {
                kind: "poison",
                errorClass: "SlackFailedAfterPageError",
                errorMessage: "paged; Slack failed: Slack rejected the request with HTTP 404: no_service",
            });
            assert.equal(pagerDutyTriggers().length, 1);
        });

        it("posts to Slack only when that dead letter is replayed", async () => {
            // Prepare
            await emit({ callId: "call-F" });
            harness.receivers.slack.failNext(1, { status: 404, body: "no_service" });
            await deliverOne();
            const deadLetterQueueName = lane.deadLetterQueueUrl.slice(lane.deadLetterQueueUrl.lastIndexOf("/") + 1);
            const redrive = await redriveByCopy(harness.sqs, {
                deadLetterQueueUrl: lane.deadLetterQueueUrl,
                deadLetterQueueArn: queueArnOf(deadLetterQueueName),
                sourceQueueUrl: lane.queueUrl,
                sourceQueueArn: lane.queueArn,
            });

            // Act
            await deliverOne();

            // Assess
            assert.equal(redrive.moved.length, 1);
            assert.deepEqual(
                [pagerDutyTriggers().length, harness.receivers.pagerDuty.incidents.get("call-F")?.opened, slackPosts().length],
                [1, 1, 1],
            );
            assert.deepEqual(await lane.receiveDeadLetters(), []);
        });

        it("puts a delayed fresh copy back, instead of dead-lettering, when Slack fails on SQS's last receive with attempts to spare", async () => {
            // Prepare: earlier receives were handed back unstarted near the deadline (not attempts); this one is SQS's last
            await emit({ callId: "call-G2" });
            const [record] = (await lane.receiveEvent(1)).Records;
            harness.receivers.slack.failNext(1, { status: 503 });

            // Act
            const last = await environment()({ Records: [onAttempt(record!, 3)] }, invocation());
            await lane.acknowledge({ Records: [record!] }, last);
            const copy = await lane.receiveEvent(1, 5);
            await lane.acknowledge(copy, await environment()(copy, invocation()));

            // Assess: acknowledged, nothing dead-lettered; the copy posted to Slack only
            assert.deepEqual(last, { batchItemFailures: [] });
            assert.deepEqual(
                [copy.Records.length, pagerDutyTriggers().length, slackPosts().length, await lane.receiveDeadLetters()],
                [1, 1, 1, []],
            );
        });

        it("dead-letters as exhausted, marked paged, when Slack is still down on the last attempt", async () => {
            // Prepare
            await emit({ callId: "call-G" });
            const [record] = (await lane.receiveEvent(1)).Records;
            harness.receivers.slack.failNext(3, { status: 503 });
            const handle = environment();
            for (const attempt of [1, 2]) {
                await assert.rejects(handle({ Records: [onAttempt(record!, attempt)] }, invocation()), FullBatchFailureError);
            }

            // Act
            const last = await handle({ Records: [onAttempt(record!, 3)] }, invocation());

            // Assess
            const deadLetters = await lane.receiveDeadLetters();
            assert.deepEqual(last, { batchItemFailures: [] });
            assert.deepEqual(
                [deadLetters.length, reasonOf(deadLetters[0]).kind, reasonOf(deadLetters[0]).errorClass, pagerDutyTriggers().length],
                [1, "exhausted", "SlackUnavailableAfterPageError", 1],
            );
            assert.match(reasonOf(deadLetters[0]).errorMessage ?? "", /^paged; Slack failed: Slack is unavailable: HTTP 503/);
        });
    });

    describe("two instances holding one message (item 3)", () => {
        it("returns a message another instance is delivering to the queue after the first backoff tier: no attempt used up, nothing dead-lettered", async () => {
            // Prepare: instance A is waiting for a slow PagerDuty when instance B receives the same message
            await emit({ callId: "call-H" });
            const [record] = (await lane.receiveEvent(1)).Records;
            harness.receivers.pagerDuty.failNext(1, { hangMs: 500 });
            const holder = environment()({ Records: [record!] }, invocation());
            await waitFor(() => pendingRequests(harness) > 0);

            // Act
            const before = Date.now();
            const second = environment()({ Records: [onAttempt(record!, 2)] }, invocation());
            await assert.rejects(second, FullBatchFailureError);
            const returnedInSeconds = Math.round(((await inflightDeadline(harness, lane.queueUrl, record!.messageId))! - before) / 1000);
            const held = await holder;

            // Assess
            assert.deepEqual([held, returnedInSeconds], [{ batchItemFailures: [] }, 1]);
            assert.deepEqual([pagerDutyTriggers().length, slackPosts().length, (await lane.receiveDeadLetters()).length], [1, 1, 0]);
        });

        it("on its last receive, puts a delayed copy back instead of dead-lettering it, and the copy is absorbed once the holder delivered", async () => {
            // Prepare
            await emit({ callId: "call-I" });
            const [record] = (await lane.receiveEvent(1)).Records;
            harness.receivers.pagerDuty.failNext(1, { hangMs: 500 });
            const holder = environment()({ Records: [record!] }, invocation());
            await waitFor(() => pendingRequests(harness) > 0);

            // Act
            const last = await environment()({ Records: [onAttempt(record!, 3)] }, invocation());
            await lane.acknowledge({ Records: [record!] }, await holder);
            const copy = await lane.receiveEvent(1, 3);
            const copyResponse = await environment()(copy, invocation());

            // Assess
            assert.deepEqual(last, { batchItemFailures: [] });
            assert.deepEqual([copy.Records.length, copy.Records[0]?.body, copyResponse], [1, record!.body, { batchItemFailures: [] }]);
            assert.deepEqual([pagerDutyTriggers().length, slackPosts().length, (await lane.receiveDeadLetters()).length], [1, 1, 0]);
        });

        it("pages and posts each of ten different escalations once when one batch runs them side by side", async () => {
            // Prepare
            await emit(...Array.from({ length: 10 }, (_, index) => ({ callId: `call-batch-${index}` })));
            const event = await lane.receiveEvent(10);
            const more = event.Records.length < 10 ? await lane.receiveEvent(10 - event.Records.length) : { Records: [] };
            const batch = { Records: [...event.Records, ...more.Records] };

            // Act
            const response = await environment()(batch, invocation());

            // Assess: the two steps' records never mix, however the calls interleave
            assert.deepEqual([batch.Records.length, response], [10, { batchItemFailures: [] }]);
            assert.deepEqual([pagerDutyTriggers().length, slackPosts().length], [10, 10]);
        });

        it("delivers once when both copies of a resend arrive in one batch and run side by side", async () => {
            // Prepare
            await emit({ callId: "call-J" }, { callId: "call-J" });
            const event = await lane.receiveEvent(2);
            assert.equal(event.Records.length, 2);

            // Act
            const response = await environment()(event, invocation());
            await lane.acknowledge(event, response);
            const returned = await lane.receiveEvent(1, 3);
            await lane.acknowledge(returned, await environment()(returned, invocation()));

            // Assess: one copy delivered, the other returned once and then absorbed as a duplicate
            assert.deepEqual([response.batchItemFailures.length, returned.Records.length], [1, 1]);
            assert.deepEqual([pagerDutyTriggers().length, slackPosts().length, (await lane.receiveDeadLetters()).length], [1, 1, 0]);
        });
    });

    describe("crash and freeze windows (item 4)", () => {
        it("gives no second page and one Slack post when the process froze 25 s (past its 20 s timeout) during the PagerDuty call", async () => {
            // Prepare: instance A sent the trigger; then its process froze
            await emit({ callId: "call-K" });
            const [record] = (await lane.receiveEvent(1)).Records;
            harness.receivers.pagerDuty.failNext(1, { hangMs: 400 });
            const frozen = environment()({ Records: [record!] }, invocation());
            await waitFor(() => pendingRequests(harness) > 0);
            freezeFor(FREEZE_MS);

            // Act: the message came back (visibility ran out during the freeze) and instance B delivers it; then A resumes
            const successor = await environment()({ Records: [onAttempt(record!, 2)] }, invocation());
            await assert.rejects(frozen, FullBatchFailureError);

            // Assess: PagerDuty folded both triggers into the one open incident; A stopped before Slack
            const incident = harness.receivers.pagerDuty.incidents.get("call-K");
            assert.deepEqual(successor, { batchItemFailures: [] });
            assert.deepEqual(
                [pagerDutyTriggers().length, incident?.opened, harness.receivers.pagerDuty.openings.length, slackPosts().length],
                [2, 1, 1, 1],
            );
            assert.deepEqual(await lane.receiveDeadLetters(), []);
        });

        it("adds no duplicate dead letter when the process froze 25 s past its timeout before dead-lettering", async () => {
            // Prepare: A paged, then froze while Slack was refusing its post
            await emit({ callId: "call-L" });
            const [record] = (await lane.receiveEvent(1)).Records;
            harness.receivers.slack.failNext(1, { hangMs: 400, status: 404, body: "no_service" });
            harness.receivers.slack.failNext(1, { status: 404, body: "no_service" });
            const frozen = environment()({ Records: [record!] }, invocation());
            await waitFor(() => pendingRequests(harness) > 0);
            freezeFor(FREEZE_MS);

            // Act
            const successor = await environment()({ Records: [onAttempt(record!, 2)] }, invocation());
            await assert.rejects(frozen, FullBatchFailureError);

            // Assess
            const deadLetters = await lane.receiveDeadLetters();
            assert.deepEqual(successor, { batchItemFailures: [] });
            assert.deepEqual(
                [deadLetters.length, reasonOf(deadLetters[0]).errorClass, pagerDutyTriggers().length],
                [1, "SlackFailedAfterPageError", 1],
            );
        });

        it("leaves no dead letter when Slack's refusal reaches an attempt frozen past its deadline, and its retry posts to Slack once", async () => {
            // Prepare: A paged and sent its Slack post; Slack refuses it for good, but the answer comes after a freeze
            // past A's timeout (the soak's mixed run 2: one refusal injected, no dead letter)
            await emit({ callId: "call-L2" });
            const [record] = (await lane.receiveEvent(1)).Records;
            harness.receivers.slack.failNext(1, { hangMs: 400, status: 404, body: "no_service" });
            const frozen = environment()({ Records: [record!] }, invocation());
            await waitFor(() => pendingRequests(harness) > 0);
            freezeFor(FREEZE_MS);

            // Act: A resumes past its deadline and gets the refusal; the message comes back and the retry finds Slack back
            await assert.rejects(frozen, FullBatchFailureError);
            const retry = await environment()({ Records: [onAttempt(record!, 2)] }, invocation());

            // Assess: the refused attempt had no outcome (nothing may be dead-lettered past the deadline); the retry posted
            assert.deepEqual(retry, { batchItemFailures: [] });
            assert.deepEqual(
                [
                    harness.receivers.slack.requests.map((request) => request.answeredStatus),
                    pagerDutyTriggers().length,
                    await lane.receiveDeadLetters(),
                ],
                [[404, 200], 1, []],
            );
        });

        it("still posts to Slack twice when Slack accepted a post but answered after the downstream timeout (the window the README names)", async () => {
            // Prepare
            await emit({ callId: "call-M" });
            const [record] = (await lane.receiveEvent(1)).Records;
            harness.receivers.slack.failNext(1, { hangMs: 300 });
            const handle = environment(100);

            // Act
            await assert.rejects(handle({ Records: [record!] }, invocation()), FullBatchFailureError);
            await waitFor(() => harness.receivers.slack.requests.length === 1);
            await handle({ Records: [onAttempt(record!, 2)] }, invocation());

            // Assess: PagerDuty is not repeated (its step was done); Slack is
            assert.deepEqual([pagerDutyTriggers().length, slackPosts().length], [1, 2]);
        });
    });

    describe("PagerDuty's 512 KB event limit (item 9)", () => {
        it("caps custom_details of an offloaded 625 KB escalation under 512 KB, with a pointer to the full payload", async () => {
            // Prepare
            const transcript = "caller: I need to talk to a person. ".repeat(18_000);
            const report = await emit({ callId: "call-N", context: { transcript } });
            assert.equal(report.offloadedPayloads, 1);

            // Act
            await deliverOne();

            // Assess
            const [trigger] = pagerDutyTriggers();
            const details = eventOf(trigger!).payload.custom_details;
            assert.ok(JSON.stringify({ transcript }).length > 625_000);
            assert.ok(Buffer.byteLength(trigger!.body) <= MAX_PAGERDUTY_EVENT_BYTES, `${Buffer.byteLength(trigger!.body)} bytes`);
            assert.deepEqual(
                [
                    trigger!.answeredStatus,
                    details.callId,
                    details.contextTruncated,
                    details.contextBytes,
                    String(details.fullPayload).startsWith(`s3://${lane.bucketName}/escalation.requested/`),
                ],
                [202, "call-N", true, Buffer.byteLength(JSON.stringify({ transcript })), true],
            );
            assert.equal(slackPosts().length, 1);
        });

        it("sends a context that fits within 512 KB whole", async () => {
            // Prepare: an event of 500 KB
            const transcript = "x".repeat(500 * 1024);
            await emit({ callId: "call-O", context: { transcript } });

            // Act
            await deliverOne();

            // Assess
            const [trigger] = pagerDutyTriggers();
            const details = eventOf(trigger!).payload.custom_details;
            assert.deepEqual(
                [trigger!.answeredStatus, details.transcript === transcript, details.contextTruncated],
                [202, true, undefined],
            );
        });
    });
});

interface TriggerEvent {
    readonly event_action: string;
    readonly dedup_key: string;
    readonly payload: { readonly custom_details: Record<string, unknown> };
}

function eventOf(request: RecordedRequest): TriggerEvent {
    return request.json as TriggerEvent;
}

/** Requests the loopback receivers hold unanswered (a hang fault): the call went out and is waiting. */
function pendingRequests(harness: Harness): number {
    return harness.receivers.pagerDuty.held() + harness.receivers.slack.held();
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) {
            throw new Error("condition not met in time");
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}
