import * as assert from "node:assert/strict";
import { Logger } from "@aws-lambda-powertools/logger";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { DeleteMessageCommand, KmsAccessDenied, SendMessageCommand, type Message, type MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { z } from "zod";
import type { SqsConsumerHandler } from "../../handlers/types";
import { createEscalationConsumer } from "../../handlers/escalation-consumer";
import { AttemptRecords, messageIdentityOf } from "../../handlers/attempt-record";
import { DEAD_LETTER_ATTRIBUTE, deadLetterRecordOf, replayRequestOf } from "../../handlers/dead-letter";
import { DownstreamUnavailableError } from "../../handlers/errors";
import { HandlerEnvironment } from "../../handlers/environment";
import { MessageAttributeName, encodePayloadPointer, toolCallDeduplicationId } from "../../handlers/messages";

import { createToolCallConsumer } from "../../handlers/tool-call-consumer";
import { defineTool, type ToolDefinition, type ToolInvocation } from "../../handlers/tools";
import { recordingSqsClient, refusingSqsClient } from "./helpers/command-recorder";
import {
    captureStdout,
    createLane,
    silentLogger,
    type Harness,
    type LaneFixture,
    type LaneOptions,
    useHarness,
    TEST_HANDLER_VERSION,
} from "../helpers/handler-fixtures";
import { escalation, escalationAttributes, toolCall, toolCallAttributes } from "../helpers/messages";
import { lambdaContext, onAttempt, sqsEvent, sqsRecord } from "../helpers/sqs-events";

/**
 * One `it` per dead-letter fault of issue 9 (items 5-8) and issue 11 (FIFO ids), each run with the
 * real handler factories on fauxqs and dynalite, asserting exactly what lands in the DLQ.
 */

/** `count` producer attributes beyond the envelope pair, so a message can use all ten SQS allows. */
function extraAttributes(count: number): Record<string, MessageAttributeValue> {
    return Object.fromEntries(
        Array.from({ length: count }, (_, index) => [`producer-${index}`, { DataType: "String", StringValue: `value-${index}` }]),
    );
}

/** The DLQ message's attributes without the reason. */
function withoutReason(message: Message): Record<string, MessageAttributeValue> {
    const { [DEAD_LETTER_ATTRIBUTE]: _reason, ...rest } = message.MessageAttributes ?? {};
    return rest;
}

/** Attributes as ReceiveMessage returns them (no empty list fields), for exact comparison. */
function received(attributes: Record<string, MessageAttributeValue>): Record<string, MessageAttributeValue> {
    return Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [name, { DataType: value.DataType, StringValue: value.StringValue }]),
    );
}

/** A logger whose lines captureLogs can read. */
function infoLogger(): Logger {
    return new Logger({ serviceName: "test", logLevel: "INFO" });
}

/** The JSON log lines `action` writes; Powertools writes ERROR lines to stderr, the rest to stdout. */
async function captureLogs(action: () => Promise<void>): Promise<Record<string, unknown>[]> {
    const errors: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
        errors.push(
            ...String(chunk)
                .split("\n")
                .filter((line) => line.trim() !== ""),
        );
        return true;
    }) as typeof process.stderr.write;
    let lines: string[];
    try {
        lines = await captureStdout(action);
    } finally {
        process.stderr.write = original;
    }
    return [...lines, ...errors].map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The reason's fields a test can know in advance (firstSeen is a time). */
function reasonOf(message: Message) {
    const record = deadLetterRecordOf(message);
    if (record === undefined) {
        return undefined;
    }
    const { firstSeen: _firstSeen, errorMessage: _errorMessage, ...known } = record;
    return known;
}

describe("dead-letter faults", () => {
    let harness: Harness;

    useHarness((started) => (harness = started));

    const escalationConsumer = (lane: LaneFixture, environment: Record<string, string> = {}) =>
        createEscalationConsumer({
            environment: { ...lane.environment, ...environment },
            secrets: lane.secrets,
            logger: silentLogger(),
            downstreamTimeoutMs: 2000,
        });

    async function sendEscalation(lane: LaneFixture, body: unknown, attributes: Record<string, MessageAttributeValue>): Promise<string> {
        const sent = await harness.sqs.send(
            new SendMessageCommand({
                QueueUrl: lane.queueUrl,
                MessageBody: typeof body === "string" ? body : JSON.stringify(body),
                MessageAttributes: attributes,
            }),
        );
        return sent.MessageId!;
    }

    /** Receives one batch and runs it through `handle`, acknowledging as the event source mapping does. */
    async function runOnce(lane: LaneFixture, handle: SqsConsumerHandler) {
        const event = await lane.receiveEvent();
        const response = await handle(event, lambdaContext()).catch(() => ({
            batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
        }));
        await lane.acknowledge(event, response);
        return { event, response };
    }

    /** Sends a dead letter's replay to the lane's queue and runs it once. */
    async function replay(lane: LaneFixture, deadLetter: Message, handle: SqsConsumerHandler) {
        await harness.sqs.send(new SendMessageCommand(replayRequestOf(deadLetter, lane.queueUrl)));
        return runOnce(lane, handle);
    }

    /**
     * A poison escalation (a severity the schema refuses) with the producer's attributes and `extra`
     * more, sent to a fresh lane.
     */
    async function sendPoison(callId: string, extra: number) {
        const lane = await createLane(harness);
        const body = JSON.stringify(escalation({ callId, severity: "urgent" as "critical" }));
        const attributes = escalationAttributes(extraAttributes(extra));
        const sourceMessageId = await sendEscalation(lane, body, attributes);
        return { lane, body, attributes, sourceMessageId };
    }

    /** The reason a poison message's dead letter carries after its one attempt. */
    function poisonReason(sourceMessageId: string, layout: "attributes" | "envelope") {
        return {
            format: 1,
            kind: "poison",
            errorClass: "InvalidMessageError",
            attempts: 1,
            handlerVersion: TEST_HANDLER_VERSION,
            sourceMessageId,
            layout,
        };
    }

    describe("every original attribute survives (item 5)", () => {
        it("keeps all nine original attributes of a poison message beside one reason attribute", async () => {
            // Prepare: nine attributes, so the reason needs the tenth
            const { lane, body, attributes, sourceMessageId } = await sendPoison("call-nine", 7);

            // Act
            await runOnce(lane, escalationConsumer(lane));

            // Assess
            const [dead] = await lane.receiveDeadLetters();
            assert.deepEqual(
                [dead?.Body, withoutReason(dead!), reasonOf(dead!)],
                [body, received(attributes), poisonReason(sourceMessageId, "attributes")],
            );
        });

        it("wraps a message using all ten attributes in an envelope, and its replay is the original", async () => {
            // Prepare
            const { lane, body, attributes, sourceMessageId } = await sendPoison("call-ten", 8);

            // Act
            await runOnce(lane, escalationConsumer(lane));

            // Assess: the only attribute is the reason; the replay request is the producer's message
            const [dead] = await lane.receiveDeadLetters();
            const replayed = replayRequestOf(dead!, lane.queueUrl);
            assert.deepEqual(
                [
                    Object.keys(dead?.MessageAttributes ?? {}),
                    reasonOf(dead!),
                    replayed.MessageBody,
                    received(replayed.MessageAttributes ?? {}),
                ],
                [[DEAD_LETTER_ATTRIBUTE], poisonReason(sourceMessageId, "envelope"), body, received(attributes)],
            );
        });

        it("keeps an S3-pointer message's pointer attributes, and its replay pages like the original", async () => {
            // Prepare: a pointer message with producer attributes besides the pointer's; PagerDuty down for its only attempt
            const lane = await createLane(harness, { maxReceiveCount: 1 });
            const payload = JSON.stringify(escalation({ callId: "call-pointer", context: { transcript: "t".repeat(300_000) } }));
            await harness.s3.send(new PutObjectCommand({ Bucket: lane.bucketName, Key: "escalation.requested/big.json", Body: payload }));
            const pointer = encodePayloadPointer({ s3BucketName: lane.bucketName, s3Key: "escalation.requested/big.json" });
            const attributes = escalationAttributes({
                ...extraAttributes(5),
                [MessageAttributeName.extendedPayloadSize]: { DataType: "Number", StringValue: String(payload.length) },
            });
            await sendEscalation(lane, pointer, attributes);
            const handle = escalationConsumer(lane);
            harness.receivers.pagerDuty.failNext(1, { status: 503 });
            await runOnce(lane, handle);
            const [dead] = await lane.receiveDeadLetters();

            // Act
            const { response } = await replay(lane, dead!, handle);

            // Assess
            assert.deepEqual(
                [
                    dead?.Body,
                    withoutReason(dead!),
                    deadLetterRecordOf(dead!)?.kind,
                    response.batchItemFailures,
                    [...harness.receivers.pagerDuty.incidents.keys()],
                ],
                [pointer, received(attributes), "exhausted", [], ["call-pointer"]],
            );
        });
    });

    describe("the forward is size-aware, and every refusal is an ERROR (item 6)", () => {
        const smallDlq: LaneOptions = { deadLetterMaximumMessageSize: 2048 };
        const bigPoison = () =>
            JSON.stringify(escalation({ callId: "call-big", severity: "urgent" as "critical", context: { notes: "n".repeat(1900) } }));

        it("puts the body of a copy too large for the DLQ in the payload bucket, and its replay is the original", async () => {
            // Prepare: the DLQ takes 2 KiB, and the function knows it (its source queue as small: a DLQ is never smaller than its source)
            const lane = await createLane(harness, smallDlq);
            const body = bigPoison();
            const attributes = escalationAttributes(extraAttributes(3));
            await sendEscalation(lane, body, attributes);

            // Act
            await runOnce(
                lane,
                escalationConsumer(lane, {
                    [HandlerEnvironment.maximumMessageSizeBytes]: "2048",
                    [HandlerEnvironment.deadLetterMaximumMessageSizeBytes]: "2048",
                }),
            );

            // Assess: the pointer's object holds the original body; the replay carries every attribute plus the pointer's size
            const [dead] = await lane.receiveDeadLetters();
            const offloaded = deadLetterRecordOf(dead!)?.offloadedBody;
            const stored = await harness.s3.send(new GetObjectCommand({ Bucket: offloaded!.s3BucketName, Key: offloaded!.s3Key }));
            const replayed = replayRequestOf(dead!, lane.queueUrl);
            assert.deepEqual(
                [await stored.Body!.transformToString("utf8"), withoutReason(dead!), received(replayed.MessageAttributes ?? {})],
                [
                    body,
                    received(attributes),
                    received({
                        ...attributes,
                        [MessageAttributeName.extendedPayloadSize]: { DataType: "Number", StringValue: String(body.length) },
                    }),
                ],
            );
        });

        it("logs an ERROR naming the size when the DLQ refuses a copy, then forwards it offloaded with its reason", async () => {
            // Prepare: the DLQ takes 2 KiB, but the function believes the default 256 KiB
            const lane = await createLane(harness, smallDlq);
            await sendEscalation(lane, bigPoison(), escalationAttributes());
            let result: Awaited<ReturnType<typeof runOnce>> | undefined;

            // Act
            const lines = await captureLogs(async () => {
                result = await runOnce(
                    lane,
                    createEscalationConsumer({
                        environment: lane.environment,
                        secrets: lane.secrets,
                        logger: infoLogger(),
                        downstreamTimeoutMs: 2000,
                    }),
                );
            });

            // Assess
            const refusals = lines.filter((entry) => entry.message === "DLQ forward refused");
            const [dead] = await lane.receiveDeadLetters();
            assert.deepEqual(
                [
                    refusals.map((entry) => [entry.level, entry.refusal, /shorter than 2048 bytes/.test(String(entry.cause))]),
                    deadLetterRecordOf(dead!)?.errorClass,
                    result?.response.batchItemFailures,
                ],
                [[["ERROR", "size", true]], "InvalidMessageError", []],
            );
        });

        it("logs an ERROR naming a KMS refusal and leaves the message in the queue, its reason in the attempt record", async () => {
            // Prepare: the DLQ's KMS key is not usable by the function
            const lane = await createLane(harness);
            await sendEscalation(
                lane,
                JSON.stringify(escalation({ callId: "call-kms", severity: "urgent" as "critical" })),
                escalationAttributes(),
            );
            const sqs = refusingSqsClient(
                { endpoint: harness.emulators.sqsEndpoint, region: harness.emulators.region, credentials: harness.emulators.credentials },
                (name, input) =>
                    name === "SendMessageCommand" && input.QueueUrl === lane.deadLetterQueueUrl
                        ? new KmsAccessDenied({ message: "User is not authorized to perform kms:GenerateDataKey", $metadata: {} })
                        : undefined,
            );
            const handle = createEscalationConsumer({
                environment: lane.environment,
                secrets: lane.secrets,
                logger: infoLogger(),
                clients: { sqs, s3: harness.s3, dynamoDb: harness.dynamoDb },
            });
            let result: Awaited<ReturnType<typeof runOnce>> | undefined;

            // Act
            const lines = await captureLogs(async () => {
                result = await runOnce(lane, handle);
            });

            // Assess: not acknowledged (SQS's redrive is the safety net), the cause named, the reason on record
            const refusals = lines.filter((entry) => entry.message === "DLQ forward refused");
            const attempts = await new AttemptRecords(
                harness.dynamoDb,
                lane.environment[HandlerEnvironment.idempotencyTableName]!,
                3600,
            ).read(messageIdentityOf(result!.event.Records[0]!));
            assert.deepEqual(
                [
                    refusals.map((entry) => [entry.level, entry.refusal, String(entry.cause).split(":")[0]]),
                    result?.response.batchItemFailures.length,
                    attempts.lastFailure?.errorClass,
                ],
                [[["ERROR", "send-message", "KmsAccessDenied"]], 1, "InvalidMessageError"],
            );
        });
    });

    describe("a standard DLQ takes one copy of a message (item 10)", () => {
        const poisonBody = (callId: string) => JSON.stringify(escalation({ callId, severity: "urgent" as "critical" }));

        it("forwards a poison message to a standard DLQ once when the consumer is killed between the forward and SQS's delete", async () => {
            // Prepare: the first delivery forwarded the message, then the consumer was killed before SQS deleted it
            const lane = await createLane(harness);
            await sendEscalation(lane, poisonBody("call-killed"), escalationAttributes());
            const handle = escalationConsumer(lane);
            const [record] = (await lane.receiveEvent()).Records;
            await handle({ Records: [record!] }, lambdaContext());

            // Act: the message comes back after its visibility timeout
            const redelivery = { Records: [onAttempt(record!, 2)] };
            const response = await handle(redelivery, lambdaContext());
            await lane.acknowledge(redelivery, response);

            // Assess
            const deadLetters = await lane.receiveDeadLetters();
            assert.deepEqual(
                [response, deadLetters.length, reasonOf(deadLetters[0]!)?.errorClass],
                [{ batchItemFailures: [] }, 1, "InvalidMessageError"],
            );
        });

        it("acknowledges a message it already dead-lettered without running it again when it comes back after a kill: Slack waits for the replay", async () => {
            // Prepare: Slack refused the post after the page, the message was dead-lettered, the delete was lost
            const lane = await createLane(harness);
            await sendEscalation(lane, escalation({ callId: "call-killed-slack" }), escalationAttributes());
            harness.receivers.slack.failNext(1, { status: 404, body: "no_service" });
            const handle = escalationConsumer(lane);
            const [record] = (await lane.receiveEvent()).Records;
            await handle({ Records: [record!] }, lambdaContext());

            // Act
            const response = await handle({ Records: [onAttempt(record!, 2)] }, lambdaContext());

            // Assess: no second copy, and the redelivery did not post (its dead letter's replay will)
            const deadLetters = await lane.receiveDeadLetters();
            assert.deepEqual(
                [
                    response,
                    deadLetters.map((dead) => reasonOf(dead)?.errorClass),
                    harness.receivers.slack.requests.map((request) => request.answeredStatus),
                ],
                [{ batchItemFailures: [] }, ["SlackFailedAfterPageError"], [404]],
            );
        });

        it("forwards a message whose earlier forward was refused: a refused forward leaves no mark that could lose it", async () => {
            // Prepare: the DLQ refused the first forward (KMS); the message stayed in the queue
            const lane = await createLane(harness);
            await sendEscalation(lane, poisonBody("call-refused-then-taken"), escalationAttributes());
            const refusing = refusingSqsClient(
                { endpoint: harness.emulators.sqsEndpoint, region: harness.emulators.region, credentials: harness.emulators.credentials },
                (name, input) =>
                    name === "SendMessageCommand" && input.QueueUrl === lane.deadLetterQueueUrl
                        ? new KmsAccessDenied({ message: "User is not authorized to perform kms:GenerateDataKey", $metadata: {} })
                        : undefined,
            );
            const [record] = (await lane.receiveEvent()).Records;
            const refused = await createEscalationConsumer({
                environment: lane.environment,
                secrets: lane.secrets,
                logger: silentLogger(),
                clients: { sqs: refusing, s3: harness.s3, dynamoDb: harness.dynamoDb },
            })({ Records: [record!] }, lambdaContext()).catch((error: unknown) => error);

            // Act
            const response = await escalationConsumer(lane)({ Records: [onAttempt(record!, 2)] }, lambdaContext());

            // Assess
            const deadLetters = await lane.receiveDeadLetters();
            assert.deepEqual(
                [refused instanceof Error, response, deadLetters.length, reasonOf(deadLetters[0]!)?.attempts],
                [true, { batchItemFailures: [] }, 1, 2],
            );
        });

        it("dead-letters each resend of one body, and a replay that fails again: each is its own SQS message", async () => {
            // Prepare
            const lane = await createLane(harness);
            const body = poisonBody("call-resent-poison");
            await sendEscalation(lane, body, escalationAttributes());
            await sendEscalation(lane, body, escalationAttributes());
            const handle = escalationConsumer(lane);
            await runOnce(lane, handle);
            const first = await lane.receiveDeadLetters();

            // Act
            await replay(lane, first[0]!, handle);

            // Assess
            const afterReplay = await lane.receiveDeadLetters();
            assert.deepEqual([first.length, afterReplay.length, afterReplay[0]?.Body], [2, 1, body]);
        });
    });

    describe("FIFO: real attempts, not receives (item 7), and the producer's ids (issue 11)", () => {
        let lane: LaneFixture;

        beforeEach(async () => {
            lane = await createLane(harness, {
                fifo: true,
                maxReceiveCount: 3,
                visibilityTimeoutSeconds: 60,
                backoffTiersSeconds: [5, 30, 300],
            });
        });

        /** A tool that fails transiently while `failing` holds its step, and is poison for step "poison" (bad arguments). */
        function stepTool(ran: string[], failing: Set<string>): ToolDefinition {
            return defineTool({
                name: "step",
                description: "test tool",
                argumentsSchema: z.strictObject({ step: z.string() }),
                async run(args) {
                    if (failing.has(args.step)) {
                        throw new DownstreamUnavailableError("test tool", `step ${args.step} failed`);
                    }
                    ran.push(args.step);
                    return { step: args.step };
                },
            });
        }

        /** A record as Lambda delivers it (fauxqs hands out one message per group; AWS several). */
        function fifoRecord(callId: string, step: string, args: Record<string, unknown> = { step }): SQSRecord {
            return sqsRecord({
                body: JSON.stringify(toolCall({ callId, toolCallId: step, toolName: "step", arguments: args })),
                messageGroupId: callId,
                deduplicationId: toolCallDeduplicationId(callId, step),
                messageAttributes: toolCallAttributes(),
                queueName: "tool-calls.fifo",
            });
        }

        const toolConsumer = (tools: readonly ToolDefinition[], sqs = harness.sqs) =>
            createToolCallConsumer({
                environment: lane.environment,
                tools,
                logger: silentLogger(),
                clients: { sqs, s3: harness.s3, dynamoDb: harness.dynamoDb },
            });

        it("keeps the producer's group and deduplication id on a handler-forwarded dead letter, and in its replay", async () => {
            // Prepare
            await harness.sqs.send(
                new SendMessageCommand({
                    QueueUrl: lane.queueUrl,
                    MessageBody: JSON.stringify(toolCall({ callId: "call-dedup", toolName: "no-such-tool" })),
                    MessageAttributes: toolCallAttributes(),
                    MessageGroupId: "call-dedup",
                    MessageDeduplicationId: "ORIGINAL-DEDUP-ID",
                }),
            );

            // Act
            await runOnce(lane, toolConsumer([]));

            // Assess
            const [dead] = await lane.receiveDeadLetters();
            const replayed = replayRequestOf(dead!, lane.queueUrl);
            assert.deepEqual(
                [
                    dead?.Attributes?.MessageGroupId,
                    dead?.Attributes?.MessageDeduplicationId,
                    replayed.MessageGroupId,
                    replayed.MessageDeduplicationId,
                ],
                ["call-dedup", "ORIGINAL-DEDUP-ID", "call-dedup", "ORIGINAL-DEDUP-ID"],
            );
        });

        it("forwards a replayed dead letter that fails again within five minutes, though the DLQ deduplicates", async () => {
            // Prepare: dead-lettered once, then redriven (the DLQ copy is deleted), and it fails again
            const record = fifoRecord("call-again", "s1", { step: 7 });
            const handle = toolConsumer([stepTool([], new Set())]);
            await handle(sqsEvent([record]), lambdaContext());
            const [first] = await lane.receiveDeadLetters();
            await harness.sqs.send(new DeleteMessageCommand({ QueueUrl: lane.deadLetterQueueUrl, ReceiptHandle: first!.ReceiptHandle }));

            // Act: the replay, a new message with the same producer ids
            await handle(sqsEvent([{ ...record, messageId: "replayed-message-id" }]), lambdaContext());

            // Assess: the second copy reached the DLQ, under a deduplication id derived from the producer's
            const dead = await lane.receiveDeadLetters();
            assert.deepEqual(
                dead.map((message) => [
                    deadLetterRecordOf(message)?.sourceMessageId,
                    message.Attributes?.MessageDeduplicationId,
                    replayRequestOf(message, lane.queueUrl).MessageDeduplicationId,
                ]),
                [["replayed-message-id", `${record.attributes.MessageDeduplicationId}.dl2`, record.attributes.MessageDeduplicationId]],
            );
        });

        it("does not charge a held-back message an attempt: its first real failure backs off by the first tier", async () => {
            // Prepare: a1 fails, a2 is held back behind it; on the next receive a1 succeeds and a2 fails
            const failing = new Set(["a1"]);
            const [a1, a2] = [fifoRecord("call-held", "a1"), fifoRecord("call-held", "a2")];
            const { client, commands } = recordingSqsClient({
                endpoint: harness.emulators.sqsEndpoint,
                region: harness.emulators.region,
                credentials: harness.emulators.credentials,
            });
            const handle = toolConsumer([stepTool([], failing)], client);
            await assert.rejects(handle(sqsEvent([a1!, a2!]), lambdaContext()));
            failing.clear();
            failing.add("a2");
            commands.length = 0;

            // Act: receive 2 of a2, its first run
            await handle(sqsEvent([onAttempt(a1!, 2), onAttempt(a2!, 2)]), lambdaContext());

            // Assess
            const visibility = commands
                .filter((command) => command.name === "ChangeMessageVisibilityCommand")
                .map((command) => command.input.VisibilityTimeout);
            assert.deepEqual(visibility, [5]);
        });

        it("records attempts = the number of times a message ran, not its receive count", async () => {
            // Prepare: p2 (poison arguments) is held back twice behind p1, which then succeeds
            const failing = new Set(["p1"]);
            const [p1, p2] = [fifoRecord("call-count", "p1"), fifoRecord("call-count", "p2", { step: 7 })];
            const handle = toolConsumer([stepTool([], failing)]);
            for (const receive of [1, 2]) {
                await assert.rejects(handle(sqsEvent([onAttempt(p1!, receive), onAttempt(p2!, receive)]), lambdaContext()));
            }
            failing.clear();

            // Act: receive 3 of p2, its first run
            await handle(sqsEvent([onAttempt(p1!, 3), onAttempt(p2!, 3)]), lambdaContext());

            // Assess
            const dead = await lane.receiveDeadLetters();
            assert.deepEqual(
                dead.map((message) => [deadLetterRecordOf(message)?.kind, deadLetterRecordOf(message)?.attempts]),
                [["poison", 1]],
            );
        });

        it("never dead-letters a held-back message as exhausted: on SQS's last receive it is forwarded as receive-limit, attempts 0", async () => {
            // Prepare: h1 fails on its first run; h2 behind it is on its third receive (held back before), SQS's last
            const [h1, h2] = [fifoRecord("call-limit", "h1"), fifoRecord("call-limit", "h2")];
            const handle = toolConsumer([stepTool([], new Set(["h1"]))]);

            // Act
            const response = await handle(sqsEvent([h1!, onAttempt(h2!, 3)]), lambdaContext()).catch(() => undefined);

            // Assess: h1 comes back; h2 is in the DLQ with a reason rather than moved by SQS without one
            const dead = await lane.receiveDeadLetters();
            assert.deepEqual(
                [
                    response?.batchItemFailures.map((failure) => failure.itemIdentifier),
                    dead.map((message) => [
                        deadLetterRecordOf(message)?.kind,
                        deadLetterRecordOf(message)?.errorClass,
                        deadLetterRecordOf(message)?.attempts,
                    ]),
                ],
                [[h1!.messageId], [["receive-limit", "HeldBackError", 0]]],
            );
        });
    });

    describe("tool results never cause a re-run (item 8)", () => {
        let lane: LaneFixture;

        beforeEach(async () => {
            lane = await createLane(harness, { fifo: true, maxReceiveCount: 3, visibilityTimeoutSeconds: 60 });
        });

        function resultTool(runs: ToolInvocation[], result: () => string): ToolDefinition {
            return defineTool({
                name: "big-result",
                description: "test tool",
                argumentsSchema: z.strictObject({}),
                async run(_args, invocation) {
                    runs.push(invocation);
                    return { text: result() };
                },
            });
        }

        function bigResultRecord(messageId: string, deduplicationId: string): SQSRecord {
            return sqsRecord({
                messageId,
                body: JSON.stringify(toolCall({ callId: "call-big-result", toolCallId: "t1", toolName: "big-result", arguments: {} })),
                messageGroupId: "call-big-result",
                deduplicationId,
                queueName: "tool-calls.fifo",
            });
        }

        it("runs a tool returning ~450 KB once, however often the message is delivered", async () => {
            // Prepare
            const runs: ToolInvocation[] = [];
            const handle = createToolCallConsumer({
                environment: lane.environment,
                tools: [resultTool(runs, () => "r".repeat(450_000))],
                logger: silentLogger(),
            });
            const event = sqsEvent([bigResultRecord("m-1", "d-1")]);

            // Act
            const responses = [await handle(event, lambdaContext()), await handle(event, lambdaContext())];

            // Assess
            assert.deepEqual([runs.length, responses.map((response) => response.batchItemFailures)], [1, [[], []]]);
        });

        it("gives the tool a stable invocation.idempotencyKey, and does not re-run it after SQS's own redrive changed the ids", async () => {
            // Prepare: SQS's redrive gives a new message id and replaces the deduplication id by it
            const runs: ToolInvocation[] = [];
            const handle = createToolCallConsumer({
                environment: lane.environment,
                tools: [resultTool(runs, () => "small")],
                logger: silentLogger(),
            });
            await handle(sqsEvent([bigResultRecord("m-1", "d-1")]), lambdaContext());

            // Act
            await handle(sqsEvent([bigResultRecord("m-2", "m-2")]), lambdaContext());

            // Assess
            assert.deepEqual(
                runs.map((invocation) => invocation.idempotencyKey),
                [toolCallDeduplicationId("call-big-result", "t1")],
            );
        });
    });
});
