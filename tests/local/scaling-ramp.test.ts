/** Issue 17 item 5: the mapping starts with 5 concurrent batches and ramps up as AWS does; `instant` turns the model off. */
import * as assert from "node:assert/strict";
import type { EventSourceMapping, MappingScaling } from "../../local/event-source-mapping";
import { startMapping } from "./helpers/mapping-factory";
import { RecordingTarget, sleep, succeeded } from "./helpers/recording-target";
import { sendBodies, type SqsFixture, startSqsFixture, waitFor } from "./helpers/sqs-fixture";

describe("mapping scaling", function () {
    this.timeout(60_000);
    let fixture: SqsFixture;
    let mapping: EventSourceMapping | undefined;

    before(async () => {
        fixture = await startSqsFixture();
    });
    afterEach(async () => {
        await mapping?.stop();
    });
    after(async () => {
        await fixture.stop();
    });

    /** Invocations running at `atMs` after the first one started. */
    async function concurrencyOver(scaling: MappingScaling, samplesMs: readonly number[]): Promise<number[]> {
        const queue = await fixture.createQueue();
        await sendBodies(
            fixture.sqs,
            queue,
            Array.from({ length: 120 }, (_, index) => `m-${index}`),
        );
        const target = new RecordingTarget(async () => {
            await sleep(400);
            return succeeded(null);
        });
        mapping = startMapping(fixture.sqs, queue, target, { batchSize: 1, maximumConcurrency: 20, scaling }).mapping;
        await waitFor(() => target.invocations.length > 0, 10_000, "a first invocation");
        const firstStart = target.invocations[0]!.startedAt;
        await sleep(Math.max(...samplesMs) + 500);
        return samplesMs.map(
            (atMs) =>
                target.invocations.filter(
                    (invocation) =>
                        invocation.startedAt <= firstStart + atMs && (invocation.endedAt ?? Number.POSITIVE_INFINITY) > firstStart + atMs,
                ).length,
        );
    }

    it("starts with 5 concurrent batches and adds more while messages keep coming", async () => {
        // Act
        const [atStart, later] = await concurrencyOver("ramp", [100, 3000]);

        // Assess
        assert.ok(atStart <= 5 && later > 5, `running at 100 ms: ${atStart}, at 3 s: ${later}`);
    });

    it("runs every slot at once with instant scaling", async () => {
        // Act
        const [atStart] = await concurrencyOver("instant", [300]);

        // Assess
        assert.ok(atStart > 5, `running at 300 ms: ${atStart}`);
    });
});
