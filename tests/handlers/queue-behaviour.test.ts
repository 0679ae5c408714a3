import * as assert from "node:assert/strict";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { DEAD_LETTER_ATTRIBUTE, deadLetterRecordOf } from "../../handlers/dead-letter";
import { createEscalationConsumer } from "../../handlers/escalation-consumer";
import type { SqsConsumerHandler } from "../../handlers/types";
import { createLane, silentLogger, type Harness, type LaneFixture, useHarness } from "../helpers/handler-fixtures";
import { escalation, escalationAttributes } from "../helpers/messages";
import { lambdaContext } from "../helpers/sqs-events";

/**
 * End to end on the SQS emulator: receive, invoke, delete what succeeded, as the event source
 * mapping does, until `done` holds or the time runs out. A handler that throws fails the batch.
 */
async function pollUntil(
    lane: LaneFixture,
    handle: SqsConsumerHandler,
    done: () => boolean | Promise<boolean>,
    timeoutMs: number,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
        if (Date.now() > deadline) {
            throw new Error(`condition not met within ${timeoutMs} ms`);
        }
        const event: SQSEvent = await lane.receiveEvent(10, 1);
        if (event.Records.length === 0) {
            continue;
        }
        const response: SQSBatchResponse = await handle(event, lambdaContext()).catch(() => ({
            batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
        }));
        await lane.acknowledge(event, response);
    }
}

describe("queue behaviour on the SQS emulator", () => {
    let harness: Harness;

    useHarness((started) => (harness = started));

    it("brings a transiently failed message back after its backoff, not the visibility timeout", async () => {
        // Prepare: visibility 60 s, first backoff tier 1 s
        const lane = await createLane(harness, { visibilityTimeoutSeconds: 60, backoffTiersSeconds: [1], maxReceiveCount: 3 });
        const handle = createEscalationConsumer({ environment: lane.environment, secrets: lane.secrets, logger: silentLogger() });
        await harness.sqs.send(
            new SendMessageCommand({
                QueueUrl: lane.queueUrl,
                MessageBody: JSON.stringify(escalation({ callId: "call-retry" })),
                MessageAttributes: escalationAttributes(),
            }),
        );
        harness.receivers.slack.failNext(1, { status: 500 });
        const started = Date.now();

        // Act
        await pollUntil(lane, handle, () => harness.receivers.slack.requests.some((request) => request.answeredStatus === 200), 10_000);

        // Assess
        assert.ok(Date.now() - started < 5_000, "retried well before the 60 s visibility timeout");
        assert.deepEqual([harness.receivers.slack.requests.length, harness.receivers.pagerDuty.incidents.size], [2, 1]);
    });

    it("dead-letters with the reason after the last attempt, before SQS's own redrive", async () => {
        // Prepare: PagerDuty is down for good
        const lane = await createLane(harness, { visibilityTimeoutSeconds: 30, backoffTiersSeconds: [0], maxReceiveCount: 3 });
        const handle = createEscalationConsumer({ environment: lane.environment, secrets: lane.secrets, logger: silentLogger() });
        await harness.sqs.send(
            new SendMessageCommand({ QueueUrl: lane.queueUrl, MessageBody: JSON.stringify(escalation({ callId: "call-down" })) }),
        );
        harness.receivers.pagerDuty.failNext(10, { status: 503 });

        // Act
        await pollUntil(lane, handle, () => harness.receivers.pagerDuty.requests.length >= 3, 10_000);
        const deadLetters = await lane.receiveDeadLetters();

        // Assess
        assert.deepEqual(
            deadLetters.map((message) => [deadLetterRecordOf(message)?.kind, deadLetterRecordOf(message)?.attempts]),
            [["exhausted", 3]],
        );
    });

    it("loses nothing when the handler crashes: SQS's redrive moves the message after maxReceiveCount", async () => {
        // Prepare: a handler that dies on every batch (like a timeout), visibility 1 s
        const lane = await createLane(harness, { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
        const crashing: SqsConsumerHandler = async () => {
            throw new Error("simulated crash");
        };
        await harness.sqs.send(
            new SendMessageCommand({ QueueUrl: lane.queueUrl, MessageBody: JSON.stringify(escalation({ callId: "call-crash" })) }),
        );
        let deadLetters: Awaited<ReturnType<LaneFixture["receiveDeadLetters"]>> = [];

        // Act
        await pollUntil(lane, crashing, async () => (deadLetters = await lane.receiveDeadLetters()).length > 0, 15_000);

        // Assess: the original body survives, without our reason attributes (SQS records none)
        assert.deepEqual(
            [JSON.parse(deadLetters[0]!.Body!).callId, deadLetters[0]!.MessageAttributes?.[DEAD_LETTER_ATTRIBUTE]],
            ["call-crash", undefined],
        );
    });
});
