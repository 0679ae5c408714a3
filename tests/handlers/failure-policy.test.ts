import * as assert from "node:assert/strict";
import { readConsumerConfig } from "../../handlers/config";
import {
    HandlerConfigError,
    DeadLetterPayloadRequiredError,
    DeadLetterTooLargeError,
    failureKindOf,
    InvalidMessageError,
    DownstreamUnavailableError,
    UnknownToolError,
} from "../../handlers/errors";
import { backoffSeconds } from "../../handlers/failure-policy";
import { buildDeadLetter, DEAD_LETTER_ATTRIBUTE, DeadLetterKind, replayRequestOf } from "../../handlers/dead-letter";
import { MessageAttributeName, encodePayloadPointer, parseBody, validateMessage, EscalationMessageSchema } from "../../handlers/messages";

import { sqsRecord } from "../helpers/sqs-events";
import { VALID_CONSUMER_ENVIRONMENT } from "./helpers/consumer-environment";

describe("failure policy building blocks", () => {
    describe("backoffSeconds", () => {
        it("uses the tier of each attempt: 5 s, 30 s, then 300 s", () => {
            assert.deepEqual(
                [1, 2, 3].map((attempt) => backoffSeconds(attempt, [5, 30, 300], 900)),
                [5, 30, 300],
            );
        });

        it("reuses the last tier for attempts beyond the tiers", () => {
            assert.equal(backoffSeconds(7, [5, 30, 300], 900), 300);
        });

        it("never exceeds the queue's visibility timeout", () => {
            assert.equal(backoffSeconds(3, [5, 30, 300], 180), 180);
        });
    });

    describe("readConsumerConfig", () => {
        it("caps the configured tiers at the visibility timeout", () => {
            assert.deepEqual(readConsumerConfig(VALID_CONSUMER_ENVIRONMENT).backoffTiersSeconds, [5, 30, 180]);
        });

        it("names every bad variable, its range and the value given", () => {
            assert.throws(
                () => readConsumerConfig({ ...VALID_CONSUMER_ENVIRONMENT, MAX_RECEIVE_COUNT: "0", QUEUE_URL: undefined }),
                (error: Error) =>
                    error instanceof HandlerConfigError &&
                    /'QUEUE_URL' must be set, nothing given/.test(error.message) &&
                    /'MAX_RECEIVE_COUNT' must be a whole number between 1 and 1000, "0" given/.test(error.message),
            );
        });

        it("refuses an idempotency expiry that does not outlive every redelivery", () => {
            assert.throws(
                () => readConsumerConfig({ ...VALID_CONSUMER_ENVIRONMENT, IDEMPOTENCY_EXPIRY_SECONDS: "900" }),
                /'IDEMPOTENCY_EXPIRY_SECONDS' must be greater than visibility timeout x maxReceiveCount \(900\), 900 given/,
            );
        });

        it("refuses backoff tiers that are not whole seconds", () => {
            assert.throws(
                () => readConsumerConfig({ ...VALID_CONSUMER_ENVIRONMENT, BACKOFF_TIERS_SECONDS: "5,soon" }),
                /'BACKOFF_TIERS_SECONDS' must be comma-separated whole seconds/,
            );
        });
    });

    describe("failureKindOf", () => {
        it("treats validation errors and unknown tools as poison", () => {
            assert.deepEqual(
                [failureKindOf(new InvalidMessageError("x")), failureKindOf(new UnknownToolError("t", []))],
                ["poison", "poison"],
            );
        });

        it("treats downstream outages and unclassified errors as transient", () => {
            assert.deepEqual(
                [failureKindOf(new DownstreamUnavailableError("PagerDuty", "503")), failureKindOf(new TypeError("bug"))],
                ["transient", "transient"],
            );
        });
    });

    describe("buildDeadLetter and replayRequestOf", () => {
        const poison = { kind: DeadLetterKind.poison, error: new InvalidMessageError("bad"), handlerVersion: "v7", attempts: 1 };
        const limits = { deadLetterQueueUrl: "https://sqs/dlq", maxMessageBytes: 262_144 };
        const attributesOf = (count: number) =>
            Object.fromEntries(
                Array.from({ length: count }, (_, index) => [`extra-${index}`, { DataType: "String", StringValue: `v${index}` }]),
            );

        it("keeps a standard message's body and every attribute, and adds the reason as one attribute", () => {
            // Prepare
            const record = sqsRecord({ body: '{"callId":"c"}', messageAttributes: attributesOf(9) });

            // Act
            const { request } = buildDeadLetter(record, { ...poison, kind: DeadLetterKind.exhausted, attempts: 4 }, limits);

            // Assess
            const { [DEAD_LETTER_ATTRIBUTE]: reason, ...kept } = request.MessageAttributes ?? {};
            assert.deepEqual(
                [request.MessageBody, kept, JSON.parse(reason?.StringValue ?? "{}").attempts, request.MessageGroupId],
                ['{"callId":"c"}', attributesOf(9), 4, undefined],
            );
        });

        it("keeps the producer's group and deduplication id on a FIFO DLQ", () => {
            // Prepare
            const record = sqsRecord({ messageGroupId: "call-9", deduplicationId: "ORIGINAL-DEDUP-ID" });

            // Act
            const { request } = buildDeadLetter(record, poison, { ...limits, deadLetterQueueUrl: "https://sqs/dlq.fifo" });

            // Assess
            assert.deepEqual([request.MessageGroupId, request.MessageDeduplicationId], ["call-9", "ORIGINAL-DEDUP-ID"]);
        });

        it("gives a second copy of the same message a deduplication id the DLQ will not drop", () => {
            // Prepare
            const record = sqsRecord({ messageGroupId: "call-9", deduplicationId: "ORIGINAL-DEDUP-ID" });

            // Act
            const { request } = buildDeadLetter(record, poison, {
                ...limits,
                deadLetterQueueUrl: "https://sqs/dlq.fifo",
                previousDeadLetters: 1,
            });

            // Assess
            assert.equal(request.MessageDeduplicationId, "ORIGINAL-DEDUP-ID.dl2");
        });

        it("wraps a message that uses all 10 attributes in an envelope that replay unwraps to the original", () => {
            // Prepare
            const record = sqsRecord({ body: "original", messageGroupId: "g", deduplicationId: "d", messageAttributes: attributesOf(10) });
            const { request } = buildDeadLetter(record, poison, { ...limits, deadLetterQueueUrl: "https://sqs/dlq.fifo" });

            // Act
            const replay = replayRequestOf(
                { Body: request.MessageBody, MessageAttributes: request.MessageAttributes },
                "https://sqs/q.fifo",
            );

            // Assess
            assert.deepEqual(
                [Object.keys(request.MessageAttributes ?? {}), replay],
                [
                    [DEAD_LETTER_ATTRIBUTE],
                    {
                        QueueUrl: "https://sqs/q.fifo",
                        MessageBody: "original",
                        MessageAttributes: attributesOf(10),
                        MessageGroupId: "g",
                        MessageDeduplicationId: "d",
                    },
                ],
            );
        });

        it("offloads the body of a copy too large for the DLQ, and replays it as a pointer the consumers resolve", () => {
            // Prepare
            const record = sqsRecord({ body: "x".repeat(3000), messageAttributes: attributesOf(9) });
            const draft = buildDeadLetter(record, poison, { ...limits, maxMessageBytes: 2048, payloadBucketName: "payloads" });

            // Act
            const replay = replayRequestOf(
                { Body: draft.request.MessageBody, MessageAttributes: draft.request.MessageAttributes },
                "https://sqs/q",
            );

            // Assess
            assert.deepEqual(
                [draft.offload?.body, replay.MessageBody, replay.MessageAttributes],
                [
                    record.body,
                    encodePayloadPointer({ s3BucketName: "payloads", s3Key: draft.offload!.key }),
                    { ...attributesOf(9), [MessageAttributeName.extendedPayloadSize]: { DataType: "Number", StringValue: "3000" } },
                ],
            );
        });

        it("needs the offloaded body to replay an envelope whose body did not fit, and replays it whole with it", () => {
            // Prepare: all ten attributes and a body too large for the DLQ
            const record = sqsRecord({ body: "y".repeat(3000), messageAttributes: attributesOf(10) });
            const draft = buildDeadLetter(record, poison, { ...limits, maxMessageBytes: 2048, payloadBucketName: "payloads" });
            const message = { Body: draft.request.MessageBody, MessageAttributes: draft.request.MessageAttributes };

            // Act
            const withoutBody = () => replayRequestOf(message, "https://sqs/q");
            const replay = replayRequestOf(message, "https://sqs/q", draft.offload!.body);

            // Assess
            assert.throws(
                withoutBody,
                (error: Error) =>
                    error instanceof DeadLetterPayloadRequiredError && error.message.includes(`s3://payloads/${draft.offload!.key}`),
            );
            assert.deepEqual([replay.MessageBody, replay.MessageAttributes], [record.body, attributesOf(10)]);
        });

        it("refuses a copy too large for the DLQ when there is no payload bucket, naming both sizes", () => {
            const record = sqsRecord({ body: "x".repeat(3000) });
            assert.throws(
                () => buildDeadLetter(record, poison, { ...limits, maxMessageBytes: 2048 }),
                (error: Error) => error instanceof DeadLetterTooLargeError && /over the DLQ's 2048-byte maximum/.test(error.message),
            );
        });

        it("cuts a long error message to 1 KiB", () => {
            const { record } = buildDeadLetter(sqsRecord(), { ...poison, error: new InvalidMessageError("e".repeat(5000)) }, limits);
            assert.equal(record.errorMessage.length, 1024);
        });
    });

    describe("validateMessage", () => {
        it("names a body that is not JSON as invalid", () => {
            assert.throws(
                () => validateMessage(parseBody("not json"), EscalationMessageSchema, "escalation"),
                (error: Error) => error instanceof InvalidMessageError && /body is not JSON/.test(error.message),
            );
        });

        it("names an unexpected field", () => {
            assert.throws(
                () =>
                    validateMessage(
                        parseBody(JSON.stringify({ callId: "c", reason: "r", severity: "info", priority: 1 })),
                        EscalationMessageSchema,
                        "escalation",
                    ),
                /Unrecognized key: "priority"/,
            );
        });
    });
});
