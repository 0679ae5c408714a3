import * as assert from "node:assert/strict";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { z } from "zod";
import { DownstreamUnavailableError } from "../../handlers/errors";
import { deadLetterRecordOf } from "../../handlers/dead-letter";
import { createToolCallConsumer } from "../../handlers/tool-call-consumer";
import { defineTool, type ToolDefinition } from "../../handlers/tools";
import { toolCallDeduplicationId } from "../../handlers/producer";
import { createLane, silentLogger, type Harness, type LaneFixture, useHarness } from "../helpers/handler-fixtures";
import { toolCall, toolCallAttributes } from "../helpers/messages";
import { recordingSqsClient } from "./helpers/command-recorder";
import { lambdaContext, sqsEvent, sqsRecord } from "../helpers/sqs-events";

/** A tool that records what it ran and fails on demand: `failing` holds the steps that throw a transient error once. */
function recordingTool(ran: string[], failing: Set<string> = new Set()): ToolDefinition {
    return defineTool({
        name: "record-step",
        description: "test tool",
        argumentsSchema: z.strictObject({ step: z.string() }),
        async run(args) {
            if (failing.delete(args.step)) {
                throw new DownstreamUnavailableError("test tool", `step ${args.step} failed`);
            }
            ran.push(args.step);
            return { step: args.step };
        },
    });
}

describe("tool-call consumer", () => {
    let harness: Harness;
    let lane: LaneFixture;

    useHarness((started) => (harness = started));
    beforeEach(async () => {
        lane = await createLane(harness, { fifo: true, maxReceiveCount: 3, visibilityTimeoutSeconds: 60 });
    });

    async function enqueue(callId: string, step: string, toolName = "record-step"): Promise<void> {
        await harness.sqs.send(
            new SendMessageCommand({
                QueueUrl: lane.queueUrl,
                MessageBody: JSON.stringify(toolCall({ callId, toolCallId: step, toolName, arguments: { step } })),
                MessageAttributes: toolCallAttributes(),
                MessageGroupId: callId,
                MessageDeduplicationId: toolCallDeduplicationId(callId, step),
            }),
        );
    }

    const consumer = (tools: readonly ToolDefinition[]) =>
        createToolCallConsumer({ environment: lane.environment, tools, logger: silentLogger() });

    /**
     * fauxqs hands out one message per FIFO group at a time; AWS returns several messages of a
     * group in one receive (in order), which is what the ordering tests need. These tests build
     * the batch as Lambda would deliver it instead of receiving it from the emulator.
     */
    function fifoRecord(callId: string, step: string) {
        return sqsRecord({
            body: JSON.stringify(toolCall({ callId, toolCallId: step, toolName: "record-step", arguments: { step } })),
            messageGroupId: callId,
            deduplicationId: toolCallDeduplicationId(callId, step),
            queueName: "tool-calls.fifo",
        });
    }

    it("runs one call's tool calls in the order they were sent", async () => {
        // Prepare
        const ran: string[] = [];
        const event = sqsEvent(["1", "2", "3"].map((step) => fifoRecord("call-order", step)));

        // Act
        const response = await consumer([recordingTool(ran)])(event, lambdaContext());

        // Assess
        assert.deepEqual([ran, response.batchItemFailures], [["1", "2", "3"], []]);
    });

    it("holds back only the failing call's later tool calls, and runs the other calls", async () => {
        // Prepare
        const ran: string[] = [];
        const records = [fifoRecord("call-a", "a1"), fifoRecord("call-b", "b1"), fifoRecord("call-a", "a2"), fifoRecord("call-b", "b2")];

        // Act
        const response = await consumer([recordingTool(ran, new Set(["a1"]))])(sqsEvent(records), lambdaContext());

        // Assess
        assert.deepEqual(ran, ["b1", "b2"]);
        assert.deepEqual(
            response.batchItemFailures.map((failure) => failure.itemIdentifier),
            [records[0]!.messageId, records[2]!.messageId],
        );
    });

    it("gives the held-back tool calls of a failed call the same backoff", async () => {
        // Prepare
        const records = [fifoRecord("call-held", "h1"), fifoRecord("call-held", "h2")];
        const { client, commands } = recordingSqsClient({
            endpoint: harness.emulators.sqsEndpoint,
            region: harness.emulators.region,
            credentials: harness.emulators.credentials,
        });
        const handle = createToolCallConsumer({
            environment: lane.environment,
            tools: [recordingTool([], new Set(["h1"]))],
            logger: silentLogger(),
            clients: { sqs: client, s3: harness.s3, dynamoDb: harness.dynamoDb },
        });

        // Act
        await assert.rejects(handle(sqsEvent(records), lambdaContext()));

        // Assess
        const visibility = commands
            .filter((command) => command.name === "ChangeMessageVisibilityCommand")
            .map((command) => [command.input.ReceiptHandle, command.input.VisibilityTimeout]);
        assert.deepEqual(
            visibility,
            records.map((record) => [record.receiptHandle, 5]),
        );
    });

    it("dead-letters an unknown tool to the FIFO DLQ in its group with the producer's deduplication id, and the reason", async () => {
        // Prepare
        await enqueue("call-unknown", "u1", "no-such-tool");
        const event = await lane.receiveEvent();

        // Act
        const response = await consumer([recordingTool([])])(event, lambdaContext());

        // Assess
        assert.deepEqual(response, { batchItemFailures: [] });
        const [dead] = await lane.receiveDeadLetters();
        assert.deepEqual(
            [dead?.Attributes?.MessageGroupId, dead?.Attributes?.MessageDeduplicationId, deadLetterRecordOf(dead!)?.errorClass],
            ["call-unknown", toolCallDeduplicationId("call-unknown", "u1"), "UnknownToolError"],
        );
    });

    it("dead-letters a tool call whose arguments fail the tool's schema", async () => {
        // Prepare
        await harness.sqs.send(
            new SendMessageCommand({
                QueueUrl: lane.queueUrl,
                MessageBody: JSON.stringify(toolCall({ callId: "call-args", toolName: "record-step", arguments: { step: 7 } })),
                MessageGroupId: "call-args",
                MessageDeduplicationId: "call-args-1",
            }),
        );
        const event = await lane.receiveEvent();

        // Act
        await consumer([recordingTool([])])(event, lambdaContext());

        // Assess
        const [dead] = await lane.receiveDeadLetters();
        assert.match(deadLetterRecordOf(dead!)?.errorMessage ?? "", /'step': .*expected string.*; 7 given/);
    });

    it("runs a tool call once per deduplication id, even when redelivered later", async () => {
        // Prepare
        const ran: string[] = [];
        await enqueue("call-once", "o1");
        const event = await lane.receiveEvent();
        const handle = consumer([recordingTool(ran)]);

        // Act: the same delivery handled twice, as after a lost acknowledgement
        await handle(event, lambdaContext());
        const second = await handle(event, lambdaContext());

        // Assess
        assert.deepEqual([ran, second.batchItemFailures], [["o1"], []]);
    });
});
