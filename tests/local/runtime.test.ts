import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import * as assert from "node:assert/strict";
import { IdempotencyTableSchema } from "../../handlers/environment";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import { createAwsClients } from "../../handlers/aws";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime";

describe("local runtime provisioning", () => {
    // Non-default numbers, so a value taken from anywhere but the shared settings would show.
    const settings = resolvePipelineSettings({
        escalation: { functionTimeoutSeconds: 7, batchingWindowSeconds: 2, maxReceiveCount: 4, messageRetentionSeconds: 7200 },
        toolCall: { functionTimeoutSeconds: 9, maxReceiveCount: 3, deduplication: "contentBased" },
    });
    let runtime: LocalRuntime;
    const attributesOf = async (queueUrl: string) =>
        (await runtime.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }))).Attributes ?? {};

    before(async () => {
        runtime = await startLocalRuntime({ settings, namePrefix: "provision-test", startConsumers: false });
    });
    after(async () => {
        await runtime.stop();
    });

    it("creates the standard queue with the visibility, retention, long polling and redrive the shared settings compute", async () => {
        // Act
        const attributes = await attributesOf(runtime.lanes.escalation.queueUrl);

        // Assess: 6 x 7 s + a 2 s batching window
        const lane = settings.lanes.escalation;
        assert.deepEqual(
            [
                attributes.VisibilityTimeout,
                attributes.MessageRetentionPeriod,
                attributes.ReceiveMessageWaitTimeSeconds,
                JSON.parse(attributes.RedrivePolicy!),
            ],
            [
                "44",
                "7200",
                String(lane.queue.receiveWaitTimeSeconds),
                { deadLetterTargetArn: runtime.lanes.escalation.deadLetterQueueArn, maxReceiveCount: 4 },
            ],
        );
    });

    it("creates the FIFO queue and its FIFO DLQ with the settings' deduplication", async () => {
        // Act
        const [queue, deadLetterQueue] = await Promise.all([
            attributesOf(runtime.lanes.toolCall.queueUrl),
            attributesOf(runtime.lanes.toolCall.deadLetterQueueUrl),
        ]);

        // Assess
        assert.deepEqual(
            [
                queue.FifoQueue,
                queue.ContentBasedDeduplication,
                queue.VisibilityTimeout,
                JSON.parse(queue.RedrivePolicy!).maxReceiveCount,
                deadLetterQueue.FifoQueue,
            ],
            ["true", "true", "54", 3, "true"],
        );
    });

    it("lets each DLQ take redrives only from its own source queue, and keep messages for 14 days", async () => {
        // Act
        const attributes = await attributesOf(runtime.lanes.escalation.deadLetterQueueUrl);

        // Assess
        assert.deepEqual(
            [JSON.parse(attributes.RedriveAllowPolicy!), attributes.MessageRetentionPeriod],
            [
                { redrivePermission: "byQueue", sourceQueueArns: [runtime.lanes.escalation.queueArn] },
                String(settings.lanes.escalation.deadLetterQueue.messageRetentionSeconds),
            ],
        );
    });

    it("names queues and functions as the stack does, from the name prefix", () => {
        assert.deepEqual(
            [
                runtime.lanes.escalation.queueUrl.split("/").pop(),
                runtime.lanes.toolCall.queueUrl.split("/").pop(),
                runtime.lanes.escalation.functionName,
            ],
            ["provision-test-escalations", "provision-test-tool-calls.fifo", "provision-test-escalation-pager"],
        );
    });

    it("creates the idempotency table with the key the handlers' persistence layer uses", async () => {
        // Prepare
        const { dynamoDb } = createAwsClients(runtime.emulators.environment);

        // Act
        const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: runtime.pipeline.idempotencyTableName }));
        dynamoDb.destroy();

        // Assess
        assert.deepEqual(Table?.KeySchema, [{ AttributeName: IdempotencyTableSchema.partitionKey, KeyType: "HASH" }]);
    });
});
