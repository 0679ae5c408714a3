import * as assert from "node:assert/strict";
import { FullBatchFailureError } from "@aws-lambda-powertools/batch";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { createEscalationConsumer } from "../../handlers/escalation-consumer";
import { deadLetterRecordOf } from "../../handlers/dead-letter";
import { encodePayloadPointer, MessageAttributeName } from "../../handlers/messages";

import {
    captureStdout,
    createLane,
    inflightDeadline,
    silentLogger,
    TEST_ROUTING_KEY,
    type Harness,
    type LaneFixture,
    useHarness,
    TEST_HANDLER_VERSION,
} from "../helpers/handler-fixtures";
import { escalation, escalationAttributes } from "../helpers/messages";
import { lambdaContext, onAttempt } from "../helpers/sqs-events";

describe("escalation consumer", () => {
    let harness: Harness;
    let lane: LaneFixture;

    useHarness((started) => (harness = started));
    beforeEach(async () => {
        lane = await createLane(harness, { maxReceiveCount: 3, visibilityTimeoutSeconds: 60 });
    });

    const consumer = (downstreamTimeoutMs = 2000) =>
        createEscalationConsumer({ environment: lane.environment, secrets: lane.secrets, logger: silentLogger(), downstreamTimeoutMs });

    async function send(body: unknown, attributes = escalationAttributes()): Promise<void> {
        await harness.sqs.send(
            new SendMessageCommand({ QueueUrl: lane.queueUrl, MessageBody: JSON.stringify(body), MessageAttributes: attributes }),
        );
    }

    it("pages PagerDuty with the call id as dedup key and posts to Slack", async () => {
        // Prepare
        await send(escalation({ callId: "call-success", severity: "critical", reason: "caller asked for a human" }));
        const event = await lane.receiveEvent();

        // Act
        const response = await consumer()(event, lambdaContext());

        // Assess
        assert.deepEqual(response, { batchItemFailures: [] });
        const page = harness.receivers.pagerDuty.requests[0]?.json as Record<string, unknown>;
        assert.deepEqual(
            [page.routing_key, page.event_action, page.dedup_key, (page.payload as Record<string, unknown>).severity],
            [TEST_ROUTING_KEY, "trigger", "call-success", "critical"],
        );
        assert.match(
            (harness.receivers.slack.requests[0]?.json as { text: string }).text,
            /call-success needs a human: caller asked for a human/,
        );
    });

    it("reports only the failed record when one of a batch fails", async () => {
        // Prepare
        await send(escalation({ callId: "call-a" }));
        await send(escalation({ callId: "call-b" }));
        const event = await lane.receiveEvent();
        harness.receivers.slack.failNext(1, { status: 503 });

        // Act
        const response = await consumer()(event, lambdaContext());

        // Assess
        assert.equal(event.Records.length, 2);
        assert.equal(response.batchItemFailures.length, 1);
        assert.equal(harness.receivers.pagerDuty.incidents.size, 2);
    });

    it("throws FullBatchFailureError when every record fails, so the whole batch returns", async () => {
        // Prepare
        await send(escalation({ callId: "call-c" }));
        await send(escalation({ callId: "call-d" }));
        const event = await lane.receiveEvent();
        harness.receivers.pagerDuty.failNext(2, { status: 500 });

        // Act + Assess
        await assert.rejects(consumer()(event, lambdaContext()), FullBatchFailureError);
    });

    it("dead-letters an invalid message at once with the reason, and acknowledges it", async () => {
        // Prepare
        await send({ callId: "call-poison", reason: "r", severity: "urgent" });
        const event = await lane.receiveEvent();

        // Act
        const response = await consumer()(event, lambdaContext());

        // Assess
        assert.deepEqual(response, { batchItemFailures: [] });
        const [dead] = await lane.receiveDeadLetters();
        const attributes = dead?.MessageAttributes ?? {};
        const reason = deadLetterRecordOf(dead!);
        assert.deepEqual(
            [
                reason?.kind,
                reason?.errorClass,
                reason?.attempts,
                reason?.handlerVersion,
                reason?.sourceMessageId,
                attributes[MessageAttributeName.eventType]?.StringValue,
            ],
            ["poison", "InvalidMessageError", 1, TEST_HANDLER_VERSION, event.Records[0]!.messageId, "escalation.requested"],
        );
        assert.match(reason?.errorMessage ?? "", /'severity'.*"urgent" given/);
        assert.equal(harness.receivers.pagerDuty.requests.length, 0);
    });

    it("shortens a transient failure's visibility to the tier of its attempt", async () => {
        // Prepare
        await send(escalation({ callId: "call-backoff" }));
        const [record] = (await lane.receiveEvent()).Records;
        harness.receivers.pagerDuty.failNext(3, { status: 429 });
        const handle = consumer();

        // Act
        const deadlines: number[] = [];
        for (const attempt of [1, 2]) {
            const before = Date.now();
            await assert.rejects(handle({ Records: [onAttempt(record!, attempt)] }, lambdaContext()), FullBatchFailureError);
            deadlines.push(Math.round(((await inflightDeadline(harness, lane.queueUrl, record!.messageId))! - before) / 1000));
        }

        // Assess
        assert.deepEqual(deadlines, [5, 30]);
    });

    it("caps the backoff at the queue's visibility timeout", async () => {
        // Prepare: attempt 3 of 5 falls in the 300 s tier; the queue's visibility timeout is 60 s
        const longLane = await createLane(harness, { maxReceiveCount: 5, visibilityTimeoutSeconds: 60 });
        await harness.sqs.send(
            new SendMessageCommand({ QueueUrl: longLane.queueUrl, MessageBody: JSON.stringify(escalation({ callId: "call-cap" })) }),
        );
        const [record] = (await longLane.receiveEvent()).Records;
        harness.receivers.pagerDuty.failNext(3, { status: 500 });
        const handle = createEscalationConsumer({ environment: longLane.environment, secrets: longLane.secrets, logger: silentLogger() });
        for (const attempt of [1, 2]) {
            await assert.rejects(handle({ Records: [onAttempt(record!, attempt)] }, lambdaContext()), FullBatchFailureError);
        }
        const before = Date.now();

        // Act: the third real attempt
        await assert.rejects(handle({ Records: [onAttempt(record!, 3)] }, lambdaContext()), FullBatchFailureError);

        // Assess
        const seconds = Math.round(((await inflightDeadline(harness, longLane.queueUrl, record!.messageId))! - before) / 1000);
        assert.equal(seconds, 60);
    });

    it("forwards the message to the DLQ on its last attempt and acknowledges it", async () => {
        // Prepare
        await send(escalation({ callId: "call-last" }));
        const [record] = (await lane.receiveEvent()).Records;
        harness.receivers.pagerDuty.failNext(3, { status: 502 });
        const handle = consumer();
        for (const attempt of [1, 2]) {
            await assert.rejects(handle({ Records: [onAttempt(record!, attempt)] }, lambdaContext()), FullBatchFailureError);
        }

        // Act: the third real attempt (attempts are counted per run, not per receive)
        const response = await handle({ Records: [onAttempt(record!, 3)] }, lambdaContext());

        // Assess
        assert.deepEqual(response, { batchItemFailures: [] });
        const [dead] = await lane.receiveDeadLetters();
        assert.deepEqual(
            [deadLetterRecordOf(dead!)?.kind, deadLetterRecordOf(dead!)?.errorClass],
            ["exhausted", "DownstreamUnavailableError"],
        );
    });

    it("pages and posts once when the same escalation is delivered twice", async () => {
        // Prepare
        await send(escalation({ callId: "call-duplicate" }));
        await send(escalation({ callId: "call-duplicate" }));
        const handle = consumer();

        // Act: the two copies arrive in separate batches, as redeliveries do
        const first = await lane.receiveEvent(1);
        await lane.acknowledge(first, await handle(first, lambdaContext()));
        const second = await lane.receiveEvent(1);
        const response = await handle(second, lambdaContext());

        // Assess
        assert.equal(second.Records.length, 1);
        assert.deepEqual(response, { batchItemFailures: [] });
        assert.deepEqual(
            [
                harness.receivers.pagerDuty.requests.length,
                harness.receivers.pagerDuty.incidents.size,
                harness.receivers.slack.requests.length,
            ],
            [1, 1, 1],
        );
    });

    it("counts one incident when a slow PagerDuty made the first attempt time out", async () => {
        // Prepare
        await send(escalation({ callId: "call-slow" }));
        const [record] = (await lane.receiveEvent()).Records;
        harness.receivers.pagerDuty.failNext(1, { hangMs: 400 });
        const handle = consumer(100);

        // Act
        await assert.rejects(handle({ Records: [record!] }, lambdaContext()), FullBatchFailureError);
        await new Promise((resolve) => setTimeout(resolve, 500));
        await handle({ Records: [onAttempt(record!, 2)] }, lambdaContext());

        // Assess
        assert.deepEqual([harness.receivers.pagerDuty.requests.length, harness.receivers.pagerDuty.incidents.size], [2, 1]);
    });

    it("resolves a payload stored in S3 behind a pointer", async () => {
        // Prepare
        const payload = escalation({ callId: "call-pointer", reason: "large context" });
        await harness.s3.send(new PutObjectCommand({ Bucket: lane.bucketName, Key: "big/one.json", Body: JSON.stringify(payload) }));
        await send(
            JSON.parse(encodePayloadPointer({ s3BucketName: lane.bucketName, s3Key: "big/one.json" })),
            escalationAttributes({ [MessageAttributeName.extendedPayloadSize]: { DataType: "Number", StringValue: "300000" } }),
        );
        const event = await lane.receiveEvent();

        // Act
        await consumer()(event, lambdaContext());

        // Assess
        assert.equal((harness.receivers.pagerDuty.requests[0]?.json as { dedup_key: string }).dedup_key, "call-pointer");
    });

    it("logs message id, call id and receive count on every line about a record", async () => {
        // Prepare
        await send(escalation({ callId: "call-logged" }));
        const event = await lane.receiveEvent();
        const handle = createEscalationConsumer({
            environment: { ...lane.environment, POWERTOOLS_LOG_LEVEL: "INFO" },
            secrets: lane.secrets,
        });

        // Act
        const lines = await captureStdout(async () => {
            await handle(event, lambdaContext());
        });

        // Assess
        const recordLines = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.messageId !== undefined);
        assert.ok(recordLines.length >= 2);
        for (const line of recordLines) {
            assert.deepEqual([line.messageId, line.callId, line.receiveCount], [event.Records[0]!.messageId, "call-logged", 1]);
        }
    });

    it("honours POWERTOOLS_LOG_LEVEL from the consumer's environment: WARN keeps the INFO lines out", async () => {
        // Prepare
        await send(escalation({ callId: "call-quiet" }));
        const event = await lane.receiveEvent();
        const handle = createEscalationConsumer({
            environment: { ...lane.environment, POWERTOOLS_LOG_LEVEL: "WARN" },
            secrets: lane.secrets,
        });

        // Act
        const lines = await captureStdout(async () => {
            await handle(event, lambdaContext());
        });

        // Assess
        const levels = lines.map((line) => (JSON.parse(line) as { level?: string }).level);
        assert.deepEqual(
            levels.filter((level) => level === "INFO" || level === "DEBUG"),
            [],
        );
        assert.equal(harness.receivers.slack.requests.length, 1);
    });

    it("refuses an unknown POWERTOOLS_LOG_LEVEL, naming the variable, the allowed levels and the value", () => {
        // Act + Assess
        assert.throws(
            () => createEscalationConsumer({ environment: { ...lane.environment, POWERTOOLS_LOG_LEVEL: "LOUD" }, secrets: lane.secrets }),
            (error: Error) =>
                error.name === "HandlerConfigError" &&
                /'POWERTOOLS_LOG_LEVEL' must be one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL, "LOUD" given/.test(error.message),
        );
    });

    /** Sums each metric over the EMF documents Powertools Metrics wrote, keyed "Name" or "Name/dimension=value". */
    function emfCounts(lines: readonly string[]): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const line of lines) {
            const document = JSON.parse(line) as Record<string, unknown> & {
                _aws?: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
            };
            for (const directive of document._aws?.CloudWatchMetrics ?? []) {
                for (const { Name } of directive.Metrics) {
                    const value = document[Name];
                    const sum = Array.isArray(value) ? value.reduce((total: number, item: number) => total + item, 0) : Number(value);
                    const key =
                        typeof document.kind === "string"
                            ? `${directive.Namespace}/${Name}/kind=${document.kind}`
                            : `${directive.Namespace}/${Name}`;
                    counts[key] = (counts[key] ?? 0) + sum;
                }
            }
        }
        return counts;
    }

    it("emits EMF metrics: an escalation paged and posted, then its duplicate absorbed", async () => {
        // Prepare
        await send(escalation({ callId: "call-metrics" }));
        await send(escalation({ callId: "call-metrics" }));
        const handle = createEscalationConsumer({ environment: lane.environment, secrets: lane.secrets, logger: silentLogger() });

        // Act
        const lines = await captureStdout(async () => {
            const first = await lane.receiveEvent(1);
            await lane.acknowledge(first, await handle(first, lambdaContext()));
            const second = await lane.receiveEvent(1);
            await handle(second, lambdaContext());
        });

        // Assess
        assert.deepEqual(emfCounts(lines), {
            "EscalationPipeline/EscalationsPaged": 1,
            "EscalationPipeline/SlackPosts": 1,
            "EscalationPipeline/DuplicatesAbsorbed": 1,
        });
    });

    it("emits EMF metrics: retries scheduled, and dead letters by kind", async () => {
        // Prepare
        await send(escalation({ callId: "call-metrics-retry" }));
        await send({ callId: "call-metrics-poison", reason: "r", severity: "urgent" });
        const event = await lane.receiveEvent();
        harness.receivers.pagerDuty.failNext(1, { status: 503 });
        const handle = createEscalationConsumer({ environment: lane.environment, secrets: lane.secrets, logger: silentLogger() });

        // Act
        const lines = await captureStdout(async () => {
            await handle(event, lambdaContext());
        });

        // Assess
        assert.equal(event.Records.length, 2);
        assert.deepEqual(emfCounts(lines), {
            "EscalationPipeline/RetriesScheduled": 1,
            "EscalationPipeline/DeadLettered/kind=poison": 1,
        });
    });
});
