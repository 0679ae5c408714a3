/**
 * The dead-letter format (handlers/failures/dead-letter.ts) on plain objects: what a copy records,
 * where its size limits fall, and how the DLQ tools read a copy back (deadLetterRecordOf,
 * originalMessageOf, replayRequestOf, offloadedPayloadOf). tests/local/dlq*.test.ts run the same
 * readers against the emulator; these keep them inside the `failures` mutation scope.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import type { Message } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import {
    buildDeadLetter,
    DEAD_LETTER_ATTRIBUTE,
    deadLetterDeduplicationId,
    DeadLetterKind,
    DeadLetterPayloadRequiredError,
    deadLetterRecordOf,
    DeadLetterTooLargeError,
    MalformedDeadLetterError,
    MAX_ERROR_MESSAGE_LENGTH,
    offloadedPayloadOf,
    originalMessageOf,
    replayRequestOf,
    toSdkAttributes,
} from "../../handlers/failures/dead-letter";
import { InvalidMessageError } from "../../handlers/failures/errors";
import { MessageAttributeName } from "../../handlers/messages/message-attributes";
import { messageSize } from "../../handlers/messages/message-size";
import { sqsRecord } from "../helpers/sqs-events";

const DLQ = "https://sqs/dlq";
const FIFO_DLQ = "https://sqs/dlq.fifo";
const FIRST_SEEN = Date.UTC(2026, 11, 1, 8, 30);
const poison = { kind: DeadLetterKind.poison, error: new InvalidMessageError("bad"), handlerVersion: "v7", attempts: 2 };
const limits = { deadLetterQueueUrl: DLQ, maxMessageBytes: 262_144 };

/** A standard record first seen at FIRST_SEEN. */
function record(overrides: Parameters<typeof sqsRecord>[0] = {}): SQSRecord {
    const made = sqsRecord({ messageId: "m-1", ...overrides });
    return { ...made, attributes: { ...made.attributes, ApproximateFirstReceiveTimestamp: String(FIRST_SEEN) } };
}

/** `count` string attributes named extra-0, extra-1, ... */
function attributesOf(count: number) {
    return Object.fromEntries(
        Array.from({ length: count }, (_, index) => [`extra-${index}`, { DataType: "String", StringValue: `v${index}` }]),
    );
}

/** The DLQ message a draft's request becomes, as ReceiveMessage returns it. */
function received(
    request: { MessageBody?: string; MessageAttributes?: Message["MessageAttributes"] },
    extra: Partial<Message> = {},
): Message {
    return { MessageId: "dlq-1", Body: request.MessageBody, MessageAttributes: request.MessageAttributes, ...extra };
}

/** A DLQ message whose `dead-letter` attribute holds `value`. */
function withReason(value: string, body = "b"): Message {
    return { MessageId: "dlq-1", Body: body, MessageAttributes: { [DEAD_LETTER_ATTRIBUTE]: { DataType: "String", StringValue: value } } };
}

function assertMalformed(action: () => unknown, message: string): void {
    assert.throws(action, (error: unknown) => {
        assert.ok(error instanceof MalformedDeadLetterError);
        assert.equal(error.name, "MalformedDeadLetterError");
        assert.equal(error.message, `malformed dead letter: ${message}`);
        return true;
    });
}

const VALID_RECORD = { format: 1, kind: "poison", attempts: 1, layout: "attributes" };

describe("dead-letter format", () => {
    describe("the reason a copy records", () => {
        it("records kind, error, attempts, first seen, handler version and source id, and no producer ids on a standard message", () => {
            const draft = buildDeadLetter(record(), poison, limits);

            assert.deepEqual(draft.record, {
                format: 1,
                kind: "poison",
                errorClass: "InvalidMessageError",
                errorMessage: "bad",
                attempts: 2,
                firstSeen: new Date(FIRST_SEEN).toISOString(),
                handlerVersion: "v7",
                sourceMessageId: "m-1",
                layout: "attributes",
            });
        });

        it("writes the reason as one String attribute holding the record", () => {
            const draft = buildDeadLetter(record(), poison, limits);

            assert.deepEqual(draft.request.MessageAttributes?.[DEAD_LETTER_ATTRIBUTE], {
                DataType: "String",
                StringValue: JSON.stringify(draft.record),
            });
        });

        it("records the producer's group and deduplication id of a FIFO message", () => {
            const draft = buildDeadLetter(record({ messageGroupId: "g-1", deduplicationId: "d-1" }), poison, {
                ...limits,
                deadLetterQueueUrl: FIFO_DLQ,
            });

            assert.deepEqual([draft.record.messageGroupId, draft.record.messageDeduplicationId], ["g-1", "d-1"]);
        });

        it("records an empty error message as '(no message)'", () => {
            const draft = buildDeadLetter(record(), { ...poison, error: new InvalidMessageError("") }, limits);

            assert.equal(draft.record.errorMessage, "(no message)");
        });

        it("keeps an error message of exactly the maximum length", () => {
            const message = "e".repeat(MAX_ERROR_MESSAGE_LENGTH);

            assert.equal(buildDeadLetter(record(), { ...poison, error: new Error(message) }, limits).record.errorMessage, message);
        });

        it("cuts a longer error message to the maximum length, ending in '...'", () => {
            const draft = buildDeadLetter(record(), { ...poison, error: new Error("e".repeat(MAX_ERROR_MESSAGE_LENGTH + 1)) }, limits);

            assert.equal(draft.record.errorMessage, `${"e".repeat(MAX_ERROR_MESSAGE_LENGTH - 3)}...`);
        });

        it("gives a FIFO copy of a message without producer ids the message id as group and deduplication id", () => {
            const { request } = buildDeadLetter(record(), poison, { ...limits, deadLetterQueueUrl: FIFO_DLQ });

            assert.deepEqual([request.MessageGroupId, request.MessageDeduplicationId], ["m-1", "m-1"]);
        });
    });

    describe("size limits", () => {
        const body = "x".repeat(3000);

        it("sends a copy inline when it is exactly the DLQ's maximum size", () => {
            const inline = buildDeadLetter(record({ body }), poison, limits).request;
            const size = messageSize(inline.MessageBody!, inline.MessageAttributes!);

            const draft = buildDeadLetter(record({ body }), poison, { ...limits, maxMessageBytes: size });

            assert.deepEqual([draft.request.MessageBody, draft.offload], [body, undefined]);
        });

        it("refuses a copy one byte too large when there is no payload bucket, naming both sizes", () => {
            const inline = buildDeadLetter(record({ body }), poison, limits).request;
            const size = messageSize(inline.MessageBody!, inline.MessageAttributes!);

            assert.throws(
                () => buildDeadLetter(record({ body }), poison, { ...limits, maxMessageBytes: size - 1 }),
                (error: unknown) =>
                    error instanceof DeadLetterTooLargeError &&
                    error.name === "DeadLetterTooLargeError" &&
                    error.message ===
                        `the dead-letter copy is ${size} bytes, over the DLQ's ${size - 1}-byte maximum message size; no payload bucket is configured to hold its body`,
            );
        });

        it("records where an offloaded body is and its size in UTF-8 bytes", () => {
            const wide = "é".repeat(1500);

            const draft = buildDeadLetter(record({ body: wide }), poison, {
                ...limits,
                maxMessageBytes: 2048,
                payloadBucketName: "payloads",
            });

            const key = `dead-letters/${createHash("sha256").update(wide).digest("hex")}.json`;
            assert.deepEqual(
                [draft.record.offloadedBody, draft.offload],
                [
                    { s3BucketName: "payloads", s3Key: key, bytes: 3000 },
                    { bucket: "payloads", key, body: wide },
                ],
            );
        });

        it("offloads into a copy of exactly the maximum size, and refuses one byte less: its attributes alone are too large", () => {
            const offloadedLimits = { ...limits, maxMessageBytes: 2048, payloadBucketName: "payloads" };
            const offloaded = buildDeadLetter(record({ body }), poison, offloadedLimits).request;
            const size = messageSize(offloaded.MessageBody!, offloaded.MessageAttributes!);

            const exact = buildDeadLetter(record({ body }), poison, { ...offloadedLimits, maxMessageBytes: size });

            assert.equal(exact.offload?.body, body);
            assert.throws(
                () => buildDeadLetter(record({ body }), poison, { ...offloadedLimits, maxMessageBytes: size - 1 }),
                (error: unknown) =>
                    error instanceof DeadLetterTooLargeError &&
                    error.message ===
                        `the dead-letter copy is ${size} bytes, over the DLQ's ${size - 1}-byte maximum message size; its attributes alone are too large, even with the body in the payload bucket`,
            );
        });
    });

    describe("reading the reason back", () => {
        it("has no record for a message without attributes (SQS moved it)", () => {
            assert.equal(deadLetterRecordOf({ MessageId: "m", Body: "b" }), undefined);
        });

        it("has no record for a message whose attributes have no reason", () => {
            assert.equal(
                deadLetterRecordOf({ Body: "b", MessageAttributes: { other: { DataType: "String", StringValue: "x" } } }),
                undefined,
            );
        });

        it("has no record for a reason attribute without a string value", () => {
            const message = {
                Body: "b",
                MessageAttributes: { [DEAD_LETTER_ATTRIBUTE]: { DataType: "Binary", BinaryValue: Buffer.from("{}") } },
            };

            assert.equal(deadLetterRecordOf(message), undefined);
        });

        it("reads the record the forward wrote", () => {
            const draft = buildDeadLetter(record(), poison, limits);

            assert.deepEqual(deadLetterRecordOf(received(draft.request)), draft.record);
        });

        it("refuses a reason that is not JSON, quoting its first 120 characters", () => {
            const value = `{${"z".repeat(200)}`;

            assertMalformed(() => deadLetterRecordOf(withReason(value)), `the 'dead-letter' attribute is not JSON: ${value.slice(0, 120)}`);
        });

        for (const [what, value] of [
            ["null", "null"],
            ["a number", "5"],
            ["another format", JSON.stringify({ ...VALID_RECORD, format: 2 })],
            ["a kind that is no string", JSON.stringify({ ...VALID_RECORD, kind: 3 })],
            ["attempts that are no number", JSON.stringify({ ...VALID_RECORD, attempts: "1" })],
        ] as const) {
            it(`refuses a reason that is ${what}, quoting it`, () => {
                assertMalformed(
                    () => deadLetterRecordOf(withReason(value)),
                    `the 'dead-letter' attribute is not a format-1 dead-letter record: ${value}`,
                );
            });
        }

        it("quotes only the first 120 characters of a record it refuses", () => {
            const value = JSON.stringify({ ...VALID_RECORD, format: 2, padding: "p".repeat(200) });

            assertMalformed(
                () => deadLetterRecordOf(withReason(value)),
                `the 'dead-letter' attribute is not a format-1 dead-letter record: ${value.slice(0, 120)}`,
            );
        });

        it("has no offloaded payload for a message SQS moved, or for a copy sent inline", () => {
            const inline = buildDeadLetter(record(), poison, limits);

            assert.deepEqual([offloadedPayloadOf({ Body: "b" }), offloadedPayloadOf(received(inline.request))], [undefined, undefined]);
        });

        it("names the offloaded payload of a copy whose body went to the bucket", () => {
            const draft = buildDeadLetter(record({ body: "x".repeat(3000) }), poison, {
                ...limits,
                maxMessageBytes: 2048,
                payloadBucketName: "payloads",
            });

            assert.deepEqual(offloadedPayloadOf(received(draft.request)), { s3BucketName: "payloads", s3Key: draft.offload!.key });
        });
    });

    describe("the original a copy holds", () => {
        it("reads a message SQS moved as it is, with the group and deduplication id SQS kept", () => {
            const message: Message = {
                MessageId: "dlq-1",
                Body: "original",
                MessageAttributes: { a: { DataType: "String", StringValue: "1" } },
                Attributes: { MessageGroupId: "g", MessageDeduplicationId: "d" },
            };

            assert.deepEqual(originalMessageOf(message), {
                body: "original",
                attributes: { a: { DataType: "String", StringValue: "1" } },
                groupId: "g",
                deduplicationId: "d",
            });
        });

        it("has no ids, attributes or payload for a standard message SQS moved, and an empty body for none", () => {
            assert.deepEqual(originalMessageOf({ MessageId: "dlq-1" }), { body: "", attributes: {} });
        });

        it("takes the producer's ids from the reason before the DLQ's own", () => {
            const draft = buildDeadLetter(record({ messageGroupId: "g-1", deduplicationId: "d-1" }), poison, {
                ...limits,
                deadLetterQueueUrl: FIFO_DLQ,
            });

            const original = originalMessageOf(
                received(draft.request, { Attributes: { MessageGroupId: "other", MessageDeduplicationId: "other" } }),
            );

            assert.deepEqual([original.groupId, original.deduplicationId], ["g-1", "d-1"]);
        });

        it("drops the reason and keeps every other attribute, with no payload for an inline copy", () => {
            const draft = buildDeadLetter(record({ body: "original", messageAttributes: attributesOf(2) }), poison, limits);

            assert.deepEqual(originalMessageOf(received(draft.request)), { body: "original", attributes: attributesOf(2) });
        });

        it("uses the fetched body of an offloaded copy, without the pointer's size attribute, and names the payload", () => {
            const body = "x".repeat(3000);
            const draft = buildDeadLetter(record({ body, messageAttributes: attributesOf(1) }), poison, {
                ...limits,
                maxMessageBytes: 2048,
                payloadBucketName: "payloads",
            });

            assert.deepEqual(originalMessageOf(received(draft.request), body), {
                body,
                attributes: attributesOf(1),
                payload: { s3BucketName: "payloads", s3Key: draft.offload!.key },
            });
        });

        it("reads an offloaded copy without its body as an empty pointer when the DLQ message has no body", () => {
            const draft = buildDeadLetter(record({ body: "x".repeat(3000) }), poison, {
                ...limits,
                maxMessageBytes: 2048,
                payloadBucketName: "payloads",
            });

            const original = originalMessageOf({ MessageAttributes: draft.request.MessageAttributes });

            assert.deepEqual(
                [original.body, original.attributes[MessageAttributeName.extendedPayloadSize]],
                ["", { DataType: "Number", StringValue: "3000" }],
            );
        });

        it("unwraps an envelope to the original body and attributes, binary ones included", () => {
            const attributes = { ...attributesOf(9), picture: { DataType: "Binary", BinaryValue: Buffer.from([0, 1, 2, 255]) } };
            const draft = buildDeadLetter(record({ body: "original", messageAttributes: attributes }), poison, limits);

            assert.deepEqual(originalMessageOf(received(draft.request)), { body: "original", attributes });
        });

        it("takes an offloaded envelope's body from the fetch, and names the payload", () => {
            const body = "y".repeat(3000);
            const draft = buildDeadLetter(record({ body, messageAttributes: attributesOf(10) }), poison, {
                ...limits,
                maxMessageBytes: 2048,
                payloadBucketName: "payloads",
            });

            assert.deepEqual(
                [JSON.parse(draft.request.MessageBody!).body, originalMessageOf(received(draft.request), body)],
                [undefined, { body, attributes: attributesOf(10), payload: { s3BucketName: "payloads", s3Key: draft.offload!.key } }],
            );
        });

        it("fills in the data type of an envelope attribute Lambda delivered without one", () => {
            const made = record({ body: "original", messageAttributes: attributesOf(8) });
            const withoutTypes = {
                ...made,
                messageAttributes: {
                    ...made.messageAttributes,
                    text: { stringValue: "t", stringListValues: [], binaryListValues: [] },
                    data: { binaryValue: Buffer.from("d").toString("base64"), stringListValues: [], binaryListValues: [] },
                },
            } as unknown as SQSRecord;
            const draft = buildDeadLetter(withoutTypes, poison, limits);

            const attributes = JSON.parse(draft.request.MessageBody!).attributes;

            assert.deepEqual(
                [attributes.text, attributes.data],
                [
                    { DataType: "String", StringValue: "t" },
                    { DataType: "Binary", BinaryValue: Buffer.from("d").toString("base64") },
                ],
            );
        });

        for (const [what, body] of [
            ["not JSON", "not json"],
            ["JSON without the envelope marker", JSON.stringify({ body: "b", attributes: {} })],
            ["an envelope without attributes", JSON.stringify({ deadLetterEnvelope: 1, body: "b" })],
            ["an envelope whose attributes are null", JSON.stringify({ deadLetterEnvelope: 1, body: "b", attributes: null })],
        ] as const) {
            it(`refuses an envelope reason whose body is ${what}`, () => {
                const message = withReason(JSON.stringify({ ...VALID_RECORD, layout: "envelope" }), body);

                assertMalformed(() => originalMessageOf(message), `its reason says "envelope" but the body is not one: ${body}`);
            });
        }

        it("refuses an envelope reason without a body, quoting nothing", () => {
            const message = { ...withReason(JSON.stringify({ ...VALID_RECORD, layout: "envelope" })), Body: undefined };

            assertMalformed(() => originalMessageOf(message), `its reason says "envelope" but the body is not one: `);
        });

        it("quotes only the first 120 characters of a body that is no envelope", () => {
            const body = "n".repeat(300);

            assertMalformed(
                () => originalMessageOf(withReason(JSON.stringify({ ...VALID_RECORD, layout: "envelope" }), body)),
                `its reason says "envelope" but the body is not one: ${body.slice(0, 120)}`,
            );
        });
    });

    describe("replay", () => {
        it("sends no attributes when the original had none", () => {
            const draft = buildDeadLetter(record({ body: "original" }), poison, limits);

            assert.deepEqual(replayRequestOf(received(draft.request), "https://sqs/q"), {
                QueueUrl: "https://sqs/q",
                MessageBody: "original",
            });
        });

        it("replays a FIFO message SQS moved with its message id as group and deduplication id", () => {
            assert.deepEqual(replayRequestOf({ MessageId: "dlq-1", Body: "b" }, "https://sqs/q.fifo"), {
                QueueUrl: "https://sqs/q.fifo",
                MessageBody: "b",
                MessageGroupId: "dlq-1",
                MessageDeduplicationId: "dlq-1",
            });
        });

        it("asks for the offloaded body of an envelope, naming where it is", () => {
            const draft = buildDeadLetter(record({ body: "y".repeat(3000), messageAttributes: attributesOf(10) }), poison, {
                ...limits,
                maxMessageBytes: 2048,
                payloadBucketName: "payloads",
            });

            assert.throws(
                () => replayRequestOf(received(draft.request), "https://sqs/q"),
                (error: unknown) =>
                    error instanceof DeadLetterPayloadRequiredError &&
                    error.name === "DeadLetterPayloadRequiredError" &&
                    error.message ===
                        `the dead letter's original body is in s3://payloads/${draft.offload!.key}; fetch it and pass it to replayRequestOf`,
            );
        });
    });

    describe("deduplication ids of later copies", () => {
        it("keeps the producer's id for the first copy, and for a count that is not positive", () => {
            assert.deepEqual([deadLetterDeduplicationId("d", 0), deadLetterDeduplicationId("d", -1)], ["d", "d"]);
        });

        it("suffixes the copy number to the producer's id", () => {
            assert.deepEqual([deadLetterDeduplicationId("d", 1), deadLetterDeduplicationId("d", 4)], ["d.dl2", "d.dl5"]);
        });

        it("keeps a suffixed id of exactly 128 characters", () => {
            const id = "i".repeat(124);

            assert.equal(deadLetterDeduplicationId(id, 1), `${id}.dl2`);
        });

        it("derives an id from the hash of a producer's id when the suffix would pass 128 characters", () => {
            const id = "i".repeat(125);

            assert.equal(deadLetterDeduplicationId(id, 2), `dl3-${createHash("sha256").update(id).digest("hex")}`);
        });
    });

    describe("Lambda's attributes in SendMessage's shape", () => {
        it("converts string and base64 binary attributes", () => {
            const made = record();
            const converted = toSdkAttributes({
                ...made,
                messageAttributes: {
                    s: { dataType: "String", stringValue: "v", stringListValues: [], binaryListValues: [] },
                    b: {
                        dataType: "Binary",
                        binaryValue: Buffer.from([7, 8]).toString("base64"),
                        stringListValues: [],
                        binaryListValues: [],
                    },
                },
            });

            assert.deepEqual(converted, {
                s: { DataType: "String", StringValue: "v" },
                b: { DataType: "Binary", BinaryValue: Buffer.from([7, 8]) },
            });
        });

        it("takes the binary value of an attribute whose string value is null", () => {
            const converted = toSdkAttributes({
                ...record(),
                messageAttributes: {
                    b: { dataType: "Binary", stringValue: null, binaryValue: "AQI=", stringListValues: [], binaryListValues: [] } as never,
                },
            });

            assert.deepEqual(converted, { b: { DataType: "Binary", BinaryValue: Buffer.from([1, 2]) } });
        });

        it("drops an attribute with neither value, null or absent", () => {
            const converted = toSdkAttributes({
                ...record(),
                messageAttributes: {
                    empty: { dataType: "String", stringListValues: [], binaryListValues: [] },
                    nulls: {
                        dataType: "String",
                        stringValue: null,
                        binaryValue: null,
                        stringListValues: [],
                        binaryListValues: [],
                    } as never,
                },
            });

            assert.deepEqual(converted, {});
        });

        it("has no attributes for a record without any", () => {
            assert.deepEqual(toSdkAttributes({ ...record(), messageAttributes: undefined as never }), {});
        });
    });
});
