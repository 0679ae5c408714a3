import * as assert from "node:assert/strict";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { readConsumerConfig } from "../../handlers/config";
import { HandlerEnvironment, offloadThresholdBytes } from "../../handlers/environment";
import { emitEscalation } from "../../handlers/producer";
import { createLane, type Harness, type LaneFixture, useHarness } from "../helpers/handler-fixtures";
import { escalation } from "../helpers/messages";

describe("messages up to 1 MiB", () => {
    let harness: Harness;
    let lane: LaneFixture;

    useHarness((started) => (harness = started));
    beforeEach(async () => {
        // fauxqs queues accept 1 MiB by default, as a queue configured with maximumMessageSizeBytes 1048576 does.
        lane = await createLane(harness);
    });

    async function receiveBody(): Promise<string> {
        const received = await harness.sqs.send(
            new ReceiveMessageCommand({ QueueUrl: lane.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
        );
        return received.Messages?.[0]?.Body ?? "";
    }

    it("sends a 512 KiB escalation in the message itself when the queue accepts 1 MiB", async () => {
        // Prepare
        const target = {
            sqs: harness.sqs,
            queueUrl: lane.queueUrl,
            s3: harness.s3,
            payloadBucketName: lane.bucketName,
            maximumMessageSizeBytes: 1_048_576,
        };

        // Act
        const report = await emitEscalation(target, escalation({ callId: "call-512k", context: { transcript: "x".repeat(512 * 1024) } }));

        // Assess
        assert.equal(report.offloadedPayloads, 0);
        assert.ok((await receiveBody()).length > 512 * 1024);
    });

    it("offloads at the queue's limit less the dead-letter headroom, one setting for both", async () => {
        // Prepare
        const limit = 65_536;
        const target = {
            sqs: harness.sqs,
            queueUrl: lane.queueUrl,
            s3: harness.s3,
            payloadBucketName: lane.bucketName,
            maximumMessageSizeBytes: limit,
        };

        // Act
        const report = await emitEscalation(
            target,
            escalation({ callId: "call-62k", context: { transcript: "x".repeat(offloadThresholdBytes(limit)) } }),
        );

        // Assess
        assert.equal(offloadThresholdBytes(limit), limit - 4096);
        assert.equal(report.offloadedPayloads, 1);
        assert.ok((await receiveBody()).length < 500);
    });

    it("reads the queue's and the DLQ's limits from the consumer's environment", () => {
        const config = readConsumerConfig({
            ...lane.environment,
            [HandlerEnvironment.maximumMessageSizeBytes]: "1048576",
            [HandlerEnvironment.deadLetterMaximumMessageSizeBytes]: "1048576",
        });

        assert.deepEqual([config.maximumMessageSizeBytes, config.deadLetterMaximumMessageBytes], [1_048_576, 1_048_576]);
    });

    it("assumes SQS's default limit for a consumer deployed without the variables", () => {
        const config = readConsumerConfig(lane.environment);

        assert.deepEqual([config.maximumMessageSizeBytes, config.deadLetterMaximumMessageBytes], [262_144, 262_144]);
    });

    it("refuses a DLQ limit below the queue's, naming both variables and the values", () => {
        const environment = {
            ...lane.environment,
            [HandlerEnvironment.maximumMessageSizeBytes]: "1048576",
            [HandlerEnvironment.deadLetterMaximumMessageSizeBytes]: "262144",
        };

        assert.throws(
            () => readConsumerConfig(environment),
            /'DEAD_LETTER_MAXIMUM_MESSAGE_SIZE_BYTES' must be at least MAXIMUM_MESSAGE_SIZE_BYTES \(1048576\), 262144 given/,
        );
    });
});
