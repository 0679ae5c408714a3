import * as aws from "@pulumi/aws";
import { cloudwatchAlarmHasAction, cloudwatchConsumerAlarms, cloudwatchDlqDepthAlarm } from "../../policy/cloudwatch";
import { fakeResource, PropsOf, runStackPolicy, UNKNOWN } from "./helpers/args";
import { assertNoViolations, assertOnlyViolation, assertViolation } from "./helpers/assertions";
import { buildLane, functionAlarmProps, topicArn, laneWithUnknown } from "./helpers/lane";

/**
 * A metric-query alarm "dlq-depth-query" on the depth of 'pager-dlq' (query "depth", its `stat`
 * Maximum unless given), whose returnData is `returnData`; `otherQueries` stand beside it.
 */
function depthQueryAlarm(options: { returnData?: boolean; stat?: string; otherQueries?: readonly Record<string, unknown>[] }) {
    return fakeResource(aws.cloudwatch.MetricAlarm, "dlq-depth-query", {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
        threshold: 0,
        alarmActions: [topicArn("on-call")],
        metricQueries: [
            {
                id: "depth",
                returnData: options.returnData,
                metric: {
                    namespace: "AWS/SQS",
                    metricName: "ApproximateNumberOfMessagesVisible",
                    period: 60,
                    stat: options.stat ?? "Maximum",
                    dimensions: { QueueName: "pager-dlq" },
                },
            },
            ...(options.otherQueries ?? []),
        ],
    });
}

describe("policy cloudwatch-dlq-depth-alarm", () => {
    it("passes a DLQ with a depth alarm", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a DLQ without one", async () => {
        const lane = buildLane({ omit: ["alarm"] });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager-dlq' is a dead-letter queue and must have a CloudWatch alarm on AWS/SQS ApproximateNumberOfMessagesVisible with dimension QueueName; found none.",
            resource: lane.dlq,
            enforcementLevel: "mandatory",
        });
    });

    it("does not count an alarm on another metric", async () => {
        const lane = buildLane({ alarm: { metricName: "ApproximateAgeOfOldestMessage" } });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager-dlq' is a dead-letter queue and must have a CloudWatch alarm" });
    });

    it("does not ask the source queue for an alarm", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertNoViolations(violations.filter((v) => v.urn === lane.queue.urn));
    });

    it("links the alarm by QueueName when no dependency records it", async () => {
        const lane = buildLane({ linkByValueOnly: true });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertNoViolations(violations);
    });

    it("accepts a metric-query alarm on the DLQ's depth", async () => {
        const lane = buildLane({ omit: ["alarm"] });
        const query = depthQueryAlarm({ returnData: true });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [...lane.resources, query]);

        assertNoViolations(violations);
    });

    it("follows the dimensions dependency when the queue name is unknown at preview", async () => {
        const lane = buildLane({ alarm: { dimensions: { QueueName: UNKNOWN } } });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertNoViolations(violations);
    });

    it("reports an alarm whose queue is unknown when a DLQ has no alarm", async () => {
        const lane = buildLane({ alarm: { dimensions: { QueueName: UNKNOWN } }, dependsOn: { alarm: { dimensions: [] } } });
        const alarm = { ...lane.alarm, links: { dependencies: [lane.role] } };
        const resources = lane.resources.map((r) => (r === lane.alarm ? alarm : r));

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, resources);

        assertViolation(violations, {
            message: "CloudWatch alarm 'pager-dlq-depth' dimensions.QueueName is unknown at preview",
            resource: lane.alarm,
        });
    });
});

describe("policy cloudwatch-dlq-depth-alarm: only an alarm that can page counts", () => {
    const cases: readonly (readonly [PropsOf<aws.cloudwatch.MetricAlarmArgs>, string])[] = [
        [{ alarmActions: undefined }, "CloudWatch alarm 'pager-dlq-depth' has no alarmActions"],
        [{ alarmActions: [] }, "CloudWatch alarm 'pager-dlq-depth' has no alarmActions"],
        [{ actionsEnabled: false }, "CloudWatch alarm 'pager-dlq-depth' has actionsEnabled false"],
        [
            { threshold: 100 },
            "CloudWatch alarm 'pager-dlq-depth' fires only above 100 messages (it must fire on one: GreaterThanThreshold 0 or GreaterThanOrEqualToThreshold 1)",
        ],
        [
            { threshold: 1 },
            "CloudWatch alarm 'pager-dlq-depth' fires only above 1 messages (it must fire on one: GreaterThanThreshold 0 or GreaterThanOrEqualToThreshold 1)",
        ],
        [
            { comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 2 },
            "CloudWatch alarm 'pager-dlq-depth' fires only from 2 messages (it must fire on one: GreaterThanThreshold 0 or GreaterThanOrEqualToThreshold 1)",
        ],
        [
            { comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 0 },
            "CloudWatch alarm 'pager-dlq-depth' fires only from 0 messages (it must fire on one: GreaterThanThreshold 0 or GreaterThanOrEqualToThreshold 1)",
        ],
        [{ comparisonOperator: "LessThanThreshold" }, "CloudWatch alarm 'pager-dlq-depth' uses comparisonOperator LessThanThreshold"],
        [
            { statistic: "SampleCount" },
            "CloudWatch alarm 'pager-dlq-depth' uses statistic SampleCount (it counts data points, not messages)",
        ],
    ];
    for (const [change, reason] of cases) {
        it(`does not count an alarm that ${reason.replace("CloudWatch alarm 'pager-dlq-depth' ", "")}`, async () => {
            const lane = buildLane({ alarm: change });

            const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

            assertOnlyViolation(violations, {
                message: `SQS queue 'pager-dlq' is a dead-letter queue and must have a CloudWatch alarm on its depth that can page; ${reason}.`,
                resource: lane.dlq,
                enforcementLevel: "mandatory",
            });
        });
    }

    it("accepts GreaterThanOrEqualToThreshold 1", async () => {
        const lane = buildLane({ alarm: { comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 1 } });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertNoViolations(violations);
    });

    it("accepts alarmActions unknown at preview that come from a topic of the stack", async () => {
        const lane = laneWithUnknown("alarm", "alarmActions", "role");

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertNoViolations(violations);
    });

    it("does not count a metric-query alarm whose returned series is not the depth", async () => {
        const lane = buildLane({ omit: ["alarm"] });
        const query = depthQueryAlarm({ returnData: false, otherQueries: [{ id: "zero", expression: "depth * 0", returnData: true }] });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [...lane.resources, query]);

        assertOnlyViolation(violations, {
            message: "CloudWatch alarm 'dlq-depth-query' returns the series 'zero', not the depth",
            resource: lane.dlq,
        });
    });
});

describe("policy cloudwatch-alarm-has-action", () => {
    it("passes alarms with enabled actions", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(cloudwatchAlarmHasAction, lane.resources);

        assertNoViolations(violations);
    });

    it("reports an alarm without alarmActions", async () => {
        const lane = buildLane({ alarm: { alarmActions: undefined } });

        const violations = await runStackPolicy(cloudwatchAlarmHasAction, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "CloudWatch alarm 'pager-dlq-depth' must have an enabled alarm action (alarmActions, actionsEnabled not false); found no alarmActions.",
            resource: lane.alarm,
            enforcementLevel: "advisory",
        });
    });

    it("reports an alarm with actionsEnabled false", async () => {
        const lane = buildLane({ alarm: { actionsEnabled: false } });

        const violations = await runStackPolicy(cloudwatchAlarmHasAction, lane.resources);

        assertOnlyViolation(violations, { message: "found actionsEnabled false." });
    });

    it("accepts alarmActions unknown at preview (an SNS topic's ARN output): they are set", async () => {
        const lane = laneWithUnknown("alarm", "alarmActions", "role");

        const violations = await runStackPolicy(cloudwatchAlarmHasAction, lane.resources);

        assertNoViolations(violations);
    });

    it("reports actionsEnabled unknown at preview", async () => {
        const lane = laneWithUnknown("alarm", "actionsEnabled", "role");

        const violations = await runStackPolicy(cloudwatchAlarmHasAction, lane.resources);

        assertOnlyViolation(violations, { message: "CloudWatch alarm 'pager-dlq-depth' actionsEnabled is unknown at preview" });
    });
});

describe("policy cloudwatch-consumer-alarms", () => {
    const lambdaAlarm = (name: string, metricName: string, functionName = "pager-fn") =>
        fakeResource(aws.cloudwatch.MetricAlarm, name, functionAlarmProps(metricName, functionName));

    it("passes a consumer with an Errors and a Throttles alarm", async () => {
        const lane = buildLane({ omit: ["errorsAlarm", "throttlesAlarm"] });

        const violations = await runStackPolicy(cloudwatchConsumerAlarms, [
            ...lane.resources,
            lambdaAlarm("errors", "Errors"),
            lambdaAlarm("throttles", "Throttles"),
        ]);

        assertNoViolations(violations);
    });

    it("reports a consumer without a Throttles alarm", async () => {
        const lane = buildLane({ omit: ["errorsAlarm", "throttlesAlarm"] });

        const violations = await runStackPolicy(cloudwatchConsumerAlarms, [...lane.resources, lambdaAlarm("errors", "Errors")]);

        assertOnlyViolation(violations, {
            message:
                "Lambda function 'pager-fn' consumes SQS and must have CloudWatch alarms on AWS/Lambda Errors and Throttles (dimension FunctionName); found none on Throttles.",
            resource: lane.fn,
            enforcementLevel: "advisory",
        });
    });

    it("does not count an alarm on another function", async () => {
        const lane = buildLane({ omit: ["errorsAlarm", "throttlesAlarm"] });

        const violations = await runStackPolicy(cloudwatchConsumerAlarms, [
            ...lane.resources,
            lambdaAlarm("errors", "Errors", "other"),
            lambdaAlarm("throttles", "Throttles"),
        ]);

        assertOnlyViolation(violations, { message: "found none on Errors." });
    });

    it("reports an alarm whose function is unknown at preview when a consumer lacks one", async () => {
        const lane = buildLane({ omit: ["errorsAlarm", "throttlesAlarm"] });
        const unknownAlarm = {
            ...lambdaAlarm("errors", "Errors"),
            props: { ...lambdaAlarm("errors", "Errors").props, dimensions: { FunctionName: UNKNOWN } },
            links: { dependencies: [lane.role] },
        };

        const violations = await runStackPolicy(cloudwatchConsumerAlarms, [
            ...lane.resources,
            unknownAlarm,
            lambdaAlarm("throttles", "Throttles"),
        ]);

        assertViolation(violations, { message: "CloudWatch alarm 'errors' dimensions.FunctionName is unknown at preview" });
    });
});

describe("policy cloudwatch-dlq-depth-alarm: comparison, statistic and metric queries", () => {
    it("counts an alarm whose comparisonOperator is unknown at preview: it is set", async () => {
        const lane = laneWithUnknown("alarm", "comparisonOperator", "role");

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertNoViolations(violations);
    });

    it("does not count an alarm without a comparisonOperator", async () => {
        const lane = buildLane({ alarm: { comparisonOperator: undefined } });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager-dlq' is a dead-letter queue and must have a CloudWatch alarm on its depth that can page; CloudWatch alarm 'pager-dlq-depth' uses comparisonOperator unset.",
        });
    });

    it("does not count a metric query that counts samples", async () => {
        const lane = buildLane({ omit: ["alarm"] });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [
            ...lane.resources,
            depthQueryAlarm({ stat: "SampleCount", returnData: true }),
        ]);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager-dlq' is a dead-letter queue and must have a CloudWatch alarm on its depth that can page; CloudWatch alarm 'dlq-depth-query' uses statistic SampleCount (it counts data points, not messages).",
        });
    });

    it("takes a single metric query as the returned series even without returnData", async () => {
        const lane = buildLane({ omit: ["alarm"] });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [...lane.resources, depthQueryAlarm({ stat: "SampleCount" })]);

        assertOnlyViolation(violations, { message: "CloudWatch alarm 'dlq-depth-query' uses statistic SampleCount" });
    });

    it("names every reason when no alarm of a DLQ can page", async () => {
        const lane = buildLane({ alarm: { threshold: 5 } });
        const silent = fakeResource(aws.cloudwatch.MetricAlarm, "dlq-depth-silent", { ...lane.alarm.props, alarmActions: [] });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [...lane.resources, silent]);

        assertOnlyViolation(violations, {
            message:
                "must have a CloudWatch alarm on its depth that can page; CloudWatch alarm 'pager-dlq-depth' fires only above 5 messages (it must fire on one: GreaterThanThreshold 0 or GreaterThanOrEqualToThreshold 1); CloudWatch alarm 'dlq-depth-silent' has no alarmActions.",
        });
    });

    it("does not report an alarm of unknown metric when every DLQ has a depth alarm", async () => {
        const lane = buildLane();
        const unknown = fakeResource(
            aws.cloudwatch.MetricAlarm,
            "unknown-metric",
            { comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, metricName: UNKNOWN, namespace: "AWS/SQS" },
            { propertyDependencies: { metricName: [lane.role] } },
        );

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [...lane.resources, unknown]);

        assertNoViolations(violations);
    });
});

describe("policy cloudwatch-consumer-alarms: every missing alarm, and only when one is missing", () => {
    it("names both metrics when a consumer has neither alarm", async () => {
        const lane = buildLane({ omit: ["errorsAlarm", "throttlesAlarm"] });

        const violations = await runStackPolicy(cloudwatchConsumerAlarms, lane.resources);

        assertOnlyViolation(violations, { message: "found none on Errors and Throttles.", resource: lane.fn });
    });

    it("does not report an alarm of unknown function when every consumer has both alarms", async () => {
        const lane = buildLane();
        const unknown = fakeResource(
            aws.cloudwatch.MetricAlarm,
            "unknown-function",
            {
                comparisonOperator: "GreaterThanThreshold",
                evaluationPeriods: 1,
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: { FunctionName: UNKNOWN },
            },
            { propertyDependencies: { dimensions: [lane.role] } },
        );

        const violations = await runStackPolicy(cloudwatchConsumerAlarms, [...lane.resources, unknown]);

        assertNoViolations(violations);
    });
});
