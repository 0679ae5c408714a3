import * as aws from "@pulumi/aws";
import { cloudwatchDlqDepthAlarm } from "../../policy/cloudwatch";
import { fakeResource, runStackPolicy, UNKNOWN } from "../helpers/policy-args";
import { assertNoViolations, assertViolation } from "../helpers/policy-assertions";
import { buildLane } from "../helpers/policy-lane";

describe("policy cloudwatch-dlq-depth-alarm", () => {
    it("passes a DLQ with a depth alarm", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a DLQ without one", async () => {
        const lane = buildLane({ omit: ["alarm"] });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertViolation(violations, { message: "SQS queue 'pager-dlq' is a dead-letter queue and must have a CloudWatch alarm on AWS/SQS ApproximateNumberOfMessagesVisible with dimension QueueName; found none.", resource: lane.dlq, enforcementLevel: "mandatory" });
    });

    it("does not count an alarm on another metric", async () => {
        const lane = buildLane({ alarm: { metricName: "ApproximateAgeOfOldestMessage" } });

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, lane.resources);

        assertViolation(violations, { message: "SQS queue 'pager-dlq' is a dead-letter queue and must have a CloudWatch alarm" });
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
        const query = fakeResource(aws.cloudwatch.MetricAlarm, "dlq-depth-query", {
            comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, threshold: 0,
            metricQueries: [{ id: "depth", returnData: true, metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", period: 60, stat: "Maximum", dimensions: { QueueName: "pager-dlq" } } }],
        });

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

        assertViolation(violations, { message: "CloudWatch alarm 'pager-dlq-depth' dimensions.QueueName is unknown at preview", resource: lane.alarm });
    });
});
