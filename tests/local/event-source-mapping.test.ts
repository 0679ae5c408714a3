import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type EventSourceMapping, MAX_INVOCATION_PAYLOAD_BYTES } from "../../local/event-source-mapping";
import { probeFunction } from "./helpers/function-factory";
import { startMapping } from "./helpers/mapping-factory";
import { failedWith, itemFailures, RecordingTarget, sleep, succeeded } from "./helpers/recording-target";
import { queueDepth } from "../../local/progress";
import { sendBodies, SqsFixture, startSqsFixture, waitFor } from "./helpers/sqs-fixture";

describe("local event source mapping", function () {
    let fixture: SqsFixture;
    let mappings: EventSourceMapping[] = [];
    const track = <T extends { mapping: EventSourceMapping }>(started: T): T => {
        mappings.push(started.mapping);
        return started;
    };

    before(async () => {
        fixture = await startSqsFixture();
    });
    afterEach(async () => {
        await Promise.all(mappings.map((mapping) => mapping.stop()));
        mappings = [];
    });
    after(async () => {
        await fixture.stop();
    });

    describe("record shape", () => {
        it("hands the function records shaped like Lambda's SQS event, attributes included", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await fixture.sqs.send(
                new SendMessageCommand({
                    QueueUrl: queue.url,
                    MessageBody: '{"hello":"world"}',
                    MessageAttributes: {
                        "event-type": { DataType: "String", StringValue: "escalation.requested" },
                        "attempt": { DataType: "Number", StringValue: "1" },
                        "blob": { DataType: "Binary", BinaryValue: Buffer.from("bytes") },
                    },
                }),
            );
            const target = new RecordingTarget();

            // Act
            track(startMapping(fixture.sqs, queue, target));
            await waitFor(() => target.records.length === 1);

            // Assess
            const record = target.records[0];
            assert.deepEqual(Object.keys(record), [
                "messageId",
                "receiptHandle",
                "body",
                "attributes",
                "messageAttributes",
                "md5OfBody",
                "eventSource",
                "eventSourceARN",
                "awsRegion",
                "md5OfMessageAttributes",
            ]);
            assert.equal(record.body, '{"hello":"world"}');
            assert.equal(record.md5OfBody, createHash("md5").update('{"hello":"world"}').digest("hex"));
            assert.deepEqual(
                { eventSource: record.eventSource, eventSourceARN: record.eventSourceARN, awsRegion: record.awsRegion },
                { eventSource: "aws:sqs", eventSourceARN: queue.arn, awsRegion: "us-east-1" },
            );
            assert.deepEqual(Object.keys(record.attributes).sort(), [
                "ApproximateFirstReceiveTimestamp",
                "ApproximateReceiveCount",
                "SenderId",
                "SentTimestamp",
            ]);
            assert.equal(record.attributes.ApproximateReceiveCount, "1");
            assert.deepEqual(record.messageAttributes, {
                "event-type": { stringValue: "escalation.requested", stringListValues: [], binaryListValues: [], dataType: "String" },
                "attempt": { stringValue: "1", stringListValues: [], binaryListValues: [], dataType: "Number" },
                "blob": {
                    binaryValue: Buffer.from("bytes").toString("base64"),
                    stringListValues: [],
                    binaryListValues: [],
                    dataType: "Binary",
                },
            });
        });

        it("adds the FIFO attributes (group, deduplication id, sequence number) on a FIFO queue", async () => {
            // Prepare
            const queue = await fixture.createQueue({ fifo: true });
            await fixture.sqs.send(
                new SendMessageCommand({
                    QueueUrl: queue.url,
                    MessageBody: "step-1",
                    MessageGroupId: "call-7",
                    MessageDeduplicationId: "call-7:tool-1",
                }),
            );
            const target = new RecordingTarget();

            // Act
            track(startMapping(fixture.sqs, queue, target));
            await waitFor(() => target.records.length === 1);

            // Assess
            const { attributes } = target.records[0];
            assert.equal(attributes.MessageGroupId, "call-7");
            assert.equal(attributes.MessageDeduplicationId, "call-7:tool-1");
            assert.match(attributes.SequenceNumber ?? "", /^\d+$/);
        });
    });

    describe("batching", () => {
        it("never puts more than batchSize records in one invocation", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await sendBodies(
                fixture.sqs,
                queue,
                Array.from({ length: 23 }, (_, index) => `m${index}`),
            );
            const target = new RecordingTarget();

            // Act
            track(startMapping(fixture.sqs, queue, target, { batchSize: 4 }));
            await waitFor(() => target.records.length === 23);

            // Assess
            assert.deepEqual([...new Set(target.invocations.map((invocation) => invocation.records.length <= 4))], [true]);
        });

        it("gathers records across receives until the batching window closes", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            const target = new RecordingTarget();
            track(startMapping(fixture.sqs, queue, target, { batchSize: 100, maximumBatchingWindowSeconds: 1, maximumConcurrency: 1 }));

            // Act: 25 messages arriving over ~400 ms, all inside one window (more than one receive can return)
            for (let wave = 0; wave < 5; wave++) {
                await sendBodies(
                    fixture.sqs,
                    queue,
                    Array.from({ length: 5 }, (_, index) => `w${wave}-${index}`),
                );
                await sleep(80);
            }
            await waitFor(() => target.records.length === 25);

            // Assess
            assert.equal(target.invocations.length, 1);
        });

        it("invokes at once with what one receive returned when there is no batching window", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            const target = new RecordingTarget();
            track(startMapping(fixture.sqs, queue, target, { batchSize: 10, maximumBatchingWindowSeconds: 0, maximumConcurrency: 2 }));
            await sleep(100);
            const sentAt = Date.now();

            // Act
            await sendBodies(fixture.sqs, queue, ["only-one"]);
            await waitFor(() => target.records.length === 1);

            // Assess: well under a second, although the batch is far from full
            assert.ok(
                target.invocations[0].startedAt - sentAt < 500,
                `invoked ${target.invocations[0].startedAt - sentAt} ms after the send`,
            );
        });
    });

    describe("payload limit", () => {
        it("cuts batches at Lambda's 6 MB invocation payload, delivering every record once", async function () {
            this.timeout(30_000);
            // Prepare: 30 records of 250,000 characters are 7.5 MB, more than one invocation may carry
            const queue = await fixture.createQueue();
            for (let index = 0; index < 30; index++) {
                await fixture.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: `${index}:`.padEnd(250_000, "x") }));
            }
            const target = new RecordingTarget(() => succeeded(null));

            // Act
            track(startMapping(fixture.sqs, queue, target, { batchSize: 100, maximumBatchingWindowSeconds: 1, maximumConcurrency: 1 }));
            await waitFor(() => target.records.length >= 30, 20_000, "30 records delivered");

            // Assess
            const payloads = target.invocations.map((invocation) => Buffer.byteLength(JSON.stringify({ Records: invocation.records })));
            assert.deepEqual(
                [
                    payloads.every((bytes) => bytes <= MAX_INVOCATION_PAYLOAD_BYTES),
                    payloads.length > 1,
                    new Set(target.records.map((record) => record.body.split(":")[0])).size,
                    target.records.length,
                ],
                [true, true, 30, 30],
            );
        });
    });

    describe("concurrency", () => {
        it("runs at most maximumConcurrency invocations at once", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await sendBodies(
                fixture.sqs,
                queue,
                Array.from({ length: 24 }, (_, index) => `m${index}`),
            );
            const target = new RecordingTarget(async () => {
                await sleep(100);
                return succeeded(null);
            });

            // Act
            track(startMapping(fixture.sqs, queue, target, { batchSize: 1, maximumConcurrency: 3 }));
            await waitFor(() => target.records.length === 24);

            // Assess
            assert.equal(target.peakConcurrency, 3);
        });
    });

    describe("batch responses", () => {
        it("deletes the records not listed in batchItemFailures and redelivers the listed ones", async () => {
            // Prepare
            const queue = await fixture.createQueue({ visibilityTimeoutSeconds: 1 });
            await sendBodies(fixture.sqs, queue, ["keep-1", "fail-1", "keep-2", "fail-2"]);
            const target = new RecordingTarget((event) =>
                itemFailures(
                    event.Records.filter(
                        (record) => record.body.startsWith("fail") && record.attributes.ApproximateReceiveCount === "1",
                    ).map((record) => record.messageId),
                ),
            );

            // Act
            track(startMapping(fixture.sqs, queue, target, { maximumConcurrency: 2 }));
            await waitFor(() => target.records.length === 6, 10_000, "the two failed records to come back");

            // Assess
            const redelivered = target.records
                .filter((record) => record.attributes.ApproximateReceiveCount === "2")
                .map((record) => record.body);
            assert.deepEqual(redelivered.sort(), ["fail-1", "fail-2"]);
        });

        it("redelivers the whole batch when the handler throws", async () => {
            // Prepare
            const queue = await fixture.createQueue({ visibilityTimeoutSeconds: 1 });
            await sendBodies(fixture.sqs, queue, ["a", "b", "c"]);
            let calls = 0;
            const target = new RecordingTarget(() => (calls++ === 0 ? failedWith("boom") : succeeded(null)));

            // Act
            track(startMapping(fixture.sqs, queue, target, { maximumConcurrency: 2, batchSize: 10 }));
            await waitFor(
                () =>
                    target.invocations.length > 0 &&
                    target.records.filter((record) => record.attributes.ApproximateReceiveCount === "2").length ===
                        target.invocations[0].records.length,
            );

            // Assess: every record of the failed batch came back; nothing was deleted
            const firstBatch = target.invocations[0].records.map((record) => record.messageId).sort();
            const secondTime = target.records
                .filter((record) => record.attributes.ApproximateReceiveCount === "2")
                .map((record) => record.messageId)
                .sort();
            assert.deepEqual(secondTime, firstBatch);
        });

        it("treats a response naming a message outside the batch as a failure of the whole batch", async () => {
            // Prepare
            const queue = await fixture.createQueue({ visibilityTimeoutSeconds: 1 });
            await sendBodies(fixture.sqs, queue, ["a"]);
            let calls = 0;
            const target = new RecordingTarget(() => (calls++ === 0 ? itemFailures(["not-a-message-of-this-batch"]) : succeeded(null)));
            const { reports } = track(startMapping(fixture.sqs, queue, target));

            // Act
            await waitFor(() => reports.length === 2, 10_000, "the redelivery");

            // Assess
            assert.deepEqual(
                reports.map((report) => [report.verdict.kind, report.deleted.length]),
                [
                    ["failed", 0],
                    ["succeeded", 1],
                ],
            );
        });

        it("treats an empty response as success and deletes every record", async () => {
            // Prepare
            const queue = await fixture.createQueue();
            await sendBodies(fixture.sqs, queue, ["a", "b"]);
            const target = new RecordingTarget(() => succeeded({}));
            const { reports } = track(startMapping(fixture.sqs, queue, target, { maximumConcurrency: 1 }));

            // Act
            await waitFor(() => reports.reduce((sum, report) => sum + report.deleted.length, 0) === 2);

            // Assess
            assert.deepEqual(await queueDepth(fixture.sqs, queue.url), { visible: 0, inFlight: 0, delayed: 0 });
        });
    });

    describe("function timeout", () => {
        it("deletes nothing of a batch whose invocation overran the timeout, and it comes back after the visibility timeout", async () => {
            // Prepare
            const queue = await fixture.createQueue({ visibilityTimeoutSeconds: 2 });
            const fn = probeFunction({ timeoutSeconds: 1 });
            await sendBodies(fixture.sqs, queue, ["sleep:1500"]);
            const { reports } = track(startMapping(fixture.sqs, queue, fn, { maximumConcurrency: 2 }));

            // Act
            await waitFor(() => reports.length === 2, 15_000, "the redelivered invocation");
            await fn.stop();

            // Assess
            const [first, second] = reports;
            assert.deepEqual(
                [first.outcome.kind, first.deleted.length, second.records[0].attributes.ApproximateReceiveCount],
                ["timeout", 0, "2"],
            );
            const redeliveredAfterMs = second.startedAt - first.startedAt;
            assert.ok(
                redeliveredAfterMs >= 1900,
                `redelivered ${redeliveredAfterMs} ms after the first attempt, before the 2 s visibility timeout`,
            );
        });
    });

    describe("FIFO", () => {
        it("keeps every message group in order and never has one group in two invocations at once", async () => {
            // Prepare
            const queue = await fixture.createQueue({ fifo: true });
            const groups = ["call-a", "call-b", "call-c", "call-d"];
            for (const group of groups) {
                await sendBodies(
                    fixture.sqs,
                    queue,
                    Array.from({ length: 8 }, (_, step) => `${group}:${step}`),
                    group,
                );
            }
            const inFlightGroups = new Set<string>();
            let overlap = false;
            const target = new RecordingTarget(async (event) => {
                const eventGroups = event.Records.map((record) => record.attributes.MessageGroupId!);
                overlap ||= eventGroups.some((group) => inFlightGroups.has(group));
                eventGroups.forEach((group) => inFlightGroups.add(group));
                await sleep(10);
                eventGroups.forEach((group) => inFlightGroups.delete(group));
                return succeeded(null);
            });

            // Act
            track(startMapping(fixture.sqs, queue, target, { maximumConcurrency: 3 }));
            await waitFor(() => target.records.length === 32);

            // Assess
            for (const group of groups) {
                const steps = target.records.filter((record) => record.attributes.MessageGroupId === group).map((record) => record.body);
                assert.deepEqual(
                    steps,
                    Array.from({ length: 8 }, (_, step) => `${group}:${step}`),
                );
            }
            assert.equal(overlap, false);
        });

        it("hands one batch several messages of a group, in order, as SQS does (fauxqs alone gives one per group)", async () => {
            // Prepare
            const queue = await fixture.createQueue({ fifo: true });
            await sendBodies(fixture.sqs, queue, ["a-1", "a-2", "a-3", "a-4"], "call-a");
            await sendBodies(fixture.sqs, queue, ["b-1", "b-2"], "call-b");
            const target = new RecordingTarget(() => succeeded(null));
            track(startMapping(fixture.sqs, queue, target, { maximumConcurrency: 1 }));

            // Act
            await waitFor(() => target.records.length === 6);

            // Assess
            assert.deepEqual(
                target.invocations.map((invocation) => invocation.records.map((record) => record.body)),
                [["a-1", "a-2", "a-3", "a-4", "b-1", "b-2"]],
            );
        });

        it("never hands out a later message of a group while an earlier one of it is in flight", async () => {
            // Prepare
            const queue = await fixture.createQueue({ fifo: true });
            await sendBodies(fixture.sqs, queue, ["a-1", "a-2"], "call-a");
            const first = await fixture.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1 }));
            await sendBodies(fixture.sqs, queue, ["b-1"], "call-b");

            // Act
            const second = await fixture.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }));

            // Assess
            assert.deepEqual(
                [first.Messages?.map((message) => message.Body), second.Messages?.map((message) => message.Body)],
                [["a-1"], ["b-1"]],
            );
        });

        it("lets a handler that reports only the failed message lose its group's order, as in AWS", async () => {
            // Prepare: reports step-2 alone, not the group mates after it
            const queue = await fixture.createQueue({ fifo: true, visibilityTimeoutSeconds: 1 });
            await sendBodies(fixture.sqs, queue, ["step-1", "step-2", "step-3"], "call-x");
            const target = new RecordingTarget((event) =>
                itemFailures(
                    event.Records.filter((record) => record.body === "step-2" && record.attributes.ApproximateReceiveCount === "1").map(
                        (record) => record.messageId,
                    ),
                ),
            );
            const { reports } = track(startMapping(fixture.sqs, queue, target));

            // Act
            await waitFor(() => reports.flatMap((report) => report.deleted).length === 3, 10_000, "all three steps processed");

            // Assess: step-3 ran before step-2 succeeded
            assert.deepEqual(
                target.records.map((record) => record.body),
                ["step-1", "step-2", "step-3", "step-2"],
            );
        });

        it("brings failed group mates back in their order", async () => {
            // Prepare: the first attempt fails step-2 and everything after it, as a FIFO handler must
            const queue = await fixture.createQueue({ fifo: true, visibilityTimeoutSeconds: 3 });
            await sendBodies(fixture.sqs, queue, ["step-1", "step-2", "step-3", "step-4"], "call-y");
            const target = new RecordingTarget((event) => {
                const failedFrom = event.Records.findIndex(
                    (record) => record.body === "step-2" && record.attributes.ApproximateReceiveCount === "1",
                );
                return itemFailures(failedFrom < 0 ? [] : event.Records.slice(failedFrom).map((record) => record.messageId));
            });
            const { reports } = track(startMapping(fixture.sqs, queue, target));

            // Act
            await waitFor(() => reports.flatMap((report) => report.deleted).length === 4, 20_000, "all four steps processed");

            // Assess: the returned mates come back in order (in one batch or several, as SQS may hand them out)
            const [first, ...later] = target.invocations.map((invocation) => invocation.records.map((record) => record.body));
            assert.deepEqual(
                [first, later.flat()],
                [
                    ["step-1", "step-2", "step-3", "step-4"],
                    ["step-2", "step-3", "step-4"],
                ],
            );
        });
    });

    describe("stopping", () => {
        /** A mapping whose one invocation (of one message) runs for 300 ms; resolves once it has started. */
        const startSlowInvocation = async (body: string) => {
            const queue = await fixture.createQueue();
            await sendBodies(fixture.sqs, queue, [body]);
            const target = new RecordingTarget(async () => {
                await sleep(300);
                return succeeded(null);
            });
            const { mapping } = startMapping(fixture.sqs, queue, target);
            await waitFor(() => target.invocations.length === 1);
            return { queue, mapping };
        };

        it("lets the running invocation finish and delete its records on stop", async () => {
            // Prepare
            const { queue, mapping } = await startSlowInvocation("slow");

            // Act
            await mapping.stop();

            // Assess
            assert.deepEqual(await queueDepth(fixture.sqs, queue.url), { visible: 0, inFlight: 0, delayed: 0 });
        });

        it("deletes nothing of a running invocation when killed", async () => {
            // Prepare
            const { queue, mapping } = await startSlowInvocation("interrupted");

            // Act
            mapping.kill();
            await sleep(400);

            // Assess: the message is still in the queue, in flight until its visibility timeout ends
            assert.deepEqual(await queueDepth(fixture.sqs, queue.url), { visible: 0, inFlight: 1, delayed: 0 });
        });
    });
});
