import * as assert from "node:assert/strict";
import { ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createEscalationConsumer } from "../../handlers/escalation-consumer";
import { MessageAttributeName } from "../../handlers/messages";
import {
    emitEscalation,
    enqueueToolCall,
    OFFLOAD_THRESHOLD_BYTES,
    ProducerSendError,
    ProducerValidationError,
    toolCallDeduplicationId,
} from "../../handlers/producer";
import { createLane, silentLogger, type Harness, type LaneFixture, useHarness } from "../helpers/handler-fixtures";
import { escalation, toolCall } from "../helpers/messages";
import { lambdaContext } from "../helpers/sqs-events";

/**
 * fauxqs never fails single batch entries on its side; AWS does (throttling, InternalError).
 * This client drops the entries named by `failOnce` from the first batch that carries them and
 * reports them as server-side failures, sending the rest to the emulator for real.
 */
function flakySqsClient(harness: Harness, failOnce: Set<string>): { client: SQSClient; batchSizes: number[] } {
    const client = new SQSClient({
        endpoint: harness.emulators.sqsEndpoint,
        region: harness.emulators.region,
        credentials: harness.emulators.credentials,
    });
    const batchSizes: number[] = [];
    client.middlewareStack.add(
        (next, context) => async (args) => {
            if (context.commandName !== "SendMessageBatchCommand") {
                return next(args);
            }
            const input = args.input as SendMessageBatchCommand["input"];
            batchSizes.push(input.Entries?.length ?? 0);
            const failing = (input.Entries ?? []).filter((entry) => failOnce.delete(JSON.parse(entry.MessageBody ?? "{}").callId));
            const injected = failing.map((entry) => ({ Id: entry.Id, SenderFault: false, Code: "InternalError", Message: "injected" }));
            const remaining = (input.Entries ?? []).filter((entry) => !failing.includes(entry));
            if (remaining.length === 0) {
                return { output: { Successful: [], Failed: injected, $metadata: {} }, response: {} } as Awaited<ReturnType<typeof next>>;
            }
            const result = await next({ ...args, input: { ...input, Entries: remaining } });
            const output = result.output as { Failed?: unknown[] };
            output.Failed = [...(output.Failed ?? []), ...injected];
            return result;
        },
        { step: "initialize", name: "failSomeEntries" },
    );
    return { client, batchSizes };
}

describe("producer library", () => {
    let harness: Harness;
    let lane: LaneFixture;

    useHarness((started) => (harness = started));
    beforeEach(async () => {
        lane = await createLane(harness);
    });

    async function receiveAll(queueUrl: string) {
        const received = await harness.sqs.send(
            new ReceiveMessageCommand({
                QueueUrl: queueUrl,
                MaxNumberOfMessages: 10,
                WaitTimeSeconds: 1,
                MessageAttributeNames: ["All"],
                MessageSystemAttributeNames: ["All"],
            }),
        );
        return received.Messages ?? [];
    }

    it("sends an escalation with event type and schema version attributes", async () => {
        // Act
        await emitEscalation({ sqs: harness.sqs, queueUrl: lane.queueUrl }, escalation({ callId: "call-p1" }));

        // Assess
        const [message] = await receiveAll(lane.queueUrl);
        assert.deepEqual(
            [
                JSON.parse(message!.Body!).callId,
                message!.MessageAttributes?.[MessageAttributeName.eventType]?.StringValue,
                message!.MessageAttributes?.[MessageAttributeName.schemaVersion]?.StringValue,
            ],
            ["call-p1", "escalation.requested", "1"],
        );
    });

    it("sets an escalation id derived from the content, the same for a resend and different for a new escalation of the call", async () => {
        // Act
        const first = await emitEscalation(
            { sqs: harness.sqs, queueUrl: lane.queueUrl },
            escalation({ callId: "call-id1", reason: "annoyed" }),
        );
        const resent = await emitEscalation(
            { sqs: harness.sqs, queueUrl: lane.queueUrl },
            escalation({ callId: "call-id1", reason: "annoyed" }),
        );
        const next = await emitEscalation(
            { sqs: harness.sqs, queueUrl: lane.queueUrl },
            escalation({ callId: "call-id1", reason: "mentions self-harm" }),
        );

        // Assess
        const bodies = (await receiveAll(lane.queueUrl)).map((message) => JSON.parse(message.Body!) as { escalationId: string });
        assert.equal(resent.escalationIds[0], first.escalationIds[0]);
        assert.notEqual(next.escalationIds[0], first.escalationIds[0]);
        assert.deepEqual(
            bodies.map((body) => body.escalationId).sort(),
            [...first.escalationIds, ...resent.escalationIds, ...next.escalationIds].sort(),
        );
    });

    it("keeps an escalation id the caller gives", async () => {
        // Act
        const report = await emitEscalation(
            { sqs: harness.sqs, queueUrl: lane.queueUrl },
            escalation({ callId: "call-id2", escalationId: "agent-esc-42" }),
        );

        // Assess
        const [message] = await receiveAll(lane.queueUrl);
        assert.deepEqual([report.escalationIds, JSON.parse(message!.Body!).escalationId], [["agent-esc-42"], "agent-esc-42"]);
    });

    it("refuses an escalation id that cannot be an idempotency key, naming the field and the value", async () => {
        // Act + Assess
        await assert.rejects(
            emitEscalation({ sqs: harness.sqs, queueUrl: lane.queueUrl }, escalation({ escalationId: "has spaces in it" })),
            (error: Error) => error instanceof ProducerValidationError && /'escalationId'.*"has spaces in it" given/.test(error.message),
        );
    });

    it("refuses invalid input before sending anything, naming the field and the value", async () => {
        // Act + Assess
        await assert.rejects(
            emitEscalation({ sqs: harness.sqs, queueUrl: lane.queueUrl }, [
                escalation({ callId: "ok" }),
                escalation({ severity: "urgent" as never }),
            ]),
            (error: Error) => error instanceof ProducerValidationError && /escalation #1: 'severity'.*"urgent" given/.test(error.message),
        );
        assert.equal((await receiveAll(lane.queueUrl)).length, 0);
    });

    it("sends 25 escalations in batches of at most 10", async () => {
        // Prepare
        const { client, batchSizes } = flakySqsClient(harness, new Set());

        // Act
        const report = await emitEscalation(
            { sqs: client, queueUrl: lane.queueUrl },
            Array.from({ length: 25 }, (_, index) => escalation({ callId: `call-${index}` })),
        );

        // Assess
        assert.deepEqual([batchSizes, report.messageIds.filter((id) => id !== "").length], [[10, 10, 5], 25]);
    });

    it("retries the entries SQS failed on its side, and only those", async () => {
        // Prepare
        const { client, batchSizes } = flakySqsClient(harness, new Set(["call-r2"]));

        // Act
        await emitEscalation(
            { sqs: client, queueUrl: lane.queueUrl, retryBaseDelayMs: 1 },
            ["call-r1", "call-r2", "call-r3"].map((callId) => escalation({ callId })),
        );

        // Assess
        const callIds = (await receiveAll(lane.queueUrl)).map((message) => JSON.parse(message.Body!).callId).sort();
        assert.deepEqual(
            [batchSizes, callIds],
            [
                [3, 1],
                ["call-r1", "call-r2", "call-r3"],
            ],
        );
    });

    it("reports the entries still failing after every attempt", async () => {
        // Prepare: fails more times than attempts allowed
        const failOnce = new Set(["call-f1"]);
        const { client } = flakySqsClient(harness, failOnce);
        client.middlewareStack.add((next) => async (args) => (failOnce.add("call-f1"), next(args)), {
            step: "initialize",
            name: "keepFailing",
            priority: "high",
        });

        // Act + Assess
        await assert.rejects(
            emitEscalation(
                { sqs: client, queueUrl: lane.queueUrl, maxAttempts: 2, retryBaseDelayMs: 1 },
                escalation({ callId: "call-f1" }),
            ),
            (error: Error) =>
                error instanceof ProducerSendError && error.failures.length === 1 && error.failures[0]!.code === "InternalError",
        );
    });

    it("stores a payload over the size limit in S3 and the consumer reads it transparently", async () => {
        // Prepare
        const large = escalation({ callId: "call-large", context: { transcript: "x".repeat(OFFLOAD_THRESHOLD_BYTES) } });

        // Act
        const report = await emitEscalation(
            { sqs: harness.sqs, queueUrl: lane.queueUrl, s3: harness.s3, payloadBucketName: lane.bucketName },
            large,
        );
        const event = await lane.receiveEvent();
        await createEscalationConsumer({ environment: lane.environment, secrets: lane.secrets, logger: silentLogger() })(
            event,
            lambdaContext(),
        );

        // Assess
        assert.equal(report.offloadedPayloads, 1);
        assert.ok(event.Records[0]!.body.length < 500);
        const page = harness.receivers.pagerDuty.requests.at(-1)?.json as {
            dedup_key: string;
            payload: { custom_details: { transcript: string } };
        };
        assert.deepEqual([page.dedup_key, page.payload.custom_details.transcript.length], ["call-large", OFFLOAD_THRESHOLD_BYTES]);
    });

    it("refuses a payload over the limit when no bucket is configured", async () => {
        await assert.rejects(
            emitEscalation(
                { sqs: harness.sqs, queueUrl: lane.queueUrl },
                escalation({ context: { transcript: "x".repeat(OFFLOAD_THRESHOLD_BYTES) } }),
            ),
            /over the \d+-byte limit, and no payload bucket is configured/,
        );
    });

    it("enqueues tool calls with the call id as group and a deterministic deduplication id", async () => {
        // Prepare
        const fifo = await createLane(harness, { fifo: true });

        // Act
        await enqueueToolCall({ sqs: harness.sqs, queueUrl: fifo.queueUrl }, toolCall({ callId: "call-t", toolCallId: "tc-1" }));

        // Assess
        const [message] = await receiveAll(fifo.queueUrl);
        assert.deepEqual(
            [message!.Attributes?.MessageGroupId, message!.Attributes?.MessageDeduplicationId],
            ["call-t", toolCallDeduplicationId("call-t", "tc-1")],
        );
    });

    it("drops a tool call sent twice, through SQS FIFO deduplication", async () => {
        // Prepare
        const fifo = await createLane(harness, { fifo: true });
        const target = { sqs: harness.sqs, queueUrl: fifo.queueUrl };

        // Act
        await enqueueToolCall(target, toolCall({ callId: "call-twice", toolCallId: "tc-1" }));
        await enqueueToolCall(target, toolCall({ callId: "call-twice", toolCallId: "tc-1" }));

        // Assess
        const inspected = (await (await fetch(`${harness.emulators.sqsEndpoint}/_fauxqs/queues`)).json()) as {
            url: string;
            approximateMessageCount: number;
        }[];
        assert.equal(inspected.find((queue) => queue.url === fifo.queueUrl)?.approximateMessageCount, 1);
    });

    it("keeps a call's order when an earlier tool call must be retried", async () => {
        // Prepare: the first of two tool calls of one call fails once on the SQS side
        const fifo = await createLane(harness, { fifo: true });
        const { client, batchSizes } = flakySqsClient(harness, new Set(["call-ordered"]));

        // Act
        await enqueueToolCall({ sqs: client, queueUrl: fifo.queueUrl, retryBaseDelayMs: 1 }, [
            toolCall({ callId: "call-ordered", toolCallId: "first" }),
            toolCall({ callId: "call-ordered", toolCallId: "second" }),
        ]);

        // Assess: one message per group per batch, so "second" waits for "first"'s retry
        const state = (await (
            await fetch(`${harness.emulators.sqsEndpoint}/_fauxqs/queues/${fifo.queueUrl.split("/").at(-1)}`)
        ).json()) as {
            messages: { ready: { body: string }[] };
        };
        assert.deepEqual(
            [batchSizes, state.messages.ready.map((message) => JSON.parse(message.body).toolCallId)],
            [
                [1, 1, 1],
                ["first", "second"],
            ],
        );
    });
});
