import * as assert from "node:assert/strict";
import { computeLaneSettings, LaneKind, validatePipelineOptions } from "../../pipeline";
import { buildPipeline, laneResource } from "../helpers/pipeline-fixture";

/** The one problem `options` has; fails the test if there are none or several. */
function onlyProblem(options: unknown): string {
    const problems = validatePipelineOptions(options);
    assert.equal(problems.length, 1, `expected one problem, got: ${JSON.stringify(problems)}`);
    return problems[0]!;
}

describe("per-lane alarm settings", () => {
    it("fires the DLQ depth alarm after 5 minutes above zero by default: 5 of 5 one-minute periods", async () => {
        const { stack } = await buildPipeline();

        const alarm = laneResource(stack, "escalation", "dlq-depth");

        assert.deepEqual([alarm.inputs.period, alarm.inputs.evaluationPeriods, alarm.inputs.datapointsToAlarm], [60, 5, 5]);
    });

    it("fires the DLQ depth alarm after 1 minute when the lane asks for it", async () => {
        const { stack } = await buildPipeline({ options: { toolCall: { alarms: { deadLetterQueueDepthMinutes: 1 } } } });

        const alarm = laneResource(stack, "tool-call", "dlq-depth");

        assert.deepEqual([alarm.inputs.evaluationPeriods, alarm.inputs.datapointsToAlarm], [1, 1]);
    });

    it("names every alarm after its queue, so the name is known before deployment", async () => {
        const { stack } = await buildPipeline();

        assert.deepEqual(
            ["dlq-depth", "oldest-message-age", "function-errors", "function-throttles"].map(
                (suffix) => laneResource(stack, "tool-call", suffix).inputs.name,
            ),
            [
                "escalation-pipeline-test-main-tool-call-dlq-depth",
                "escalation-pipeline-test-main-tool-call-oldest-message-age",
                "escalation-pipeline-test-main-tool-call-function-errors",
                "escalation-pipeline-test-main-tool-call-function-throttles",
            ],
        );
    });

    it("says in each alarm's description whether it pages", async () => {
        const { stack } = await buildPipeline();

        assert.match(laneResource(stack, "escalation", "dlq-depth").inputs.alarmDescription as string, /Pages the on-call\.$/);
        assert.match(
            laneResource(stack, "escalation", "function-throttles").inputs.alarmDescription as string,
            /Posts to Slack; does not page\.$/,
        );
    });

    it("describes each alarm by the queue or function it watches, its threshold in words, what to do and its route", async () => {
        // Settings off their defaults, so the figures in the text must come from the lane's settings.
        const { stack } = await buildPipeline({
            options: {
                escalation: {
                    oldestMessageAgeSlaSeconds: 600,
                    alarms: { deadLetterQueueDepthMinutes: 2, routes: { oldestMessageAge: "slack", functionErrors: "page" } },
                },
            },
        });
        const queueName = laneResource(stack, "escalation", "queue").inputs.name as string;
        const deadLetterQueueName = laneResource(stack, "escalation", "dlq").inputs.name as string;
        const functionName = laneResource(stack, "escalation", "consumer").inputs.name as string;

        assert.deepEqual(
            ["dlq-depth", "oldest-message-age", "function-errors", "function-throttles"].map(
                (suffix) => laneResource(stack, "escalation", suffix).inputs.alarmDescription,
            ),
            [
                `Messages in dead-letter queue ${deadLetterQueueName} for 2 min: inspect with 'npm run dlq -- list'. Pages the on-call.`,
                `Oldest message in ${queueName} is older than its 600 s SLA. Posts to Slack; does not page.`,
                `Consumer ${functionName} crashed or timed out. Pages the on-call.`,
                `Consumer ${functionName} was throttled; throttled receives drift messages toward the DLQ. Posts to Slack; does not page.`,
            ],
        );
    });

    it("keeps the default route of alarms the lane does not mention", () => {
        const settings = computeLaneSettings(LaneKind.standard, { alarms: { routes: { functionThrottles: "page" } } });

        assert.deepEqual(settings.alarms.routes, {
            deadLetterQueueDepth: "page",
            oldestMessageAge: "page",
            functionErrors: "slack",
            functionThrottles: "page",
        });
    });

    it("rejects a DLQ depth duration of 0 minutes, naming the field, the range and the value", () => {
        assert.equal(
            onlyProblem({ escalation: { alarms: { deadLetterQueueDepthMinutes: 0 } } }),
            "'pipeline.escalation.alarms.deadLetterQueueDepthMinutes' must be an integer between 1 and 60, 0 given",
        );
    });

    it("rejects a DLQ depth duration above an hour", () => {
        assert.match(onlyProblem({ toolCall: { alarms: { deadLetterQueueDepthMinutes: 61 } } }), /between 1 and 60, 61 given/);
    });

    it("rejects a fractional DLQ depth duration", () => {
        assert.match(
            onlyProblem({ escalation: { alarms: { deadLetterQueueDepthMinutes: 2.5 } } }),
            /deadLetterQueueDepthMinutes' must be an integer between 1 and 60, 2.5 given/,
        );
    });

    it("rejects a route other than page or slack", () => {
        assert.equal(
            onlyProblem({ escalation: { alarms: { routes: { functionErrors: "email" } } } }),
            '\'pipeline.escalation.alarms.routes.functionErrors\' must be one of "page", "slack", "email" given',
        );
    });

    it("rejects a route for an alarm the lane does not have, listing the ones it has", () => {
        assert.equal(
            onlyProblem({ escalation: { alarms: { routes: { queueDepth: "page" } } } }),
            "'pipeline.escalation.alarms.routes.queueDepth' is not a known setting; known settings are deadLetterQueueDepth, oldestMessageAge, functionErrors, functionThrottles",
        );
    });

    it("rejects an unknown alarm setting", () => {
        assert.match(
            onlyProblem({ toolCall: { alarms: { pageAfterMinutes: 3 } } }),
            /'pipeline\.toolCall\.alarms\.pageAfterMinutes' is not a known setting/,
        );
    });
});
