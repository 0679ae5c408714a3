import { CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { type SQSClient, StartMessageMoveTaskCommand } from "@aws-sdk/client-sqs";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createAwsClients } from "../../handlers/aws";
import { MessageAttributeName, encodePayloadPointer } from "../../handlers/messages";

import { CloudWatchLogsAuditTrail, JsonlAuditTrail, sha256 } from "../../local/dlq/audit";
import { DlqOperations } from "../../local/dlq/operations";
import { normaliseErrorMessage } from "../../local/dlq/grouping";
import { displayBody, REDACTED, restoreRedacted } from "../../local/dlq/redaction";
import { queueDepth } from "../../local/progress";
import { deadLetter } from "./helpers/dead-letter-factory";
import { escalationBody, operationsFor } from "./helpers/dlq-operations-factory";
import { drainVisible, SqsFixture, startSqsFixture } from "./helpers/sqs-fixture";

describe("DLQ operations module (shared by the CLI and the console)", () => {
    let fixture: SqsFixture;
    before(async () => {
        fixture = await startSqsFixture();
    });
    after(async () => {
        await fixture.stop();
    });

    describe("grouping", () => {
        it("puts dead letters whose messages differ only in numbers and ids in one group, with its count and handler versions", async () => {
            // Prepare: the factory's reasons are "bad body #0", "bad body #1"
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [{ body: "{ a" }, { body: "{ b" }]);
            const { operations } = operationsFor(fixture, queue);

            // Act
            const groups = await operations.groups();

            // Assess
            assert.deepEqual(
                groups.map((group) => [
                    group.lane,
                    group.failureKind,
                    group.errorClass,
                    group.normalisedMessage,
                    group.count,
                    group.handlerVersions,
                ]),
                [["escalation", "poison", "InvalidMessageError", "bad body #<n>", 2, ["test-1"]]],
            );
        });

        it("normalises uuids, times, quoted values and numbers out of an error message", () => {
            assert.equal(
                normaliseErrorMessage(
                    `tool "lookup" failed for 1b4e28ba-2fa1-11d2-883f-0016d3cca427 at 2026-12-01T10:00:00Z after 3 tries`,
                ),
                `tool "<value>" failed for <uuid> at <time> after <n> tries`,
            );
        });
    });

    describe("find", () => {
        it("finds a dead letter by the id SendMessage gave the producer", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            const [dlqId] = await deadLetter(fixture.sqs, queue, [{ body: "{ a" }]);
            const { operations } = operationsFor(fixture, queue);
            const [entry] = await operations.deadLetters("escalation");

            // Act
            const found = await operations.find(entry!.reason!.sourceMessageId);

            // Assess
            assert.equal(found?.entry.messageId, dlqId);
        });
    });

    describe("S3 payloads", () => {
        it("fetches a pointer body's payload from S3 only when asked", async () => {
            // Prepare: a producer-offloaded message (Extended Client pointer) in the DLQ
            const { s3 } = createAwsClients(fixture.emulators.environment);
            const bucket = `payloads-${Date.now()}`;
            await s3.send(new CreateBucketCommand({ Bucket: bucket }));
            await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "big/one.json", Body: escalationBody("call-big") }));
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [
                {
                    body: encodePayloadPointer({ s3BucketName: bucket, s3Key: "big/one.json" }),
                    attributes: { [MessageAttributeName.extendedPayloadSize]: { DataType: "Number", StringValue: "70" } },
                },
            ]);
            const { operations } = operationsFor(fixture, queue, "escalation", () => s3);
            const [entry] = await operations.deadLetters("escalation");

            // Act
            const payload = await operations.payload(entry!);

            // Assess
            assert.equal(payload, escalationBody("call-big"));
        });
    });

    describe("overview", () => {
        it("reports each lane's DLQ depth and the age of its oldest message", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [{ body: "{ a" }, { body: "{ b" }]);
            const { operations } = operationsFor(fixture, queue);

            // Act
            const [lane] = await operations.overview();

            // Assess
            assert.deepEqual(
                [lane!.deadLetterQueue.depth.visible, typeof lane!.deadLetterQueue.oldestAgeSeconds, lane!.queue.oldestAgeSeconds],
                [2, "number", undefined],
            );
        });
    });

    describe("edited replay", () => {
        it("refuses a body that fails the lane's schema, naming the field, and moves nothing", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            const [id] = await deadLetter(fixture.sqs, queue, [{ body: escalationBody("call-1") }]);
            const { operations } = operationsFor(fixture, queue);

            // Act
            const attempt = operations.replayEdited(
                "escalation",
                id!,
                JSON.stringify({ callId: "call-1", reason: "x", severity: "urgent" }),
            );

            // Assess
            await assert.rejects(attempt, (error: Error) => error.name === "DlqOperationError" && /severity/.test(error.message));
            assert.equal((await queueDepth(fixture.sqs, queue.deadLetterUrl)).visible, 1);
        });

        it("replays the edited body and records both body hashes in the audit trail", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            const original = escalationBody("call-2", "typo");
            const [id] = await deadLetter(fixture.sqs, queue, [{ body: original }]);
            const { operations, audit } = operationsFor(fixture, queue);
            const edited = escalationBody("call-2", "Caller asks for a human");

            // Act
            await operations.replayEdited("escalation", id!, edited);

            // Assess
            const [replayed] = await drainVisible(fixture.sqs, queue.url);
            const [record] = await audit.recent(1);
            assert.deepEqual(
                [replayed?.Body, record?.action, record?.operator, record?.messages],
                [
                    edited,
                    "replay-edited",
                    "test-operator",
                    [{ messageId: id, bodySha256Before: sha256(original), bodySha256After: sha256(edited) }],
                ],
            );
        });
    });

    describe("delete and purge", () => {
        it("deletes only the chosen messages and audits them", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            const [gone] = await deadLetter(fixture.sqs, queue, [{ body: "{ gone" }, { body: "{ stays" }]);
            const { operations, audit } = operationsFor(fixture, queue);

            // Act
            await operations.delete("escalation", [gone!]);

            // Assess
            const remaining = (await operations.deadLetters("escalation")).map((entry) => entry.body);
            const [record] = await audit.recent(1);
            assert.deepEqual(
                [remaining, record?.action, record?.messages.map((message) => message.messageId)],
                [["{ stays"], "delete", [gone]],
            );
        });

        it("refuses a purge whose typed name is not the DLQ's, deleting nothing", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [{ body: "{ a" }]);
            const { operations } = operationsFor(fixture, queue);

            // Act
            const attempt = operations.purge("escalation", "yes");

            // Assess
            await assert.rejects(attempt, /type the DLQ's name/);
            assert.equal((await queueDepth(fixture.sqs, queue.deadLetterUrl)).visible, 1);
        });

        it("purges when the DLQ's name is typed, and audits it", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [{ body: "{ a" }]);
            const { operations, audit } = operationsFor(fixture, queue);

            // Act
            await operations.purge("escalation", queue.deadLetterUrl.split("/").pop()!);

            // Assess
            const [record] = await audit.recent(1);
            assert.deepEqual([(await queueDepth(fixture.sqs, queue.deadLetterUrl)).visible, record?.action], [0, "purge"]);
        });
    });

    describe("replay everything", () => {
        it("asks SQS for StartMessageMoveTask on a standard DLQ where the service has it, and audits it", async () => {
            // Prepare: no emulator here implements the action, so a stub answers as AWS does
            const sent: string[] = [];
            const sqs = {
                send: async (command: object) => (
                    sent.push(command.constructor.name),
                    { TaskHandle: "task-7", Attributes: { QueueArn: "arn" } }
                ),
            } as unknown as SQSClient;
            const audit = new JsonlAuditTrail(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dlq-audit-")), "audit.jsonl"));
            const lane = {
                lane: "escalation",
                queueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q",
                queueArn: "arn:q",
                deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q-dlq",
                deadLetterQueueArn: "arn:q-dlq",
            };
            const operations = new DlqOperations({ sqs, lanes: [lane], audit, operator: "alice" });

            // Act
            const report = await operations.replay("escalation");

            // Assess
            const [record] = await audit.recent(1);
            assert.deepEqual(
                [report.moveTask?.taskHandle, sent.at(-1), record?.action],
                ["task-7", StartMessageMoveTaskCommand.name, "replay-all"],
            );
        });
    });

    describe("audit in AWS", () => {
        it("writes each record to its own stream in the component's CloudWatch Logs group", async () => {
            // Prepare: no CloudWatch Logs emulator here, so a stub records the requests AWS would get
            const sent: unknown[] = [];
            const logs = { send: async (command: { input: unknown }) => (sent.push([command.constructor.name, command.input]), {}) };
            const trail = new CloudWatchLogsAuditTrail(logs, "pipeline-dev-dlq-audit", "alice");
            const record = {
                time: "2026-12-01T10:00:00.000Z",
                operator: "alice",
                action: "purge",
                lane: "escalation",
                deadLetterQueueUrl: "u",
                messages: [],
                outcome: "purged",
            } as const;

            // Act
            await trail.append(record);

            // Assess
            const [[createName, create], [putName, put]] = sent as [
                string,
                { logGroupName: string; logStreamName: string; logEvents?: { message: string }[] },
            ][];
            assert.deepEqual(
                [createName, create.logGroupName, putName, put.logStreamName, JSON.parse(put.logEvents![0]!.message)],
                [CreateLogStreamCommand.name, "pipeline-dev-dlq-audit", PutLogEventsCommand.name, create.logStreamName, record],
            );
        });
    });

    describe("secrets", () => {
        it("redacts secret-named fields from a displayed body", () => {
            assert.deepEqual(
                JSON.parse(displayBody(JSON.stringify({ callId: "c", context: { routingKey: "R0UT1NG", apiKey: "k" } })).text),
                {
                    callId: "c",
                    context: { routingKey: REDACTED, apiKey: REDACTED },
                },
            );
        });

        it("puts the original secret back where an edited body kept the placeholder", () => {
            assert.deepEqual(restoreRedacted({ reason: "new", token: REDACTED }, { reason: "old", token: "t0k3n" }), {
                reason: "new",
                token: "t0k3n",
            });
        });
    });
});
