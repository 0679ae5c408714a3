import * as assert from "node:assert/strict";
import * as path from "node:path";
import { LocalFunction } from "../../../local/lambda/local-function";
import type { InvocationOutcome } from "../../../local/lambda/execution-environment";
import type { LocalFunctionDefinition } from "../../../local/lambda/function-definition";

export const PROBE_HANDLER = path.join(__dirname, "..", "..", "fixtures", "local-handlers", "probe-handler.ts");
export const BROKEN_INIT_HANDLER = path.join(__dirname, "..", "..", "fixtures", "local-handlers", "broken-init-handler.ts");

export function probeFunction(overrides: Partial<LocalFunctionDefinition> = {}): LocalFunction {
    const functionName = overrides.functionName ?? "probe";
    return new LocalFunction({
        functionName,
        logGroupName: `/aws/lambda/${functionName}`,
        handlerModule: PROBE_HANDLER,
        timeoutSeconds: 3,
        memorySizeMb: 256,
        reservedConcurrency: 2,
        region: "us-east-1",
        environment: {},
        ...overrides,
    });
}

/**
 * Registers an `afterEach` (in the calling `describe`) that stops every function handed to the
 * returned `track`, so no worker outlives its test.
 */
export function stopAfterEach(): (fn: LocalFunction) => LocalFunction {
    let functions: LocalFunction[] = [];
    afterEach(async () => {
        await Promise.all(functions.map((fn) => fn.stop()));
        functions = [];
    });
    return (fn) => {
        functions.push(fn);
        return fn;
    };
}

/** The handler's response of a successful invocation; fails the test, showing the outcome, otherwise. */
export function successResponse<T>(outcome: InvocationOutcome): T {
    assert.equal(outcome.kind, "success", JSON.stringify(outcome));
    return (outcome as { response: T }).response;
}
