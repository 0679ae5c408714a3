import {
    DeleteMessageCommand,
    ReceiveMessageCommand,
    SendMessageCommand,
    SetQueueAttributesCommand,
    type SQSClient,
} from "@aws-sdk/client-sqs";
import * as assert from "node:assert/strict";
import { DEAD_LETTER_ATTRIBUTE } from "../../handlers/dead-letter";
import { toDeadLetterEntry } from "../../local/dlq/dead-letter-entry";
import { peekMessages } from "../../local/dlq/peek";
import { purgeConfirmed, purgeDeadLetterQueue } from "../../local/dlq/purge";
import { isUnsupportedAction, redriveByCopy, redriveWithMoveTask, type RedriveTarget } from "../../local/dlq/redrive";
import { queueDepth } from "../../local/progress";
import { BatchingFifoSqs } from "./helpers/batching-fifo-sqs";
import { deadLetter, startFailingConsumer } from "./helpers/dead-letter-factory";
import { drainVisible, SqsFixture, startSqsFixture, TestQueue, waitFor } from "./helpers/sqs-fixture";

interface QueueAddress {
    readonly url: string;
    readonly arn: string;
}

/** What a redrive from `dlq` back into `source` names. */
const redriveBetween = (source: QueueAddress, dlq: QueueAddress): RedriveTarget => ({
    deadLetterQueueUrl: dlq.url,
    deadLetterQueueArn: dlq.arn,
    sourceQueueUrl: source.url,
    sourceQueueArn: source.arn,
});

const redriveTarget = (queue: TestQueue): RedriveTarget => redriveBetween(queue, { url: queue.deadLetterUrl, arn: queue.deadLetterArn });

describe("DLQ operations", () => {
    let fixture: SqsFixture;
    before(async () => {
        fixture = await startSqsFixture();
    });

    /** Redrives `queue`'s DLQ by copy: [messages moved, messages kept, messages visible in the DLQ after]. */
    async function redriveCounting(queue: TestQueue): Promise<number[]> {
        const report = await redriveByCopy(fixture.sqs, redriveTarget(queue));
        return [report.moved.length, report.kept.length, (await queueDepth(fixture.sqs, queue.deadLetterUrl)).visible];
    }

    /** Redrives `queue`'s DLQ by copy into a consumer that dead-letters every replay, and waits until each has failed again. */
    async function redriveIntoFailingConsumer(queue: TestQueue) {
        const consumer = startFailingConsumer(fixture.sqs, queue);
        const report = await redriveByCopy(fixture.sqs, redriveTarget(queue));
        await waitFor(() => consumer.deadLettered() >= report.moved.length, 10_000, "the replays to fail again");
        await consumer.stop();
        return report;
    }
    after(async () => {
        await fixture.stop();
    });

    describe("list and show", () => {
        it("reads each message's failure reason and attempts from the handlers' attributes", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            const [id] = await deadLetter(fixture.sqs, queue, [{ body: "{ broken" }]);

            // Act
            const entries = (await peekMessages(fixture.sqs, queue.deadLetterUrl)).map(toDeadLetterEntry);

            // Assess
            assert.deepEqual(
                entries.map((entry) => [
                    entry.messageId,
                    entry.reason?.failureKind,
                    entry.reason?.errorClass,
                    entry.reason?.errorMessage,
                    entry.reason?.attempts,
                    entry.reason?.handlerVersion,
                ]),
                [[id, "poison", "InvalidMessageError", "bad body #0", 1, "test-1"]],
            );
        });

        it("leaves every message in the DLQ and visible after reading it", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [{ body: "a" }, { body: "b" }, { body: "c" }]);

            // Act
            await peekMessages(fixture.sqs, queue.deadLetterUrl);

            // Assess
            assert.deepEqual(await queueDepth(fixture.sqs, queue.deadLetterUrl), { visible: 3, inFlight: 0, delayed: 0 });
        });

        it("reports a message SQS moved by itself as having no recorded reason", async () => {
            // Prepare: a message received past maxReceiveCount is moved by SQS, without our attributes
            const queue = await fixture.createQueue({ visibilityTimeoutSeconds: 0, maxReceiveCount: 3 });
            await fixture.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "timed out every time" }));
            for (let receive = 0; receive < 4; receive++) {
                await drainVisible(fixture.sqs, queue.url);
            }

            // Act
            const entries = (await peekMessages(fixture.sqs, queue.deadLetterUrl)).map(toDeadLetterEntry);

            // Assess
            assert.deepEqual(
                entries.map((entry) => [entry.body, entry.reason]),
                [["timed out every time", undefined]],
            );
        });
    });

    describe("redrive", () => {
        it("moves standard DLQ messages back to the source queue and empties the DLQ", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [{ body: "one" }, { body: "two" }]);

            // Act
            const report = await redriveByCopy(fixture.sqs, redriveTarget(queue));

            // Assess
            const moved = await drainVisible(fixture.sqs, queue.url);
            assert.deepEqual(
                [report.moved.length, moved.map((message) => message.Body).sort(), await queueDepth(fixture.sqs, queue.deadLetterUrl)],
                [2, ["one", "two"], { visible: 0, inFlight: 0, delayed: 0 }],
            );
        });

        it("keeps the producer's attributes and drops the dead-letter reason on the replayed message", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [
                { body: "one", attributes: { "event-type": { DataType: "String", StringValue: "escalation.requested" } } },
            ]);

            // Act
            await redriveByCopy(fixture.sqs, redriveTarget(queue));

            // Assess
            const [replayed] = await drainVisible(fixture.sqs, queue.url);
            assert.deepEqual(Object.keys(replayed!.MessageAttributes ?? {}), ["event-type"]);
            assert.equal(DEAD_LETTER_ATTRIBUTE in (replayed!.MessageAttributes ?? {}), false);
        });

        it("moves a FIFO DLQ's messages in order within each group, keeping group and deduplication id", async () => {
            // Prepare
            const queue = await fixture.createQueue({ fifo: true });
            await deadLetter(fixture.sqs, queue, [
                { body: "a1", groupId: "call-a" },
                { body: "b1", groupId: "call-b" },
                { body: "a2", groupId: "call-a" },
                { body: "a3", groupId: "call-a" },
            ]);
            const before = (await peekMessages(fixture.sqs, queue.deadLetterUrl)).map(toDeadLetterEntry);

            // Act
            await redriveByCopy(fixture.sqs, redriveTarget(queue));

            // Assess: receive one at a time, deleting each, to read every group's order
            const received: [string, string, string][] = [];
            for (;;) {
                const { Messages = [] } = await fixture.sqs.send(
                    new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1, AttributeNames: ["All"] }),
                );
                const message = Messages[0];
                if (message === undefined) {
                    break;
                }
                received.push([message.Body!, message.Attributes!.MessageGroupId!, message.Attributes!.MessageDeduplicationId!]);
                await fixture.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }));
            }
            assert.deepEqual(
                received.filter(([, group]) => group === "call-a").map(([body]) => body),
                ["a1", "a2", "a3"],
            );
            const headDeduplicationIds = new Map(before.map((entry) => [entry.body, entry.deduplicationId]));
            assert.deepEqual(
                received.filter(([body]) => headDeduplicationIds.has(body)).map(([body, group, dedup]) => [body, group, dedup]),
                before.map((entry) => [entry.body, entry.groupId, entry.deduplicationId]),
            );
        });

        it("replays a FIFO dead letter with the producer's message group and deduplication id", async () => {
            // Prepare
            const queue = await fixture.createQueue({ fifo: true });
            await deadLetter(fixture.sqs, queue, [{ body: "step", groupId: "call-p", deduplicationId: "ORIGINAL-DEDUP-ID" }]);

            // Act
            await redriveByCopy(fixture.sqs, redriveTarget(queue));

            // Assess
            const [replayed] = await drainVisible(fixture.sqs, queue.url);
            assert.deepEqual(
                [replayed?.Attributes?.MessageGroupId, replayed?.Attributes?.MessageDeduplicationId],
                ["call-p", "ORIGINAL-DEDUP-ID"],
            );
        });

        it("keeps a FIFO message in the DLQ when SQS answers its copy as a duplicate of the original send", async () => {
            // Prepare: SQS itself dead-letters a message, so the DLQ copy keeps the original deduplication id
            const queue = await fixture.createQueue({ fifo: true, visibilityTimeoutSeconds: 0, maxReceiveCount: 3 });
            await fixture.sqs.send(
                new SendMessageCommand({
                    QueueUrl: queue.url,
                    MessageBody: "step",
                    MessageGroupId: "call-d",
                    MessageDeduplicationId: "call-d:step-1",
                }),
            );
            for (let receive = 0; receive < 4; receive++) {
                await drainVisible(fixture.sqs, queue.url);
            }

            // Act: within five minutes of the original send
            const outcome = await redriveCounting(queue);

            // Assess
            assert.deepEqual(outcome, [0, 1, 1]);
        });

        it("deletes nothing from the DLQ when the source queue refuses the copy", async () => {
            // Prepare: the source queue takes at most 1 KiB, the dead letter is larger
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [{ body: "precious ".repeat(200) }]);
            await fixture.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { MaximumMessageSize: "1024" } }));

            // Act
            const outcome = await redriveCounting(queue);

            // Assess
            assert.deepEqual(outcome, [0, 1, 1]);
        });

        it("moves each message that was in a standard DLQ when it started exactly once, though every replay fails again", async () => {
            // Prepare: a consumer that dead-letters whatever reaches the source queue, as a poison message does
            const queue = await fixture.createQueue();
            await deadLetter(
                fixture.sqs,
                queue,
                ["p0", "p1", "p2", "p3", "p4"].map((body) => ({ body })),
            );

            // Act
            const report = await redriveIntoFailingConsumer(queue);

            // Assess: five moved, and the five that failed again wait in the DLQ for the next look
            assert.deepEqual([report.moved.length, (await queueDepth(fixture.sqs, queue.deadLetterUrl)).visible], [5, 5]);
        });

        it("moves each message that was in a FIFO DLQ when it started exactly once, though every replay fails again", async () => {
            // Prepare
            const queue = await fixture.createQueue({ fifo: true });
            await deadLetter(fixture.sqs, queue, [
                { body: "a1", groupId: "call-a" },
                { body: "a2", groupId: "call-a" },
                { body: "b1", groupId: "call-b" },
                { body: "c1", groupId: "call-c" },
            ]);

            // Act
            const report = await redriveIntoFailingConsumer(queue);

            // Assess
            assert.deepEqual([report.moved.length, (await queueDepth(fixture.sqs, queue.deadLetterUrl)).visible], [4, 4]);
        });

        it("stops a FIFO group at a message whose copy the source queue refused, though SQS returned the next one in the same batch", async () => {
            // Prepare: AWS may return a group's messages together; the source queue refuses the first (too large)
            const sqs = new BatchingFifoSqs();
            const source = sqs.createQueue("calls.fifo", 1024);
            const dlq = sqs.createQueue("calls-dlq.fifo");
            sqs.put(dlq, "x".repeat(2000), "call-a");
            sqs.put(dlq, "a2", "call-a");

            // Act
            const report = await redriveByCopy(sqs.asClient(), redriveBetween(source, dlq));

            // Assess: nothing overtook the refused message
            assert.deepEqual([report.moved.length, report.kept.length, sqs.bodies(source), sqs.bodies(dlq).length], [0, 1, [], 2]);
        });

        it("moves the rest of a FIFO group returned in one batch when every copy is accepted", async () => {
            // Prepare: the same group of two, both small enough
            const sqs = new BatchingFifoSqs();
            const source = sqs.createQueue("calls.fifo", 1024);
            const dlq = sqs.createQueue("calls-dlq.fifo");
            sqs.put(dlq, "a1", "call-a");
            sqs.put(dlq, "a2", "call-a");

            // Act
            const report = await redriveByCopy(sqs.asClient(), redriveBetween(source, dlq));

            // Assess
            assert.deepEqual([report.moved.length, sqs.bodies(source), sqs.bodies(dlq)], [2, ["a1", "a2"], []]);
        });

        it("refuses to start, naming the queue, when the source queue does not exist, and moves nothing", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [{ body: "precious" }]);
            const missing = queue.url.replace(/[^/]+$/, "no-such-queue");

            // Act
            const attempt = redriveByCopy(fixture.sqs, { ...redriveTarget(queue), sourceQueueUrl: missing });

            // Assess
            await assert.rejects(attempt, (error: Error) => error.name === "QueueNotFoundError" && error.message.includes(missing));
            assert.equal((await queueDepth(fixture.sqs, queue.deadLetterUrl)).visible, 1);
        });

        it("moves only the chosen message ids", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            const [first] = await deadLetter(fixture.sqs, queue, [{ body: "chosen" }, { body: "left" }]);

            // Act
            await redriveByCopy(fixture.sqs, redriveTarget(queue), { messageIds: new Set([first!]) });

            // Assess
            const remaining = (await peekMessages(fixture.sqs, queue.deadLetterUrl)).map((message) => message.Body);
            assert.deepEqual(remaining, ["left"]);
        });

        it("asks SQS to move a standard DLQ back to its own source with StartMessageMoveTask", async () => {
            // Prepare: no emulator here implements the action, so a stub client records the request AWS would get.
            const sent: unknown[] = [];
            const sqs = {
                send: async (command: { input: unknown }) => (sent.push(command.input), { TaskHandle: "task-1" }),
            } as unknown as SQSClient;
            const target = redriveTarget({
                url: "u",
                arn: "arn:aws:sqs:eu-west-1:123456789012:q",
                deadLetterUrl: "d",
                deadLetterArn: "arn:aws:sqs:eu-west-1:123456789012:q-dlq",
                fifo: false,
            });

            // Act
            const report = await redriveWithMoveTask(sqs, target);

            // Assess
            assert.deepEqual(sent, [
                { SourceArn: "arn:aws:sqs:eu-west-1:123456789012:q-dlq", DestinationArn: "arn:aws:sqs:eu-west-1:123456789012:q" },
            ]);
            assert.deepEqual(report, { method: "moveTask", taskHandle: "task-1" });
        });

        it("finds that fauxqs lacks StartMessageMoveTask, which is why the local redrive copies", async () => {
            // Prepare
            const queue = await fixture.createQueue();

            // Act
            const attempt = redriveWithMoveTask(fixture.sqs, redriveTarget(queue));

            // Assess
            await assert.rejects(attempt, (error: unknown) => isUnsupportedAction(error));
        });
    });

    describe("purge", () => {
        it("is confirmed by typing the DLQ's name back", () => {
            assert.equal(purgeConfirmed("pipeline-escalations-dlq", "pipeline-escalations-dlq\n", false), true);
        });

        it("is refused when the typed name differs", () => {
            assert.equal(purgeConfirmed("pipeline-escalations-dlq", "yes", false), false);
        });

        it("is confirmed by --yes without a prompt", () => {
            assert.equal(purgeConfirmed("pipeline-escalations-dlq", undefined, true), true);
        });

        it("empties the DLQ and reports how many messages it held", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await deadLetter(fixture.sqs, queue, [{ body: "a" }, { body: "b" }]);

            // Act
            const purged = await purgeDeadLetterQueue(fixture.sqs, queue.deadLetterUrl);

            // Assess
            assert.deepEqual([purged, await queueDepth(fixture.sqs, queue.deadLetterUrl)], [2, { visible: 0, inFlight: 0, delayed: 0 }]);
        });
    });
});
