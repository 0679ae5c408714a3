/**
 * What "the X-Ray SDK in manual mode" leaves running in a local consumer (README, "Where the local
 * runtime departs from AWS"): manual mode skips the cls-hooked namespace the SDK creates at load,
 * but in a Lambda environment (LAMBDA_TASK_ROOT set, as the local runtime sets it) the SDK's
 * Lambda set-up asks for the namespace to put its facade segment on, and that creates it and
 * enables its async hook, which then runs on every promise and callback of the consumer.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

/** Loads the SDK in a fresh process with an async_hooks.createHook spy, and prints which hooks were enabled, by whom. */
const PROBE = `const asyncHooks = require("node:async_hooks");
const enabled = [];
const createHook = asyncHooks.createHook;
asyncHooks.createHook = function (callbacks) {
    const hook = createHook.call(this, callbacks);
    const enable = hook.enable.bind(hook);
    const createdBy = new Error().stack.split("\\n").slice(2).find((line) => line.includes("node_modules")) ?? "";
    hook.enable = () => (enabled.push(createdBy.trim()), enable());
    return hook;
};
require("aws-xray-sdk-core");
process.stdout.write(JSON.stringify(enabled));`;

function asyncHooksEnabledByXRaySdk(environment: Record<string, string>): string[] {
    const output = execFileSync(process.execPath, ["-e", PROBE], {
        cwd: process.cwd(),
        env: { PATH: process.env.PATH ?? "", AWS_REGION: "eu-west-1", ...environment },
        encoding: "utf8",
    });
    return JSON.parse(output) as string[];
}

describe("X-Ray SDK in manual mode in a local consumer", () => {
    // local/runtime.ts's LOCAL_TRACING_OFF, and LAMBDA_TASK_ROOT as local/lambda/function-definition.ts sets it.
    const localTracingOff = { POWERTOOLS_TRACE_ENABLED: "false", AWS_XRAY_MANUAL_MODE: "true", AWS_XRAY_CONTEXT_MISSING: "IGNORE_ERROR" };

    it("installs no async hook outside a Lambda environment", () => {
        // Act and Assess
        assert.deepEqual(asyncHooksEnabledByXRaySdk(localTracingOff), []);
    });

    it("still enables cls-hooked's async hook in a Lambda environment, from the SDK's Lambda set-up", () => {
        // Act
        const enabled = asyncHooksEnabledByXRaySdk({ ...localTracingOff, LAMBDA_TASK_ROOT: process.cwd() });

        // Assess
        assert.equal(enabled.length, 1, JSON.stringify(enabled));
        assert.match(enabled[0]!, /cls-hooked/);
    });
});
