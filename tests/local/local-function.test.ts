import * as assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import type { InvocationOutcome } from "../../local/lambda/execution-environment";
import { BROKEN_INIT_HANDLER, probeFunction, stopAfterEach, successResponse } from "./helpers/function-factory";

type ProbeResponse = {
    probeSetting: string | null;
    functionName: string;
    remainingAtStart: number;
    lambdaFunctionName: string;
    invocationsInThisEnvironment: number;
    memoryLimitInMB: string;
};

function responseOf(outcome: InvocationOutcome): ProbeResponse {
    return successResponse<ProbeResponse>(outcome);
}

describe("local Lambda function", () => {
    const track = stopAfterEach();

    it("gives each function its own environment variables, as separate Lambda functions have", async () => {
        // Prepare
        const first = track(probeFunction({ functionName: "first", environment: { PROBE_SETTING: "one" } }));
        const second = track(probeFunction({ functionName: "second", environment: { PROBE_SETTING: "two" } }));

        // Act
        const [a, b] = await Promise.all([first.invoke({}), second.invoke({})]);

        // Assess
        assert.deepEqual([responseOf(a).probeSetting, responseOf(b).probeSetting], ["one", "two"]);
    });

    it("sets the Lambda runtime variables and a context naming the function and its memory", async () => {
        // Prepare
        const fn = track(probeFunction({ functionName: "pager", memorySizeMb: 512 }));

        // Act
        const response = responseOf(await fn.invoke({}));

        // Assess
        assert.deepEqual([response.functionName, response.lambdaFunctionName, response.memoryLimitInMB], ["pager", "pager", "512"]);
    });

    it("counts the context's remaining time down from the function timeout", async () => {
        // Prepare
        const fn = track(probeFunction({ timeoutSeconds: 3 }));

        // Act
        const response = responseOf(await fn.invoke({}));

        // Assess
        assert.ok(response.remainingAtStart > 2500 && response.remainingAtStart <= 3000, `remaining ${response.remainingAtStart} ms`);
    });

    it("reuses a warm execution environment for the next invocation", async () => {
        // Prepare
        const fn = track(probeFunction());
        await fn.invoke({});

        // Act
        const response = responseOf(await fn.invoke({}));

        // Assess
        assert.deepEqual([response.invocationsInThisEnvironment, fn.coldStarts], [2, 1]);
    });

    it("ends an invocation that overruns the timeout as timed out", async () => {
        // Prepare
        const fn = track(probeFunction({ timeoutSeconds: 1 }));

        // Act
        const outcome = await fn.invoke({ sleepMs: 5000 });

        // Assess
        assert.equal(outcome.kind, "timeout");
    });

    it("throws away a timed-out environment, so the next invocation starts cold", async () => {
        // Prepare
        const fn = track(probeFunction({ timeoutSeconds: 1 }));
        await fn.invoke({ sleepMs: 5000 });

        // Act
        const response = responseOf(await fn.invoke({}));

        // Assess
        assert.deepEqual([response.invocationsInThisEnvironment, fn.coldStarts], [1, 2]);
    });

    it("reports a thrown error with its class and message", async () => {
        // Prepare
        const fn = track(probeFunction());

        // Act
        const outcome = await fn.invoke({ throwMessage: "bad input" });

        // Assess
        assert.deepEqual(outcome.kind === "error" ? [outcome.error.name, outcome.error.message] : outcome, ["RangeError", "bad input"]);
    });

    it("reports a handler module that fails to load as a failed invocation", async () => {
        // Prepare
        const fn = track(probeFunction({ handlerModule: BROKEN_INIT_HANDLER }));

        // Act
        const outcome = await fn.invoke({});

        // Assess
        assert.deepEqual(outcome.kind === "error" ? [outcome.error.name, /QUEUE_URL must be set/.test(outcome.error.message)] : outcome, [
            "Runtime.InitError",
            true,
        ]);
    });

    it("refuses an invocation beyond the reserved concurrency, as Lambda throttles", async () => {
        // Prepare
        const fn = track(probeFunction({ reservedConcurrency: 2 }));
        const running = [fn.invoke({ sleepMs: 300 }), fn.invoke({ sleepMs: 300 })];

        // Act
        const third = fn.invoke({});

        // Assess
        await assert.rejects(third, { name: "ConcurrencyExceededError" });
        await Promise.all(running);
    });
    it("warms more environments than the machine has cores and keeps them all warm", async () => {
        // Prepare
        const wanted = availableParallelism() + 1;
        const fn = track(probeFunction({ reservedConcurrency: wanted }));

        // Act
        await fn.warm(wanted);
        const outcomes = await Promise.all(Array.from({ length: wanted }, () => fn.invoke({ sleepMs: 200 })));

        // Assess
        assert.deepEqual([fn.coldStarts, outcomes.every((outcome) => outcome.kind === "success")], [wanted, true]);
    });
});
