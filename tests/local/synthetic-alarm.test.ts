import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import * as assert from "node:assert/strict";
import { parseAlarmNotification } from "../../handlers/alarms";
import type { LocalFunction } from "../../local/lambda/local-function";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime";
import { fireSyntheticAlarm, startLocalAlarmNotifier, syntheticAlarmEvent } from "../../local/synthetic-alarm";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";

describe("synthetic alarm in the local runtime (npm run alarm)", function () {
    this.timeout(60_000);
    let runtime: LocalRuntime;
    let notifier: LocalFunction;

    before(async () => {
        const settings = resolvePipelineSettings({
            escalation: { alarms: { deadLetterQueueDepthMinutes: 1 }, maximumMessageSizeBytes: 1_048_576 },
            toolCall: { provisionedPollers: { minimumPollers: 2, maximumPollers: 10 }, reservedConcurrency: 10 },
        });
        runtime = await startLocalRuntime({ settings, namePrefix: "alarm-test", startConsumers: false });
        notifier = startLocalAlarmNotifier(runtime);
    });
    after(async () => {
        await notifier.stop();
        await runtime.stop();
    });
    beforeEach(() => {
        runtime.receivers.pagerDuty.reset();
        runtime.receivers.slack.reset();
    });

    it("builds a notification the notifier accepts as CloudWatch's, for the lane's own alarm", () => {
        const event = syntheticAlarmEvent(runtime, { lane: "toolCall", kind: "functionErrors", state: "ALARM", previousState: "OK" });

        const alarm = parseAlarmNotification(event.Records[0]!);

        assert.equal(alarm.AlarmName, "alarm-test-tool-call-function-errors");
        assert.deepEqual(alarm.Trigger?.Dimensions, [{ name: "FunctionName", value: "alarm-test-tool-executor" }]);
    });

    it("opens a PagerDuty incident keyed by the alarm ARN and resolves it when the alarm recovers", async () => {
        const run = await fireSyntheticAlarm(runtime, notifier, { lane: "escalation", kind: "deadLetterQueueDepth" });

        assert.deepEqual([run.fired.kind, run.recovered?.kind], ["success", "success"]);
        assert.equal(runtime.receivers.pagerDuty.incidents.get(run.alarmArn)?.status, "resolved");
        assert.deepEqual(
            runtime.receivers.slack.requests.map((request) => (request.json as { text: string }).text.split(" ")[0]),
            ["[ALARM]", "[RECOVERED]"],
        );
    });

    it("leaves the incident open with --no-recover", async () => {
        const run = await fireSyntheticAlarm(runtime, notifier, { lane: "escalation", kind: "oldestMessageAge", recover: false });

        assert.equal(runtime.receivers.pagerDuty.incidents.get(run.alarmArn)?.status, "triggered");
    });

    it("only posts to Slack for an alarm routed to Slack", async () => {
        await fireSyntheticAlarm(runtime, notifier, { lane: "toolCall", kind: "functionThrottles" });

        assert.equal(runtime.receivers.pagerDuty.requests.length, 0);
        assert.equal(runtime.receivers.slack.requests.length, 2);
    });

    it("creates the local queues with the lane's maximum message size", async () => {
        const attributes = async (queueUrl: string) =>
            (await runtime.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["MaximumMessageSize"] })))
                .Attributes?.MaximumMessageSize;

        assert.deepEqual(
            [
                await attributes(runtime.lanes.escalation.queueUrl),
                await attributes(runtime.lanes.escalation.deadLetterQueueUrl),
                await attributes(runtime.lanes.toolCall.queueUrl),
            ],
            ["1048576", "1048576", "262144"],
        );
    });
});
