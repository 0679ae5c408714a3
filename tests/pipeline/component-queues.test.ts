import * as assert from "node:assert/strict";
import { PipelineConfigError } from "../../pipeline";
import { buildPipeline, laneResource, ResourceTypes } from "../helpers/pipeline-fixture";
import { parsedJson, TEST_ACCOUNT_ID, TEST_REGION } from "../helpers/pulumi-mocks";

const arnOf = (queueName: unknown) => `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${queueName}`;

describe("EscalationPipeline queues", () => {
    it("gives each lane a queue and a DLQ (four queues), and the alarm notifier its DLQ", async () => {
        const { stack } = await buildPipeline();

        assert.equal(stack.ofType(ResourceTypes.queue).length, 5);
    });

    it("points the escalation queue's redrive policy at its own DLQ with maxReceiveCount 5", async () => {
        const { stack } = await buildPipeline();
        const queue = laneResource(stack, "escalation", "queue");
        const dlq = laneResource(stack, "escalation", "dlq");

        assert.deepEqual(parsedJson(queue.inputs.redrivePolicy), { deadLetterTargetArn: arnOf(dlq.inputs.name), maxReceiveCount: 5 });
    });

    it("uses the configured maxReceiveCount in the redrive policy", async () => {
        const { stack } = await buildPipeline({ options: { toolCall: { maxReceiveCount: 3 } } });

        assert.equal(
            parsedJson<{ maxReceiveCount: number }>(laneResource(stack, "tool-call", "queue").inputs.redrivePolicy).maxReceiveCount,
            3,
        );
    });

    it("refuses maxReceiveCount 6, one above the mission's bound, before registering anything", async () => {
        await assert.rejects(
            buildPipeline({ options: { escalation: { maxReceiveCount: 6 } } }),
            (error: unknown) =>
                error instanceof PipelineConfigError && /maxReceiveCount' must be an integer between 3 and 5, 6 given/.test(error.message),
        );
    });

    it("builds with maxReceiveCount 5, the mission's upper bound, in the redrive policy", async () => {
        const { stack } = await buildPipeline({ options: { escalation: { maxReceiveCount: 5 }, toolCall: { maxReceiveCount: 5 } } });

        assert.equal(
            parsedJson<{ maxReceiveCount: number }>(laneResource(stack, "tool-call", "queue").inputs.redrivePolicy).maxReceiveCount,
            5,
        );
    });

    it("refuses a visibility timeout above 6 x timeout but below 6 x timeout + the batching window", async () => {
        const options = { escalation: { functionTimeoutSeconds: 20, batchingWindowSeconds: 10, visibilityTimeoutSeconds: 125 } };

        await assert.rejects(
            buildPipeline({ options }),
            (error: unknown) =>
                error instanceof PipelineConfigError &&
                /visibilityTimeoutSeconds' must be an integer between 130 .* 125 given/.test(error.message),
        );
    });

    it("admits redrive into each DLQ only from its own source queue", async () => {
        const { stack } = await buildPipeline();
        const queue = laneResource(stack, "tool-call", "queue");
        const dlq = laneResource(stack, "tool-call", "dlq");

        assert.deepEqual(parsedJson(dlq.inputs.redriveAllowPolicy), {
            redrivePermission: "byQueue",
            sourceQueueArns: [arnOf(queue.inputs.name)],
        });
    });

    it("gives no DLQ a redrive policy of its own", async () => {
        const { stack } = await buildPipeline();

        assert.equal(laneResource(stack, "escalation", "dlq").inputs.redrivePolicy, undefined);
        assert.equal(laneResource(stack, "tool-call", "dlq").inputs.redrivePolicy, undefined);
    });

    it("makes the tool-call queue and its DLQ FIFO, and the escalation pair standard", async () => {
        const { stack } = await buildPipeline();

        assert.equal(laneResource(stack, "tool-call", "queue").inputs.fifoQueue, true);
        assert.equal(laneResource(stack, "tool-call", "dlq").inputs.fifoQueue, true);
        assert.equal(laneResource(stack, "escalation", "queue").inputs.fifoQueue, undefined);
        assert.equal(laneResource(stack, "escalation", "dlq").inputs.fifoQueue, undefined);
    });

    it("keeps DLQ messages 14 days, longer than the source queue", async () => {
        const { stack } = await buildPipeline();
        const queue = laneResource(stack, "escalation", "queue");
        const dlq = laneResource(stack, "escalation", "dlq");

        assert.equal(dlq.inputs.messageRetentionSeconds, 1_209_600);
        assert.ok((dlq.inputs.messageRetentionSeconds as number) > (queue.inputs.messageRetentionSeconds as number));
    });

    it("sets the visibility timeout to 6 x the function timeout + batching window", async () => {
        const { stack } = await buildPipeline({ options: { escalation: { functionTimeoutSeconds: 20, batchingWindowSeconds: 4 } } });

        assert.equal(laneResource(stack, "escalation", "queue").inputs.visibilityTimeoutSeconds, 124);
        assert.equal(laneResource(stack, "escalation", "consumer").inputs.timeout, 20);
    });

    it("long-polls with the maximum 20 s wait", async () => {
        const { stack } = await buildPipeline();

        assert.equal(laneResource(stack, "escalation", "queue").inputs.receiveWaitTimeSeconds, 20);
    });

    it("deduplicates tool calls by the producer's id unless content-based deduplication is configured", async () => {
        const byId = await buildPipeline();
        const byContent = await buildPipeline({ options: { toolCall: { deduplication: "contentBased" } } });

        assert.equal(laneResource(byId.stack, "tool-call", "queue").inputs.contentBasedDeduplication, false);
        assert.equal(laneResource(byContent.stack, "tool-call", "queue").inputs.contentBasedDeduplication, true);
    });

    it("selects FIFO high-throughput mode when configured", async () => {
        const { stack } = await buildPipeline({ options: { toolCall: { highThroughput: true } } });
        const queue = laneResource(stack, "tool-call", "queue");

        assert.equal(queue.inputs.deduplicationScope, "messageGroup");
        assert.equal(queue.inputs.fifoThroughputLimit, "perMessageGroupId");
    });

    it("encrypts every queue with SQS-managed keys by default", async () => {
        const { stack } = await buildPipeline();

        assert.ok(
            stack
                .ofType(ResourceTypes.queue)
                .every((queue) => queue.inputs.sqsManagedSseEnabled === true && queue.inputs.kmsMasterKeyId === undefined),
        );
    });

    it("encrypts every queue with the existing key named in config", async () => {
        const key = "arn:aws:kms:eu-west-1:123456789012:key/abcd-1234";
        const { stack } = await buildPipeline({ options: { encryption: "existingKey", kmsKeyArn: key } });

        assert.ok(
            stack
                .ofType(ResourceTypes.queue)
                .every((queue) => queue.inputs.kmsMasterKeyId === key && queue.inputs.sqsManagedSseEnabled === undefined),
        );
        assert.equal(stack.ofType(ResourceTypes.kmsKey).length, 0);
    });

    it("encrypts every queue with the key the stack creates when encryption is stackKey", async () => {
        const { stack } = await buildPipeline({ options: { encryption: "stackKey" } });
        const [key] = stack.ofType(ResourceTypes.kmsKey);
        const keyArn = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT_ID}:key/${key.name}-key-id`;

        assert.equal(stack.ofType(ResourceTypes.kmsKey).length, 1);
        // The four lane queues and the alarm notifier's DLQ.
        assert.deepEqual(
            stack.ofType(ResourceTypes.queue).map((queue) => queue.inputs.kmsMasterKeyId),
            Array(5).fill(keyArn),
        );
    });

    it("protects every queue and DLQ by default (the notifier's DLQ too), so a rename cannot delete them with their messages", async () => {
        const { stack } = await buildPipeline();

        assert.deepEqual(
            stack.ofType(ResourceTypes.queue).map((queue) => queue.options),
            Array(5).fill({ protect: true, retainOnDelete: false }),
        );
    });

    it("retains queues on delete instead when dataProtection is retainOnDelete", async () => {
        const { stack } = await buildPipeline({ options: { dataProtection: "retainOnDelete" } });

        assert.deepEqual(
            stack.ofType(ResourceTypes.queue).map((queue) => queue.options),
            Array(5).fill({ protect: false, retainOnDelete: true }),
        );
    });

    it("attaches to every queue a policy that denies requests not made over TLS", async () => {
        const { stack } = await buildPipeline();
        const denied = stack.ofType(ResourceTypes.queuePolicy).map((policy) => {
            const [statement] = parsedJson<{ Statement: { Effect: string; Resource: string[]; Condition: unknown }[] }>(
                policy.inputs.policy,
            ).Statement;
            assert.equal(statement.Effect, "Deny");
            assert.deepEqual(statement.Condition, { Bool: { "aws:SecureTransport": "false" } });
            return statement.Resource[0];
        });

        assert.deepEqual(
            denied.sort(),
            stack
                .ofType(ResourceTypes.queue)
                .map((queue) => arnOf(queue.inputs.name))
                .sort(),
        );
    });
});
