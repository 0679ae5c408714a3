import * as assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { z } from "zod";
import { safetyMarginMs } from "../../handlers/deadline";
import { createEscalationConsumer } from "../../handlers/escalation-consumer";
import { HandlerEnvironment } from "../../handlers/environment";
import { AttemptRecords, messageIdentityOf } from "../../handlers/attempt-record";
import { createToolCallConsumer } from "../../handlers/tool-call-consumer";
import { defineTool, type ToolDefinition } from "../../handlers/tools";
import { toolCallDeduplicationId } from "../../handlers/producer";
import { createLane, silentLogger, type Harness, type LaneFixture, useHarness } from "../helpers/handler-fixtures";
import { escalation, escalationAttributes, toolCall } from "../helpers/messages";
import { lambdaContext, sqsEvent, sqsRecord } from "../helpers/sqs-events";

/**
 * The consumers' deadline guard (handlers/deadline.ts): near the function
 * timeout, nothing new starts and a running tool is stopped, so the invocation answers with a
 * partial batch response instead of timing out with the whole batch.
 */
describe("deadline guard", () => {
    let harness: Harness;
    useHarness((started) => (harness = started));

    describe("tool-call consumer", () => {
        let lane: LaneFixture;
        beforeEach(async () => {
            lane = await createLane(harness, { fifo: true, maxReceiveCount: 3, visibilityTimeoutSeconds: 60 });
        });

        /** `slow` waits for its signal (a well-behaved tool); `record` notes what ran. */
        function tools(ran: string[], stoppedBySignal: string[]): ToolDefinition[] {
            const schema = z.strictObject({ step: z.string() });
            return [
                defineTool({
                    name: "slow",
                    description: "waits far past the timeout unless stopped",
                    argumentsSchema: schema,
                    async run(args, invocation) {
                        try {
                            await sleep(60_000, undefined, { signal: invocation.signal });
                        } catch (error) {
                            stoppedBySignal.push(args.step);
                            throw error;
                        }
                        ran.push(args.step);
                        return null;
                    },
                }),
                defineTool({
                    name: "record",
                    description: "records the step",
                    argumentsSchema: schema,
                    async run(args) {
                        ran.push(args.step);
                        return null;
                    },
                }),
            ];
        }

        function record(callId: string, step: string, toolName: string) {
            return sqsRecord({
                body: JSON.stringify(toolCall({ callId, toolCallId: step, toolName, arguments: { step } })),
                messageGroupId: callId,
                deduplicationId: toolCallDeduplicationId(callId, step),
                queueName: "tool-calls.fifo",
            });
        }

        const attemptsOf = (body: string) =>
            new AttemptRecords(harness.dynamoDb, lane.environment[HandlerEnvironment.idempotencyTableName]!, 3600).read(
                messageIdentityOf({ body }),
            );

        it("stops a tool still running at the safety margin and answers before the deadline, with the rest of the batch handed back", async () => {
            // Prepare: a 1.5 s invocation; A1 would run for a minute, B1 comes after it
            const ran: string[] = [];
            const stopped: string[] = [];
            const slow = record("call-A", "A1", "slow");
            const after = record("call-B", "B1", "record");
            const handler = createToolCallConsumer({ environment: lane.environment, tools: tools(ran, stopped), logger: silentLogger() });
            const context = lambdaContext("tool-executor", 1500);

            // Act
            const response = await handler(sqsEvent([slow, after]), context).catch((error: Error) => error);
            const remainingAtAnswer = context.getRemainingTimeInMillis();

            // Assess: answered in time (all failed: FullBatchFailureError, Lambda's whole-batch retry), the tool was told to stop
            assert.deepEqual(
                [response instanceof Error && response.name, remainingAtAnswer > 0, stopped, ran],
                ["FullBatchFailureError", true, ["A1"], []],
            );
        });

        it("counts the stopped tool as an attempt and the records handed back unstarted as none", async () => {
            // Prepare
            const slow = record("call-C", "C1", "slow");
            const after = record("call-D", "D1", "record");
            const handler = createToolCallConsumer({ environment: lane.environment, tools: tools([], []), logger: silentLogger() });

            // Act
            await handler(sqsEvent([slow, after]), lambdaContext("tool-executor", 1500)).catch(() => undefined);

            // Assess
            const [slowCount, afterCount] = await Promise.all([attemptsOf(slow.body), attemptsOf(after.body)]);
            assert.deepEqual(
                [slowCount.attempts, slowCount.lastFailure?.errorClass, afterCount.attempts],
                [1, "StepDeadlineExceededError", 0],
            );
        });

        it("runs a record handed back at the deadline on its next delivery, once", async () => {
            // Prepare: E1 is handed back unstarted by an invocation with no time left for it
            const ran: string[] = [];
            const handler = createToolCallConsumer({ environment: lane.environment, tools: tools(ran, []), logger: silentLogger() });
            const cutOff = record("call-E", "E1", "record");
            const first = await handler(sqsEvent([cutOff]), lambdaContext("tool-executor", safetyMarginMs(1000) - 50)).catch(
                (error: Error) => error,
            );

            // Act
            const second = await handler(sqsEvent([cutOff]), lambdaContext("tool-executor", 30_000));

            // Assess
            assert.deepEqual([first instanceof Error, ran, second.batchItemFailures], [true, ["E1"], []]);
        });
    });

    describe("escalation consumer", () => {
        let lane: LaneFixture;
        beforeEach(async () => {
            lane = await createLane(harness, { maxReceiveCount: 3, visibilityTimeoutSeconds: 60 });
        });

        it("does not start the PagerDuty step without room for its whole time limit, and counts no attempt", async () => {
            // Prepare: 2 s left, the PagerDuty call may take 2 s: no room for it and the margin
            await harness.sqs.send(
                new SendMessageCommand({
                    QueueUrl: lane.queueUrl,
                    MessageBody: JSON.stringify(escalation({ callId: "call-late" })),
                    MessageAttributes: escalationAttributes(),
                }),
            );
            const event = await lane.receiveEvent();
            const handler = createEscalationConsumer({
                environment: lane.environment,
                secrets: lane.secrets,
                logger: silentLogger(),
                downstreamTimeoutMs: 2000,
            });

            // Act
            const outcome = await handler(event, lambdaContext("escalation-pager", 2000)).catch((error: Error) => error.name);
            const count = await new AttemptRecords(harness.dynamoDb, lane.environment[HandlerEnvironment.idempotencyTableName]!, 3600).read(
                messageIdentityOf(event.Records[0]!),
            );

            // Assess: nothing paged, the message is handed back (the whole batch: FullBatchFailureError), no attempt
            assert.deepEqual([outcome, harness.receivers.pagerDuty.requests.length, count.attempts], ["FullBatchFailureError", 0, 0]);
        });

        it("hands a message back as a fresh copy on its last receive, so SQS never moves it without a reason", async () => {
            // Prepare: the third (last) receive, no room for the PagerDuty step
            const body = JSON.stringify(escalation({ callId: "call-last-late" }));
            const onLastReceive = {
                ...sqsRecord({ body, queueName: "escalations" }),
                attributes: { ...sqsRecord().attributes, ApproximateReceiveCount: "3" },
            };
            const handler = createEscalationConsumer({
                environment: lane.environment,
                secrets: lane.secrets,
                logger: silentLogger(),
                downstreamTimeoutMs: 2000,
            });

            // Act
            const response = await handler(sqsEvent([onLastReceive]), lambdaContext("escalation-pager", 2000));
            const copies = await lane.receiveEvent(10, 1);

            // Assess: acknowledged (not in batchItemFailures), its copy is in the queue, nothing paged
            assert.deepEqual(
                [response.batchItemFailures, copies.Records.map((copy) => copy.body), harness.receivers.pagerDuty.requests.length],
                [[], [body], 0],
            );
        });
    });
});
