import * as assert from "node:assert/strict";
import { PAGERDUTY_MAX_EVENT_BYTES, startFakeReceivers, type FakeReceivers, type RecordedRequest } from "../../local/fake-receivers";

async function post(url: string, body: unknown, timeoutMs = 2000): Promise<{ status: number; text: string }> {
    const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, text: await response.text() };
}

const trigger = (dedupKey: string) => ({
    routing_key: "routing-key",
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: { summary: "a human must look", source: "agent", severity: "critical" },
});

describe("fake receivers", () => {
    let receivers: FakeReceivers;
    const seen: RecordedRequest[] = [];

    before(async () => {
        receivers = await startFakeReceivers({ onRequest: (request) => seen.push(request) });
    });
    after(async () => {
        await receivers.close();
    });
    beforeEach(() => {
        receivers.pagerDuty.reset();
        receivers.slack.reset();
        seen.length = 0;
    });

    it("answers a PagerDuty trigger with 202 and the dedup key", async () => {
        // Act
        const answer = await post(receivers.pagerDuty.url, trigger("call-1"));

        // Assess
        assert.equal(answer.status, 202);
        assert.deepEqual(JSON.parse(answer.text), { status: "success", message: "Event processed", dedup_key: "call-1" });
    });

    it("records every PagerDuty request but counts one incident per dedup key", async () => {
        // Act
        await post(receivers.pagerDuty.url, trigger("call-2"));
        await post(receivers.pagerDuty.url, trigger("call-2"));

        // Assess
        assert.equal(receivers.pagerDuty.requests.length, 2);
        assert.equal(receivers.pagerDuty.incidents.size, 1);
        assert.equal(receivers.pagerDuty.incidents.get("call-2")?.triggerEvents, 2);
    });

    it("rejects a PagerDuty event without a severity with 400 naming the field", async () => {
        // Prepare
        const event = { ...trigger("call-3"), payload: { summary: "s", source: "agent" } };

        // Act
        const answer = await post(receivers.pagerDuty.url, event);

        // Assess
        assert.equal(answer.status, 400);
        assert.match(answer.text, /payload\.severity/);
    });

    it("resolves an incident on a resolve event for its dedup key", async () => {
        // Prepare
        await post(receivers.pagerDuty.url, trigger("call-4"));

        // Act
        await post(receivers.pagerDuty.url, { routing_key: "routing-key", event_action: "resolve", dedup_key: "call-4" });

        // Assess
        assert.equal(receivers.pagerDuty.incidents.get("call-4")?.status, "resolved");
    });

    it("opens a new incident when a trigger arrives for a resolved dedup key, and folds triggers into an open one", async () => {
        // Prepare
        await post(receivers.pagerDuty.url, trigger("call-reopen"));
        await post(receivers.pagerDuty.url, trigger("call-reopen"));
        await post(receivers.pagerDuty.url, { routing_key: "routing-key", event_action: "resolve", dedup_key: "call-reopen" });

        // Act
        await post(receivers.pagerDuty.url, trigger("call-reopen"));

        // Assess
        const incident = receivers.pagerDuty.incidents.get("call-reopen");
        assert.deepEqual(
            [incident?.status, incident?.opened, incident?.triggerEvents, receivers.pagerDuty.openings.length],
            ["triggered", 2, 3, 2],
        );
    });

    it("refuses an event over PagerDuty's 512 KB limit with 400 and opens no incident", async () => {
        // Prepare
        const event = {
            ...trigger("call-huge"),
            payload: { ...trigger("call-huge").payload, custom_details: { blob: "x".repeat(PAGERDUTY_MAX_EVENT_BYTES) } },
        };

        // Act
        const answer = await post(receivers.pagerDuty.url, event);

        // Assess
        assert.deepEqual([answer.status, receivers.pagerDuty.incidents.size], [400, 0]);
        assert.match(answer.text, /over the 512 KB limit/);
    });

    it("accepts an event of exactly 512 KB", async () => {
        // Prepare
        const base = { ...trigger("call-limit"), payload: { ...trigger("call-limit").payload, custom_details: { blob: "" } } };
        const padding = PAGERDUTY_MAX_EVENT_BYTES - Buffer.byteLength(JSON.stringify(base));
        const event = { ...base, payload: { ...base.payload, custom_details: { blob: "x".repeat(padding) } } };

        // Act
        const answer = await post(receivers.pagerDuty.url, event);

        // Assess
        assert.deepEqual([Buffer.byteLength(JSON.stringify(event)), answer.status], [PAGERDUTY_MAX_EVENT_BYTES, 202]);
    });

    it("answers a hung request with the fault's status once the hang is over", async () => {
        // Prepare
        receivers.slack.failNext(1, { hangMs: 100, status: 404, body: "no_service" });

        // Act
        const answer = await post(receivers.slack.url, { text: "hello" });

        // Assess
        assert.deepEqual([answer.status, answer.text, receivers.slack.requests[0]?.fault], [404, "no_service", "hang"]);
    });

    it("answers a Slack webhook post with 200 ok", async () => {
        // Act
        const answer = await post(receivers.slack.url, { text: "hello" });

        // Assess
        assert.deepEqual(answer, { status: 200, text: "ok" });
    });

    it("fails exactly the next N requests with the injected status", async () => {
        // Prepare
        receivers.slack.failNext(2, { status: 500 });

        // Act
        const statuses = [];
        for (let index = 0; index < 3; index++) {
            statuses.push((await post(receivers.slack.url, { text: "x" })).status);
        }

        // Assess
        assert.deepEqual(statuses, [500, 500, 200]);
    });

    it("holds a hung request past the caller's timeout and still processes it", async () => {
        // Prepare
        receivers.pagerDuty.failNext(1, { hangMs: 300 });

        // Act
        await assert.rejects(post(receivers.pagerDuty.url, trigger("call-5"), 50));
        await new Promise((resolve) => setTimeout(resolve, 400));

        // Assess: processed, and recorded as an answer the caller never got
        assert.deepEqual(
            [
                receivers.pagerDuty.incidents.get("call-5")?.triggerEvents,
                receivers.pagerDuty.requests.map((request) => request.answerReachedCaller),
            ],
            [1, [false]],
        );
    });

    it("records an answer written while the caller still waited as reaching it", async () => {
        // Act
        await post(receivers.pagerDuty.url, trigger("call-6"));

        // Assess
        assert.deepEqual(
            receivers.pagerDuty.requests.map((request) => request.answerReachedCaller),
            [true],
        );
    });

    it("calls onRequest with each answered request", async () => {
        // Act
        await post(receivers.slack.url, { text: "logged" });

        // Assess
        assert.deepEqual(
            seen.map((request) => [request.receiver, request.answeredStatus, (request.json as { text: string }).text]),
            [["slack", 200, "logged"]],
        );
    });

    it("refuses a fault count below one with a clear error", () => {
        assert.throws(() => receivers.slack.failNext(0, { status: 500 }), /'count' must be a whole number >= 1, 0 given/);
    });
});
