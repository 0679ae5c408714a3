import * as assert from "node:assert/strict";
import { createAlarmNotifier } from "../../handlers/alarms";
import { HandlerConfigError, DownstreamUnavailableError, InvalidMessageError } from "../../handlers/errors";
import { HandlerEnvironment } from "../../handlers/environment";

import { type FakeReceivers, startFakeReceivers } from "../../local/fake-receivers";
import { AlarmFixture, alarmEvent, alarmMessage, notifierFor } from "./helpers/alarm-fixtures";
import { TEST_ROUTING_KEY } from "../helpers/handler-fixtures";

describe("alarm notifier", () => {
    let receivers: FakeReceivers;

    before(async () => {
        receivers = await startFakeReceivers();
    });
    after(async () => {
        await receivers.close();
    });
    beforeEach(() => {
        receivers.pagerDuty.reset();
        receivers.slack.reset();
    });

    const pagerDutyEvents = () => receivers.pagerDuty.requests.map((request) => request.json as Record<string, unknown>);
    const slackTexts = () => receivers.slack.requests.map((request) => (request.json as { text: string }).text);

    it("triggers PagerDuty with the alarm's ARN as dedup_key when a paging alarm fires", async () => {
        // Prepare
        const notify = notifierFor(receivers);

        // Act
        await notify(alarmEvent(AlarmFixture.dlqDepthAlarm));

        // Assess
        const [trigger] = pagerDutyEvents();
        assert.deepEqual(
            [trigger?.routing_key, trigger?.event_action, trigger?.dedup_key],
            [TEST_ROUTING_KEY, "trigger", alarmMessage(AlarmFixture.dlqDepthAlarm).AlarmArn],
        );
        assert.equal(receivers.pagerDuty.requests[0]?.answeredStatus, 202);
    });

    it("posts the fired alarm to Slack saying the on-call was paged", async () => {
        // Prepare
        const notify = notifierFor(receivers);

        // Act
        await notify(alarmEvent(AlarmFixture.dlqDepthAlarm));

        // Assess
        assert.equal(slackTexts().length, 1);
        assert.match(
            slackTexts()[0]!,
            /^\[ALARM\] escalation-pipeline-prod-main-escalation-dlq-depth \(on-call paged\): Threshold Crossed/,
        );
    });

    it("keeps one incident while the alarm flaps through INSUFFICIENT_DATA and fires again", async () => {
        // Prepare
        const notify = notifierFor(receivers);

        // Act
        for (const fixture of [
            AlarmFixture.dlqDepthAlarm,
            AlarmFixture.dlqDepthInsufficientData,
            AlarmFixture.dlqDepthAlarmAgain,
            AlarmFixture.dlqDepthAlarm,
        ]) {
            await notify(alarmEvent(fixture));
        }

        // Assess
        const incidents = [...receivers.pagerDuty.incidents.values()];
        assert.equal(incidents.length, 1);
        assert.equal(incidents[0]?.dedupKey, alarmMessage(AlarmFixture.dlqDepthAlarm).AlarmArn);
        assert.equal(incidents[0]?.status, "triggered");
        assert.equal(incidents[0]?.triggerEvents, 3);
        assert.equal(receivers.pagerDuty.openings.length, 1);
    });

    it("opens a new incident when the alarm fires again after it was resolved, as PagerDuty does", async () => {
        // Prepare
        const notify = notifierFor(receivers);
        await notify(alarmEvent(AlarmFixture.dlqDepthAlarm));
        await notify(alarmEvent(AlarmFixture.dlqDepthOk));

        // Act
        await notify(alarmEvent(AlarmFixture.dlqDepthAlarm));

        // Assess
        assert.equal(receivers.pagerDuty.incidents.get(alarmMessage(AlarmFixture.dlqDepthAlarm).AlarmArn)?.opened, 2);
    });

    it("resolves the alarm's incident with the same routing key and dedup_key when it returns to OK", async () => {
        // Prepare
        const notify = notifierFor(receivers);
        await notify(alarmEvent(AlarmFixture.dlqDepthAlarm));
        await notify(alarmEvent(AlarmFixture.dlqDepthAlarmAgain));

        // Act
        await notify(alarmEvent(AlarmFixture.dlqDepthOk));

        // Assess
        const resolve = pagerDutyEvents().at(-1);
        assert.deepEqual(resolve, {
            routing_key: TEST_ROUTING_KEY,
            event_action: "resolve",
            dedup_key: alarmMessage(AlarmFixture.dlqDepthOk).AlarmArn,
        });
        assert.deepEqual(
            [...receivers.pagerDuty.incidents.values()].map((incident) => incident.status),
            ["resolved"],
        );
    });

    it("posts a recovered message to Slack when a paging alarm returns to OK", async () => {
        // Prepare
        const notify = notifierFor(receivers);

        // Act
        await notify(alarmEvent(AlarmFixture.dlqDepthOk));

        // Assess
        assert.match(
            slackTexts()[0]!,
            /^\[RECOVERED\] escalation-pipeline-prod-main-escalation-dlq-depth is OK again \(PagerDuty incident resolved\)/,
        );
    });

    it("ignores INSUFFICIENT_DATA: no PagerDuty event, no Slack post", async () => {
        // Prepare
        const notify = notifierFor(receivers);

        // Act
        const outcomes = await notify(alarmEvent(AlarmFixture.dlqDepthInsufficientData));

        // Assess
        assert.deepEqual(outcomes, ["ignored"]);
        assert.equal(receivers.pagerDuty.requests.length + receivers.slack.requests.length, 0);
    });

    it("does not post 'recovered' for a new alarm's first OK (from INSUFFICIENT_DATA)", async () => {
        // Prepare
        const notify = notifierFor(receivers);

        // Act
        const outcomes = await notify(alarmEvent(AlarmFixture.dlqDepthCreatedOk));

        // Assess
        assert.deepEqual(outcomes, ["resolved-quietly"]);
        assert.equal(receivers.slack.requests.length, 0);
    });

    it("only posts to Slack for an alarm routed to Slack: no PagerDuty event", async () => {
        // Prepare
        const notify = notifierFor(receivers);

        // Act
        await notify(alarmEvent(AlarmFixture.throttlesAlarm));
        await notify(alarmEvent(AlarmFixture.throttlesOk));

        // Assess
        assert.equal(receivers.pagerDuty.requests.length, 0);
        assert.equal(slackTexts().length, 2);
        assert.match(slackTexts()[0]!, /^\[ALARM\] escalation-pipeline-prod-main-escalation-function-throttles \(not paged\)/);
        assert.match(slackTexts()[1]!, /^\[RECOVERED\] escalation-pipeline-prod-main-escalation-function-throttles is OK again:/);
    });

    it("pages for an alarm missing from the routing table", async () => {
        // Prepare
        const notify = notifierFor(receivers, {});

        // Act
        await notify(alarmEvent(AlarmFixture.throttlesAlarm));

        // Assess
        assert.equal(pagerDutyEvents()[0]?.event_action, "trigger");
    });

    it("fails the invocation when PagerDuty is unavailable, before posting to Slack", async () => {
        // Prepare
        const notify = notifierFor(receivers);
        receivers.pagerDuty.failNext(1, { status: 503 });

        // Act
        const failure = await notify(alarmEvent(AlarmFixture.dlqDepthAlarm)).then(
            () => undefined,
            (error: unknown) => error,
        );

        // Assess
        assert.ok(failure instanceof DownstreamUnavailableError, String(failure));
        assert.equal(receivers.slack.requests.length, 0);
    });

    it("fails the invocation when Slack is unavailable, so Lambda retries it", async () => {
        // Prepare
        const notify = notifierFor(receivers);
        receivers.slack.failNext(1, { status: 500 });

        // Act
        const failure = await notify(alarmEvent(AlarmFixture.dlqDepthAlarm)).then(
            () => undefined,
            (error: unknown) => error,
        );

        // Assess
        assert.ok(failure instanceof DownstreamUnavailableError, String(failure));
    });

    it("keeps one incident when a retry after a Slack failure triggers again", async () => {
        // Prepare
        const notify = notifierFor(receivers);
        receivers.slack.failNext(1, { status: 500 });
        await notify(alarmEvent(AlarmFixture.dlqDepthAlarm)).catch(() => undefined);

        // Act
        await notify(alarmEvent(AlarmFixture.dlqDepthAlarm));

        // Assess
        assert.equal(receivers.pagerDuty.incidents.size, 1);
        assert.equal(receivers.slack.requests.filter((request) => request.answeredStatus === 200).length, 1);
    });

    it("rejects an SNS message that is not a CloudWatch alarm notification, naming the field", async () => {
        // Prepare
        const notify = notifierFor(receivers);
        const event = alarmEvent(AlarmFixture.dlqDepthAlarm);
        const message = JSON.parse(event.Records[0]!.Sns.Message) as Record<string, unknown>;
        event.Records[0]!.Sns.Message = JSON.stringify({ ...message, NewStateValue: "BROKEN" });

        // Act
        const failure = await notify(event).then(
            () => undefined,
            (error: unknown) => error,
        );

        // Assess
        assert.ok(failure instanceof InvalidMessageError, String(failure));
        assert.match(failure.message, /'NewStateValue'.*"BROKEN" given/);
    });

    it("accepts an alarm without a description, as CloudWatch sends it (AlarmDescription null)", async () => {
        // Prepare
        const notify = notifierFor(receivers);
        const event = alarmEvent(AlarmFixture.dlqDepthAlarm);
        const message = JSON.parse(event.Records[0]!.Sns.Message) as Record<string, unknown>;
        event.Records[0]!.Sns.Message = JSON.stringify({ ...message, AlarmDescription: null });

        // Act
        const outcomes = await notify(event);

        // Assess
        assert.deepEqual(outcomes, ["paged"]);
    });

    it("sends PagerDuty the alarm's state change time in ISO 8601 and its dimensions", async () => {
        // Prepare
        const notify = notifierFor(receivers);

        // Act
        await notify(alarmEvent(AlarmFixture.dlqDepthAlarm));

        // Assess
        const payload = pagerDutyEvents()[0]?.payload as { timestamp: string; custom_details: { dimensions: Record<string, string> } };
        assert.equal(payload.timestamp, "2026-12-01T08:05:31.572Z");
        assert.deepEqual(payload.custom_details.dimensions, { QueueName: "escalation-pipeline-prod-main-escalations-dlq" });
    });

    it("refuses to start with a routing table whose route is neither page nor slack", () => {
        // Prepare
        const environment = {
            [HandlerEnvironment.pagerDutyRoutingKeyParameter]: "/p/key",
            [HandlerEnvironment.slackWebhookUrlParameter]: "/p/slack",
            [HandlerEnvironment.alarmRoutes]: JSON.stringify({ "some-alarm": "email" }),
        };

        // Act
        const start = () => createAlarmNotifier({ environment, secrets: { get: async () => "" } });

        // Assess
        assert.throws(
            start,
            (error: unknown) =>
                error instanceof HandlerConfigError &&
                /'ALARM_ROUTES' entry 'some-alarm' must be "page" or "slack", "email" given/.test(error.message),
        );
    });
});
