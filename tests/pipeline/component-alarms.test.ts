import * as assert from "node:assert/strict";
import { buildPipeline, laneResource, ResourceTypes, TestAlarmEndpoints } from "../helpers/pipeline-fixture";
import { MockStack } from "../helpers/pulumi-mocks";

describe("EscalationPipeline alarms and shared resources", () => {
    let stack: MockStack;

    before(async () => {
        ({ stack } = await buildPipeline({
            options: {
                escalation: { oldestMessageAgeSlaSeconds: 120 },
                alarms: {
                    emailEndpoints: [TestAlarmEndpoints.email],
                    httpsEndpoints: [TestAlarmEndpoints.pagerDuty, TestAlarmEndpoints.webhook],
                },
            },
        }));
    });

    it("alarms on any message in each DLQ within one minute, treating missing data as not breaching", () => {
        const alarm = laneResource(stack, "escalation", "dlq-depth");

        assert.equal(alarm.inputs.namespace, "AWS/SQS");
        assert.equal(alarm.inputs.metricName, "ApproximateNumberOfMessagesVisible");
        assert.deepEqual(alarm.inputs.dimensions, { QueueName: laneResource(stack, "escalation", "dlq").inputs.name });
        assert.equal(alarm.inputs.comparisonOperator, "GreaterThanThreshold");
        assert.equal(alarm.inputs.threshold, 0);
        assert.equal(alarm.inputs.period, 60);
        assert.equal(alarm.inputs.treatMissingData, "notBreaching");
    });

    it("alarms when the oldest message is older than the lane's SLA", () => {
        const alarm = laneResource(stack, "escalation", "oldest-message-age");

        assert.equal(alarm.inputs.metricName, "ApproximateAgeOfOldestMessage");
        assert.deepEqual(alarm.inputs.dimensions, { QueueName: laneResource(stack, "escalation", "queue").inputs.name });
        assert.equal(alarm.inputs.threshold, 120);
    });

    it("alarms on consumer errors and throttles", () => {
        const errors = laneResource(stack, "tool-call", "function-errors");
        const throttles = laneResource(stack, "tool-call", "function-throttles");
        const functionName = laneResource(stack, "tool-call", "consumer").inputs.name;

        assert.deepEqual([errors.inputs.metricName, throttles.inputs.metricName], ["Errors", "Throttles"]);
        assert.deepEqual(errors.inputs.dimensions, { FunctionName: functionName });
        assert.deepEqual(throttles.inputs.dimensions, { FunctionName: functionName });
    });

    it("sends every alarm and its recovery to the alarm topic", () => {
        const alarms = stack.ofType(ResourceTypes.metricAlarm);

        // Four per lane, and the alarm notifier's DLQ depth.
        assert.equal(alarms.length, 9);
        for (const alarm of alarms) {
            assert.equal((alarm.inputs.alarmActions as unknown[]).length, 1);
            assert.deepEqual(alarm.inputs.okActions, alarm.inputs.alarmActions);
        }
    });

    it("subscribes the configured e-mail and HTTPS endpoints to the alarm topic", () => {
        const subscriptions = stack
            .ofType(ResourceTypes.topicSubscription)
            .filter((s) => s.inputs.protocol !== "lambda")
            .map((s) => `${s.inputs.protocol} ${s.inputs.endpoint}`);

        assert.deepEqual(subscriptions.sort(), [
            `email ${TestAlarmEndpoints.email}`,
            `https ${TestAlarmEndpoints.pagerDuty}`,
            `https ${TestAlarmEndpoints.webhook}`,
        ]);
    });

    it("waits for confirmation only from an HTTPS endpoint that confirms by itself (PagerDuty)", () => {
        const autoConfirms = Object.fromEntries(
            stack
                .ofType(ResourceTypes.topicSubscription)
                .filter((s) => s.inputs.protocol === "https")
                .map((s) => [s.inputs.endpoint, s.inputs.endpointAutoConfirms]),
        );

        assert.deepEqual(autoConfirms, { [TestAlarmEndpoints.pagerDuty]: true, [TestAlarmEndpoints.webhook]: undefined });
    });

    it("creates one on-demand idempotency table with TTL and point-in-time recovery", () => {
        const [table] = stack.ofType(ResourceTypes.table);

        assert.equal(stack.ofType(ResourceTypes.table).length, 1);
        assert.equal(table.inputs.billingMode, "PAY_PER_REQUEST");
        assert.deepEqual(table.inputs.ttl, { attributeName: "expiration", enabled: true });
        assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
    });

    it("turns on the idempotency table's deletion protection by default", () => {
        assert.equal(stack.ofType(ResourceTypes.table)[0].inputs.deletionProtectionEnabled, true);
    });

    it("creates one alarm topic shared by both lanes", () => {
        assert.equal(stack.ofType(ResourceTypes.topic).length, 1);
    });

    it("blocks public access to the payload bucket", () => {
        const block = stack.ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0];

        assert.deepEqual(
            [
                block.inputs.blockPublicAcls,
                block.inputs.blockPublicPolicy,
                block.inputs.ignorePublicAcls,
                block.inputs.restrictPublicBuckets,
            ],
            [true, true, true, true],
        );
    });

    it("expires large payloads after the source retention, the DLQ retention and a day (4 + 14 + 1 days by default)", () => {
        const lifecycle = stack.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0];

        assert.deepEqual((lifecycle.inputs.rules as { expiration: unknown }[])[0].expiration, { days: 19 });
    });

    it("names every alarm from the prefix and the lane, so dev's and prod's notifications differ", () => {
        const names = stack.ofType(ResourceTypes.metricAlarm).map((alarm) => alarm.inputs.name);

        assert.ok(names.includes("escalation-pipeline-test-main-escalation-dlq-depth"), JSON.stringify(names));
        assert.ok(names.includes("escalation-pipeline-test-main-tool-call-function-throttles"), JSON.stringify(names));
        assert.equal(new Set(names).size, stack.ofType(ResourceTypes.metricAlarm).length);
    });
});

describe("EscalationPipeline alarm subscriptions and payload expiry across configs", () => {
    const subscriptionNames = async (emailEndpoints: string[]) => {
        const { stack } = await buildPipeline({ options: { alarms: { emailEndpoints } } });
        return Object.fromEntries(stack.ofType(ResourceTypes.topicSubscription).map((s) => [s.inputs.endpoint, s.name]));
    };

    it("names each subscription by its endpoint, so removing one leaves the others' logical names alone", async () => {
        const before = await subscriptionNames([TestAlarmEndpoints.email, TestAlarmEndpoints.otherEmail]);

        const after = await subscriptionNames([TestAlarmEndpoints.otherEmail]);

        assert.equal(after[TestAlarmEndpoints.otherEmail], before[TestAlarmEndpoints.otherEmail]);
        assert.notEqual(before[TestAlarmEndpoints.email], before[TestAlarmEndpoints.otherEmail]);
    });

    it("keeps payloads longer when a lane keeps its messages longer (source retention + 14 days + 1)", async () => {
        const { stack } = await buildPipeline({ options: { toolCall: { messageRetentionSeconds: 7 * 86_400 } } });
        const lifecycle = stack.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0];

        assert.deepEqual((lifecycle.inputs.rules as { expiration: unknown }[])[0].expiration, { days: 22 });
    });
});
