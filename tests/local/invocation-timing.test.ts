/**
 * Issue 12 "Performance of the local path": the timestamps bench:local breaks a batch's time down
 * with, carried with each invocation (worker hop, handler, its requests) and each batch (poll, deletes).
 */
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { InvocationOutcome, InvocationTiming } from "../../local/lambda/execution-environment";
import type { LocalFunction } from "../../local/lambda/local-function";
import { probeFunction } from "./helpers/function-factory";
import { startMapping, useMappingSuite } from "./helpers/mapping-factory";
import { RecordingTarget, sleep, succeeded } from "./helpers/recording-target";
import { sendBodies, waitFor } from "./helpers/sqs-fixture";

function timingOf(outcome: InvocationOutcome): InvocationTiming {
    assert.equal(outcome.kind, "success", JSON.stringify(outcome));
    const { timing } = outcome as { timing?: InvocationTiming };
    assert.ok(timing !== undefined, "the outcome carries no timing");
    return timing;
}

/** A loopback server answering every request after `delayMs`. */
async function slowServer(delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer((_request, response) => {
        setTimeout(() => response.end("ok"), delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

describe("invocation timing (bench:local's breakdown)", function () {
    this.timeout(30_000);
    let functions: LocalFunction[] = [];
    afterEach(async () => {
        await Promise.all(functions.map((fn) => fn.stop()));
        functions = [];
    });

    it("carries the hop's and the handler's timestamps, in order, with each invocation", async () => {
        // Prepare
        const fn = probeFunction();
        functions.push(fn);

        // Act
        const timing = timingOf(await fn.invoke({ sleepMs: 100 }));

        // Assess
        assert.deepEqual(
            [
                timing.postedAt <= timing.receivedAt,
                timing.receivedAt <= timing.handlerEndedAt,
                timing.handlerEndedAt <= timing.settledAt,
                timing.handlerEndedAt - timing.receivedAt >= 95,
            ],
            [true, true, true, true],
        );
    });

    it("counts a sleeping handler's wait as idle, not busy", async () => {
        // Prepare
        const fn = probeFunction();
        functions.push(fn);
        await fn.invoke({});

        // Act
        const timing = timingOf(await fn.invoke({ sleepMs: 300 }));

        // Assess
        assert.ok(timing.handlerBusyMs < 150, `busy ${timing.handlerBusyMs} ms of a 300 ms sleep`);
    });

    it("times the handler's outgoing requests when asked", async () => {
        // Prepare
        const server = await slowServer(100);
        const fn = probeFunction({ measureRequests: true });
        functions.push(fn);

        // Act
        const timing = timingOf(await fn.invoke({ fetchUrl: server.url }));
        await server.close();

        // Assess
        assert.deepEqual([timing.requests?.count, (timing.requests?.inFlightMs ?? 0) >= 95], [1, true]);
    });

    it("does not time requests unless asked", async () => {
        // Prepare
        const server = await slowServer(0);
        const fn = probeFunction();
        functions.push(fn);

        // Act
        const timing = timingOf(await fn.invoke({ fetchUrl: server.url }));
        await server.close();

        // Assess
        assert.equal(timing.requests, undefined);
    });

    describe("on the mapping's side", () => {
        const suite = useMappingSuite();

        it("reports each batch's poll, invocation and deletes in order", async () => {
            // Prepare
            const queue = await suite.fixture.createQueue();
            await sendBodies(suite.fixture.sqs, queue, ["one", "two"]);
            const target = new RecordingTarget(async () => {
                await sleep(100);
                return succeeded(null);
            });

            // Act
            const started = startMapping(suite.fixture.sqs, queue, target, { maximumConcurrency: 1 });
            suite.mapping = started.mapping;
            await waitFor(
                () => started.reports.reduce((sum, report) => sum + report.deleted.length, 0) === 2,
                20_000,
                "both messages deleted",
            );

            // Assess
            const { phases } = started.reports[0]!;
            assert.deepEqual(
                [
                    phases.receivedFrom <= phases.invokedAt,
                    phases.returnedAt - phases.invokedAt >= 95,
                    phases.returnedAt <= phases.settledAt,
                ],
                [true, true, true],
            );
        });
    });
});
