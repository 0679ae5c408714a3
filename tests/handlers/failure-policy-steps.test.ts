/**
 * The failure policy (handlers/failure-policy.ts with its backoff, attempt-record.ts) with
 * fake AWS clients: which way each failure goes, what it logs and counts, and what it does when
 * the attempt table or SQS fails. tests/handlers/dead-letter-faults.test.ts runs the same policy
 * on the emulators; these are the fast cases the `failures` mutation scope found untested.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { SQSRecord } from "aws-lambda";
import type { AwsClients } from "../../handlers/aws";
import { type ConsumerConfig, readConsumerConfig } from "../../handlers/config";
import { InvocationDeadlinePassedError, DeadLetterRefusedError, InvalidMessageError, TransientError } from "../../handlers/errors";
import { AttemptRecords, messageIdentityOf } from "../../handlers/attempt-record";
import { backoffSeconds, handleFailure, handleHeldBack } from "../../handlers/failure-policy";
import type { FailurePolicyDependencies } from "../../handlers/types";
import { DEAD_LETTER_ATTRIBUTE, type DeadLetterDraft, DeadLetterKind } from "../../handlers/dead-letter";
import { forwardToDeadLetterQueue } from "../../handlers/dead-letter-forwarder";

import type { ConsumerMetrics } from "../../handlers/observability";
import { sqsRecord } from "../helpers/sqs-events";
import { VALID_CONSUMER_ENVIRONMENT } from "./helpers/consumer-environment";

const config: ConsumerConfig = readConsumerConfig(VALID_CONSUMER_ENVIRONMENT);

interface SentCommand {
    readonly name: string;
    readonly input: Record<string, unknown>;
}

/** What a fake client answers to a command: a result, or an error to throw. */
type Answer = (command: SentCommand) => unknown;

/** A client whose `send` records each command and answers with `answer` (a thrown Error rejects). */
function fakeClient(sent: SentCommand[], answer: Answer = () => ({})) {
    return {
        send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
            const recorded = { name: command.constructor.name, input: command.input };
            sent.push(recorded);
            const result = answer(recorded);
            if (result instanceof Error) {
                throw result;
            }
            return result;
        },
    };
}

interface LogLine {
    readonly level: "warn" | "error" | "info";
    readonly message: string;
    readonly details: Record<string, unknown>;
}

function recordingLogger(lines: LogLine[]): Logger {
    const at =
        (level: LogLine["level"]) =>
        (message: string, details: Record<string, unknown> = {}) => {
            lines.push({ level, message, details });
        };
    return { warn: at("warn"), error: at("error"), info: at("info"), debug: () => undefined } as unknown as Logger;
}

function recordingMetrics(counted: string[]): ConsumerMetrics {
    return {
        count: (name) => counted.push(`count:${name}`),
        deadLettered: (kind) => counted.push(`deadLettered:${kind}`),
        flush: () => undefined,
    };
}

interface World {
    readonly sent: SentCommand[];
    readonly lines: LogLine[];
    readonly counted: string[];
    readonly dependencies: FailurePolicyDependencies;
    readonly log: Logger;
}

/**
 * A consumer's world: the attempt table answers `attempts` (after the update) and `deadLetters`,
 * `dynamoDb` and `sqs` may override answers per command name.
 */
function world(
    options: {
        attempts?: number;
        deadLetters?: number;
        dynamoDb?: Answer;
        sqs?: Answer;
        metrics?: boolean;
        remainingTime?: () => number;
    } = {},
): World {
    const sent: SentCommand[] = [];
    const lines: LogLine[] = [];
    const counted: string[] = [];
    const item = { attempts: { N: String(options.attempts ?? 1) }, deadLetters: { N: String(options.deadLetters ?? 0) } };
    const dynamoDb = fakeClient(
        sent,
        options.dynamoDb ?? ((command) => (command.name === "GetItemCommand" ? { Item: item } : { Attributes: item })),
    );
    const clients = { sqs: fakeClient(sent, options.sqs), s3: fakeClient(sent), dynamoDb } as unknown as AwsClients;
    return {
        sent,
        lines,
        counted,
        log: recordingLogger(lines),
        dependencies: {
            config,
            clients,
            ...(options.metrics === false ? {} : { metrics: recordingMetrics(counted) }),
            ...(options.remainingTime !== undefined ? { remainingTime: options.remainingTime } : {}),
        },
    };
}

function record(receiveCount = 1, overrides: Parameters<typeof sqsRecord>[0] = {}): SQSRecord {
    return sqsRecord({ body: '{"callId":"c-1"}', receiveCount, receiptHandle: "receipt-1", ...overrides });
}

/** The reason of the dead letter `sent` holds. */
function sentReason(sent: readonly SentCommand[]): Record<string, unknown> {
    const send = sent.find((command) => command.name === "SendMessageCommand");
    assert.ok(send, `no SendMessage among ${sent.map((command) => command.name).join(", ")}`);
    const attributes = send.input.MessageAttributes as Record<string, { StringValue: string }>;
    return JSON.parse(attributes[DEAD_LETTER_ATTRIBUTE]!.StringValue) as Record<string, unknown>;
}

describe("failure policy steps (fake clients)", () => {
    describe("a transient failure with attempts left", () => {
        it("shortens the visibility to the attempt's backoff tier and rethrows the error", async () => {
            const { sent, dependencies, log } = world({ attempts: 2 });
            const error = new TransientError("later");

            await assert.rejects(handleFailure(record(2), error, dependencies, log), (thrown) => thrown === error);

            const change = sent.find((command) => command.name === "ChangeMessageVisibilityCommand");
            assert.deepEqual(change?.input, { QueueUrl: config.queueUrl, ReceiptHandle: "receipt-1", VisibilityTimeout: 30 });
        });

        it("counts the scheduled retry and logs it with the backoff and the attempts", async () => {
            const { lines, counted, dependencies, log } = world({ attempts: 1 });
            const error = new TransientError("later");

            await assert.rejects(handleFailure(record(), error, dependencies, log));

            assert.deepEqual(counted, ["count:RetriesScheduled"]);
            assert.deepEqual(lines, [
                { level: "warn", message: "message will be retried", details: { retryInSeconds: 5, attempts: 1, error } },
            ]);
        });

        it("tells the caller which record got which backoff", async () => {
            const { dependencies, log } = world({ attempts: 1 });
            const scheduled: [string, number][] = [];
            const failing = record();

            await assert.rejects(
                handleFailure(failing, new TransientError("later"), dependencies, log, (r, seconds) =>
                    scheduled.push([r.messageId, seconds]),
                ),
            );

            assert.deepEqual(scheduled, [[failing.messageId, 5]]);
        });

        it("rethrows the error itself without metrics or a retry listener", async () => {
            const { dependencies, log } = world({ attempts: 1, metrics: false });
            const error = new TransientError("later");

            await assert.rejects(handleFailure(record(), error, dependencies, log), (thrown) => thrown === error);
        });

        it("still rethrows, with a warning, when the visibility cannot be changed", async () => {
            const refusal = new Error("throttled");
            const { lines, dependencies, log } = world({ attempts: 1, sqs: () => refusal });
            const error = new TransientError("later");

            await assert.rejects(handleFailure(record(), error, dependencies, log), (thrown) => thrown === error);

            assert.deepEqual(lines[0], {
                level: "warn",
                message: "could not change message visibility; it returns after the queue's visibility timeout",
                details: { error: refusal },
            });
        });

        it("retries a message one receive short of the limit", async () => {
            const { sent, dependencies, log } = world({ attempts: 1 });

            await assert.rejects(handleFailure(record(config.maxReceiveCount - 1), new TransientError("later"), dependencies, log));

            assert.equal(
                sent.some((command) => command.name === "SendMessageCommand"),
                false,
            );
        });
    });

    describe("a failure that is dead-lettered", () => {
        it("forwards a transient failure on its last attempt as exhausted, and resolves", async () => {
            const { sent, dependencies, log } = world({ attempts: config.maxReceiveCount });

            await handleFailure(record(config.maxReceiveCount), new TransientError("later"), dependencies, log);

            assert.deepEqual([sentReason(sent).kind, sentReason(sent).attempts], ["exhausted", config.maxReceiveCount]);
        });

        it("forwards a FIFO message's transient failure on SQS's last receive as receive-limit, with the attempts it ran", async () => {
            const { sent, dependencies, log } = world({ attempts: 2 });

            await handleFailure(
                record(config.maxReceiveCount, { messageGroupId: "call-1", deduplicationId: "d-1" }),
                new TransientError("later"),
                dependencies,
                log,
            );

            assert.deepEqual([sentReason(sent).kind, sentReason(sent).attempts], ["receive-limit", 2]);
        });

        it("puts a standard message failing on SQS's last receive with attempts to spare back as a delayed copy, and resolves", async () => {
            const { sent, dependencies, log } = world({ attempts: 2 });
            const failing = record(config.maxReceiveCount);

            await handleFailure(failing, new TransientError("later"), dependencies, log);

            const sends = sent.filter((command) => command.name === "SendMessageCommand");
            assert.deepEqual(
                sends.map((command) => [command.input.QueueUrl, command.input.MessageBody, command.input.DelaySeconds]),
                [[config.queueUrl, failing.body, backoffSeconds(2, config.backoffTiersSeconds, config.visibilityTimeoutSeconds)]],
            );
        });

        it("counts the dead letter by kind and logs it as an error", async () => {
            const { lines, counted, dependencies, log } = world({ attempts: 1 });
            const error = new InvalidMessageError("bad");

            await handleFailure(record(), error, dependencies, log);

            assert.deepEqual(counted, ["deadLettered:poison"]);
            assert.deepEqual(lines, [
                { level: "error", message: "message dead-lettered", details: { deadLetterKind: "poison", attempts: 1, error } },
            ]);
        });

        it("resets the attempt record after forwarding", async () => {
            const { sent, dependencies, log } = world({ attempts: 1 });
            const failing = record();

            await handleFailure(failing, new InvalidMessageError("bad"), dependencies, log);

            const updates = sent.filter((command) => command.name === "UpdateItemCommand");
            assert.deepEqual(
                [updates.length, (updates[1]!.input.UpdateExpression as string).startsWith("SET attempts = :zero"), updates[1]!.input.Key],
                [2, true, { id: { S: `message-attempts#${messageIdentityOf(failing)}` } }],
            );
        });

        it("dead-letters without metrics", async () => {
            const { sent, dependencies, log } = world({ attempts: 1, metrics: false });

            await handleFailure(record(), new InvalidMessageError("bad"), dependencies, log);

            assert.equal(sentReason(sent).kind, "poison");
        });

        it("still settles the record, with a warning, when the attempt record cannot be reset", async () => {
            const tableError = new Error("table gone");
            let updates = 0;
            const { lines, dependencies, log } = world({
                dynamoDb: () => (++updates === 1 ? { Attributes: { attempts: { N: "1" } } } : tableError),
            });

            await handleFailure(record(), new InvalidMessageError("bad"), dependencies, log);

            assert.deepEqual(lines[0], {
                level: "warn",
                message: "could not reset the attempt record after dead-lettering",
                details: { error: tableError },
            });
        });

        it("counts receives instead of attempts, with a warning, when the attempt cannot be recorded", async () => {
            const tableError = new Error("table gone");
            const { sent, lines, dependencies, log } = world({ dynamoDb: () => tableError });

            await handleFailure(record(config.maxReceiveCount), new TransientError("later"), dependencies, log);

            assert.deepEqual(lines[0], {
                level: "warn",
                message: "could not record the attempt; counting receives instead",
                details: { error: tableError },
            });
            assert.deepEqual([sentReason(sent).kind, sentReason(sent).attempts], ["exhausted", config.maxReceiveCount]);
        });

        it("forwards nothing once the invocation's deadline has passed", async () => {
            const { sent, dependencies, log } = world({ attempts: 1, remainingTime: () => 0 });

            await assert.rejects(
                handleFailure(record(), new InvalidMessageError("bad"), dependencies, log),
                (error: unknown) =>
                    error instanceof InvocationDeadlinePassedError &&
                    error.message === "the invocation's deadline has passed; not starting the dead-letter forward",
            );
            assert.equal(
                sent.some((command) => command.name === "SendMessageCommand"),
                false,
            );
        });

        it("rejects with the refusal, naming its cause, when the DLQ refuses the copy", async () => {
            const { dependencies, log } = world({ attempts: 1, sqs: () => new Error("KMS.AccessDenied") });

            await assert.rejects(
                handleFailure(record(), new InvalidMessageError("bad"), dependencies, log),
                (error: unknown) =>
                    error instanceof DeadLetterRefusedError &&
                    error.name === "DeadLetterRefusedError" &&
                    error.message === "the DLQ forward was refused (send-message): KMS.AccessDenied" &&
                    (error.cause as Error).message === "KMS.AccessDenied",
            );
        });
    });

    describe("a held-back FIFO message", () => {
        const heldBack = (receiveCount: number, groupId?: string) =>
            record(receiveCount, groupId !== undefined ? { messageGroupId: groupId, deduplicationId: "d-1" } : {});

        it("is left alone before SQS's last receive", async () => {
            const { sent, dependencies, log } = world();

            assert.equal(await handleHeldBack(heldBack(config.maxReceiveCount - 1, "g"), dependencies, log), false);
            assert.deepEqual(sent, []);
        });

        it("is forwarded on SQS's last receive as receive-limit, naming its group and the limit", async () => {
            const { sent, dependencies, log } = world({ attempts: 0 });

            assert.equal(await handleHeldBack(heldBack(config.maxReceiveCount, "g-7"), dependencies, log), true);

            const reason = sentReason(sent);
            assert.deepEqual(
                [sent[0]!.name, sent[0]!.input.ConsistentRead, reason.kind, reason.errorClass, reason.errorMessage, reason.attempts],
                [
                    "GetItemCommand",
                    true,
                    "receive-limit",
                    "HeldBackError",
                    "held back behind a failing message of group 'g-7' until SQS's receive limit (5)",
                    0,
                ],
            );
        });

        it("names an empty group when the record has none", async () => {
            const { sent, dependencies, log } = world({ attempts: 0 });

            await handleHeldBack(heldBack(config.maxReceiveCount), dependencies, log);

            assert.equal(sentReason(sent).errorMessage, "held back behind a failing message of group '' until SQS's receive limit (5)");
        });

        it("records the attempts it really ran", async () => {
            const { sent, dependencies, log } = world({ attempts: 3 });

            await handleHeldBack(heldBack(config.maxReceiveCount, "g"), dependencies, log);

            assert.equal(sentReason(sent).attempts, 3);
        });

        it("assumes no attempts, with a warning, when the attempt record cannot be read", async () => {
            const tableError = new Error("table gone");
            const { sent, lines, dependencies, log } = world({
                dynamoDb: (command) => (command.name === "GetItemCommand" ? tableError : {}),
            });

            await handleHeldBack(heldBack(config.maxReceiveCount, "g"), dependencies, log);

            assert.deepEqual(lines[0], {
                level: "warn",
                message: "could not read the attempt record; assuming no attempts",
                details: { error: tableError },
            });
            assert.equal(sentReason(sent).attempts, 0);
        });
    });

    describe("attempt records", () => {
        it("identifies a message by the SHA-256 of its body", () => {
            assert.equal(messageIdentityOf({ body: "abc" }), `body:${createHash("sha256").update("abc").digest("hex")}`);
        });

        it("keeps the first 1024 characters of the last failure's message, and expires the record after the expiry", async () => {
            const sent: SentCommand[] = [];
            const records = new AttemptRecords(fakeClient(sent, () => ({ Attributes: { attempts: { N: "1" } } })) as never, "table", 3600);
            const before = Math.floor(Date.now() / 1000);

            const count = await records.recordFailure("id", new TransientError("m".repeat(2000)));

            const values = sent[0]!.input.ExpressionAttributeValues as Record<string, { S?: string; N?: string }>;
            const failure = JSON.parse(values[":failure"]!.S!) as { errorClass: string; errorMessage: string };
            const expiration = Number(values[":expiration"]!.N);
            assert.deepEqual(
                [count, failure.errorClass, failure.errorMessage],
                [{ attempts: 1, deadLetters: 0 }, "TransientError", "m".repeat(1024)],
            );
            assert.ok(expiration >= before + 3600 && expiration <= Math.floor(Date.now() / 1000) + 3600, `expiration ${expiration}`);
        });

        it("reads no attempts and no last failure for a message it has no record of", async () => {
            const records = new AttemptRecords(fakeClient([], () => ({})) as never, "table", 3600);

            assert.deepEqual(await records.read("id"), { attempts: 0, deadLetters: 0 });
        });

        it("reads zero for counts a record lacks, and its last failure", async () => {
            const failure = { errorClass: "TransientError", errorMessage: "later", at: "2026-12-02T00:00:00.000Z" };
            const records = new AttemptRecords(
                fakeClient([], () => ({ Item: { lastFailure: { S: JSON.stringify(failure) } } })) as never,
                "table",
                3600,
            );

            assert.deepEqual(await records.read("id"), { attempts: 0, deadLetters: 0, lastFailure: failure });
        });

        it("reads a record without a last failure", async () => {
            const records = new AttemptRecords(
                fakeClient([], () => ({ Item: { attempts: { N: "2" }, deadLetters: { N: "1" } } })) as never,
                "table",
                3600,
            );

            assert.deepEqual(await records.read("id"), { attempts: 2, deadLetters: 1 });
        });
    });

    describe("backoff", () => {
        it("waits the whole visibility timeout when no tier is configured", () => {
            assert.equal(backoffSeconds(2, [], 180), 180);
        });
    });

    describe("refused forwards", () => {
        it("says 'unknown cause' for a refusal without one", () => {
            assert.equal(new DeadLetterRefusedError("size").message, "the DLQ forward was refused (size): unknown cause");
        });
    });

    describe("the dead-letter forward", () => {
        const reason = { kind: DeadLetterKind.poison, error: new InvalidMessageError("bad"), attempts: 1, handlerVersion: "v1" };
        const large = () => record(1, { body: "x".repeat(3000) });
        const forwardConfig = (overrides: Partial<ConsumerConfig> = {}) => ({
            deadLetterQueueUrl: config.deadLetterQueueUrl,
            deadLetterMaximumMessageBytes: 2048,
            ...overrides,
        });

        /** What a forward ended with: the draft it sent, or the error it rejected with. */
        interface ForwardOutcome {
            readonly draft?: DeadLetterDraft;
            readonly error?: unknown;
        }

        /** Forwards `forwarded` with fake clients; `sqs` and `s3` answer each SendMessage and PutObject. */
        async function forward(forwarded: SQSRecord, overrides: Partial<ConsumerConfig>, answers: { sqs?: Answer; s3?: Answer } = {}) {
            const sent: SentCommand[] = [];
            const lines: LogLine[] = [];
            const clients = {
                sqs: fakeClient(sent, answers.sqs),
                s3: fakeClient(sent, answers.s3),
                dynamoDb: fakeClient(sent),
            } as unknown as AwsClients;
            const outcome = await forwardToDeadLetterQueue(
                forwarded,
                reason,
                0,
                clients,
                forwardConfig(overrides),
                recordingLogger(lines),
            ).then(
                (draft): ForwardOutcome => ({ draft }),
                (error: unknown): ForwardOutcome => ({ error }),
            );
            return { sent, lines, ...outcome };
        }

        it("refuses a copy too large without a bucket for its size, logging both sizes", async () => {
            const { sent, lines, error } = await forward(large(), {});

            assert.ok(error instanceof DeadLetterRefusedError && error.refusal === "size");
            assert.deepEqual(sent, []);
            assert.equal(lines[0]!.message, "DLQ forward refused");
            assert.deepEqual(
                [
                    lines[0]!.details.refusal,
                    lines[0]!.details.limitBytes,
                    typeof lines[0]!.details.bytes,
                    String(lines[0]!.details.cause).split(":")[0],
                ],
                ["size", 2048, "number", "DeadLetterTooLargeError"],
            );
        });

        it("stores an offloaded body as JSON in the bucket before it sends the copy", async () => {
            const { sent } = await forward(large(), { payloadBucketName: "payloads" });

            assert.deepEqual(
                sent.map((command) => command.name),
                ["PutObjectCommand", "SendMessageCommand"],
            );
            assert.deepEqual(
                [sent[0]!.input.Bucket, sent[0]!.input.ContentType, sent[0]!.input.Body],
                ["payloads", "application/json", "x".repeat(3000)],
            );
        });

        it("refuses the forward when the bucket refuses the body, logging where it was going", async () => {
            const { sent, lines, error } = await forward(
                large(),
                { payloadBucketName: "payloads" },
                { s3: () => new Error("AccessDenied") },
            );

            assert.ok(error instanceof DeadLetterRefusedError && error.refusal === "payload-bucket");
            assert.deepEqual(
                [sent.map((command) => command.name), lines[0]!.details.bucket, String(lines[0]!.details.key).startsWith("dead-letters/")],
                [["PutObjectCommand"], "payloads", true],
            );
        });

        it("rebuilds the copy for the smaller size SQS names, logging both limits, and sends it once more", async () => {
            let sends = 0;
            const { sent, lines, draft } = await forward(
                record(1, { body: "y".repeat(1500) }),
                { deadLetterMaximumMessageBytes: 262_144, payloadBucketName: "payloads" },
                {
                    sqs: () =>
                        ++sends === 1
                            ? new Error("One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")
                            : {},
                },
            );

            assert.deepEqual(
                [
                    sent.map((command) => command.name),
                    draft?.offload?.bucket,
                    lines[0]!.details.configuredLimitBytes,
                    lines[0]!.details.limitBytes,
                ],
                [["SendMessageCommand", "PutObjectCommand", "SendMessageCommand"], "payloads", 262_144, 1024],
            );
        });

        it("refuses the forward when the rebuilt copy is refused too", async () => {
            let sends = 0;
            const { error } = await forward(
                record(1, { body: "y".repeat(1500) }),
                { deadLetterMaximumMessageBytes: 262_144, payloadBucketName: "payloads" },
                { sqs: () => (++sends === 1 ? new Error("Message must be shorter than 1024 bytes.") : new Error("KMS.DisabledException")) },
            );

            assert.ok(
                error instanceof DeadLetterRefusedError &&
                    error.refusal === "send-message" &&
                    error.message.endsWith("KMS.DisabledException"),
            );
        });

        it("does not retry when the size SQS names is not below the configured one", async () => {
            const { sent, error } = await forward(
                record(),
                { deadLetterMaximumMessageBytes: 1024 },
                { sqs: () => new Error("Message must be shorter than 1024 bytes.") },
            );

            assert.ok(error instanceof DeadLetterRefusedError && error.refusal === "send-message");
            assert.equal(sent.length, 1);
        });

        it("does not retry a copy whose body is already in the bucket", async () => {
            const { sent, error } = await forward(
                large(),
                { payloadBucketName: "payloads" },
                { sqs: () => new Error("Message must be shorter than 1024 bytes.") },
            );

            assert.ok(error instanceof DeadLetterRefusedError && error.refusal === "send-message");
            assert.deepEqual(
                sent.map((command) => command.name),
                ["PutObjectCommand", "SendMessageCommand"],
            );
        });
    });
});
