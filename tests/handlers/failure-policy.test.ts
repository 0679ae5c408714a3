import { strict as assert } from "node:assert";
import { readConsumerConfig, HandlerConfigError } from "../../handlers/config/handler-config";
import { backoffSeconds } from "../../handlers/failures/backoff";
import { deadLetterMessage, DeadLetterAttributeName } from "../../handlers/failures/dead-letter";
import { failureKindOf, InvalidMessageError, DownstreamUnavailableError, UnknownToolError } from "../../handlers/failures/errors";
import { parseBody, validateMessage } from "../../handlers/messages/parse-message";
import { EscalationMessageSchema } from "../../handlers/messages/escalation-message";
import { sqsRecord } from "../helpers/sqs-events";

const validEnvironment = {
    QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/escalations",
    DEAD_LETTER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/escalations-dlq",
    MAX_RECEIVE_COUNT: "5",
    VISIBILITY_TIMEOUT_SECONDS: "180",
    BACKOFF_TIERS_SECONDS: "5,30,300",
    IDEMPOTENCY_TABLE_NAME: "idempotency",
    IDEMPOTENCY_EXPIRY_SECONDS: "86400",
};

describe("failure policy building blocks", () => {
    describe("backoffSeconds", () => {
        it("uses the tier of each attempt: 5 s, 30 s, then 300 s", () => {
            assert.deepEqual([1, 2, 3].map((attempt) => backoffSeconds(attempt, [5, 30, 300], 900)), [5, 30, 300]);
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
            assert.deepEqual(readConsumerConfig(validEnvironment).backoffTiersSeconds, [5, 30, 180]);
        });

        it("names every bad variable, its range and the value given", () => {
            assert.throws(
                () => readConsumerConfig({ ...validEnvironment, MAX_RECEIVE_COUNT: "0", QUEUE_URL: undefined }),
                (error: Error) =>
                    error instanceof HandlerConfigError &&
                    /'QUEUE_URL' must be set, nothing given/.test(error.message) &&
                    /'MAX_RECEIVE_COUNT' must be a whole number between 1 and 1000, "0" given/.test(error.message),
            );
        });

        it("refuses an idempotency expiry that does not outlive every redelivery", () => {
            assert.throws(
                () => readConsumerConfig({ ...validEnvironment, IDEMPOTENCY_EXPIRY_SECONDS: "900" }),
                /'IDEMPOTENCY_EXPIRY_SECONDS' must be greater than visibility timeout x maxReceiveCount \(900\), 900 given/,
            );
        });

        it("refuses backoff tiers that are not whole seconds", () => {
            assert.throws(() => readConsumerConfig({ ...validEnvironment, BACKOFF_TIERS_SECONDS: "5,soon" }), /'BACKOFF_TIERS_SECONDS' must be comma-separated whole seconds/);
        });
    });

    describe("failureKindOf", () => {
        it("treats validation errors and unknown tools as poison", () => {
            assert.deepEqual([failureKindOf(new InvalidMessageError("x")), failureKindOf(new UnknownToolError("t", []))], ["poison", "poison"]);
        });

        it("treats downstream outages and unclassified errors as transient", () => {
            assert.deepEqual([failureKindOf(new DownstreamUnavailableError("PagerDuty", "503")), failureKindOf(new TypeError("bug"))], ["transient", "transient"]);
        });
    });

    describe("deadLetterMessage", () => {
        it("keeps a standard message's body and attributes and adds the reason", () => {
            // Prepare
            const record = sqsRecord({ body: "{\"callId\":\"c\"}", receiveCount: 4, messageAttributes: { "event-type": { DataType: "String", StringValue: "escalation.requested" } } });

            // Act
            const input = deadLetterMessage(record, "https://sqs/dlq", { kind: "exhausted", error: new DownstreamUnavailableError("Slack", "HTTP 503"), handlerVersion: "v7" }).input;

            // Assess
            assert.deepEqual(
                [input.MessageBody, input.MessageAttributes?.["event-type"]?.StringValue, input.MessageAttributes?.[DeadLetterAttributeName.attempts]?.StringValue, input.MessageGroupId],
                ["{\"callId\":\"c\"}", "escalation.requested", "4", undefined],
            );
        });

        it("keeps the message group and uses the message id as deduplication id on a FIFO DLQ", () => {
            // Prepare
            const record = sqsRecord({ messageGroupId: "call-9", deduplicationId: "d-1" });

            // Act
            const input = deadLetterMessage(record, "https://sqs/dlq.fifo", { kind: "poison", error: new InvalidMessageError("bad"), handlerVersion: "v7" }).input;

            // Assess
            assert.deepEqual([input.MessageGroupId, input.MessageDeduplicationId], ["call-9", record.messageId]);
        });

        it("stays within the 10 attributes SQS allows, dropping surplus original attributes", () => {
            // Prepare
            const many = Object.fromEntries(Array.from({ length: 9 }, (_, index) => [`extra-${index}`, { DataType: "String", StringValue: "v" }]));
            const record = sqsRecord({ messageAttributes: many });

            // Act
            const input = deadLetterMessage(record, "https://sqs/dlq", { kind: "poison", error: new InvalidMessageError("bad"), handlerVersion: "v7" }).input;

            // Assess
            assert.equal(Object.keys(input.MessageAttributes ?? {}).length, 10);
        });

        it("cuts a long error message to 1 KiB", () => {
            const input = deadLetterMessage(sqsRecord(), "https://sqs/dlq", { kind: "poison", error: new InvalidMessageError("e".repeat(5000)), handlerVersion: "v" }).input;
            assert.equal(input.MessageAttributes?.[DeadLetterAttributeName.errorMessage]?.StringValue?.length, 1024);
        });
    });

    describe("validateMessage", () => {
        it("names a body that is not JSON as invalid", () => {
            assert.throws(() => validateMessage(parseBody("not json"), EscalationMessageSchema, "escalation"), (error: Error) => error instanceof InvalidMessageError && /body is not JSON/.test(error.message));
        });

        it("names an unexpected field", () => {
            assert.throws(
                () => validateMessage(parseBody(JSON.stringify({ callId: "c", reason: "r", severity: "info", priority: 1 })), EscalationMessageSchema, "escalation"),
                /Unrecognized key: "priority"/,
            );
        });
    });
});
