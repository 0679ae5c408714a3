/**
 * Issue 17 item 7: a throttled batch is retried with backoff while its messages stay hidden, as
 * Lambda does; only throttling past the visibility timeout drifts messages toward the DLQ (the
 * reason maximumConcurrency must not exceed reserved concurrency).
 */
import * as assert from "node:assert/strict";
import type { EventSourceMapping } from "../../local/event-source-mapping";
import type { LocalFunction } from "../../local/lambda/local-function";
import { queueDepth } from "../../local/progress";
import { probeFunction } from "./helpers/function-factory";
import { startMapping } from "./helpers/mapping-factory";
import { sendBodies, type SqsFixture, startSqsFixture, waitFor } from "./helpers/sqs-fixture";

describe("throttled invocations", function () {
    this.timeout(60_000);
    let fixture: SqsFixture;
    let fn: LocalFunction;
    let mapping: EventSourceMapping | undefined;

    before(async () => {
        fixture = await startSqsFixture();
    });
    beforeEach(async () => {
        // One environment at most, three pollers: two of three batches are throttled at first.
        fn = probeFunction({ reservedConcurrency: 1, timeoutSeconds: 5 });
        await fn.warm(1);
    });
    afterEach(async () => {
        await mapping?.stop();
        await fn.stop();
    });
    after(async () => {
        await fixture.stop();
    });

    it("retries a throttled batch with backoff within its visibility timeout, so nothing reaches the DLQ", async () => {
        // Prepare
        const queue = await fixture.createQueue({ visibilityTimeoutSeconds: 20, maxReceiveCount: 1 });
        await sendBodies(fixture.sqs, queue, ["sleep:300", "sleep:300", "sleep:300"]);

        // Act
        const started = startMapping(fixture.sqs, queue, fn, {
            batchSize: 1,
            maximumConcurrency: 3,
            throttleBackoff: { initialMs: 200, maximumMs: 1000 },
        });
        mapping = started.mapping;
        await waitFor(() => started.reports.flatMap((report) => report.deleted).length === 3, 30_000, "all three processed");

        // Assess
        const deadLetters = await queueDepth(fixture.sqs, queue.deadLetterUrl);
        assert.deepEqual([started.reports.reduce((sum, report) => sum + report.throttles, 0) > 0, deadLetters.visible], [true, 0]);
    });

    it("returns a batch throttled until its visibility timeout ends, and after maxReceiveCount it is dead-lettered", async () => {
        // Prepare: each invocation outlasts the 1 s visibility timeout, so throttled batches give up
        const queue = await fixture.createQueue({ visibilityTimeoutSeconds: 1, maxReceiveCount: 1 });
        await sendBodies(fixture.sqs, queue, ["sleep:2500", "sleep:2500", "sleep:2500"]);

        // Act
        const started = startMapping(fixture.sqs, queue, fn, {
            batchSize: 1,
            maximumConcurrency: 3,
            throttleBackoff: { initialMs: 200, maximumMs: 1000 },
        });
        mapping = started.mapping;
        await waitFor(async () => (await queueDepth(fixture.sqs, queue.deadLetterUrl)).visible > 0, 30_000, "a message dead-lettered");

        // Assess
        assert.ok(
            started.reports.some((report) => report.outcome.kind === "throttled"),
            JSON.stringify(started.reports.map((report) => report.outcome.kind)),
        );
    });
});
