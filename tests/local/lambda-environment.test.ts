/** Issue 17 item 3 and issue 12's init limit: what a local execution environment gives a handler. */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { InvocationOutcome } from "../../local/lambda/execution-environment";
import { probeFunction, stopAfterEach, successResponse } from "./helpers/function-factory";

const SLOW_INIT_HANDLER = path.join(__dirname, "..", "fixtures", "local-handlers", "slow-init-handler.ts");

/** The variables AWS documents for the nodejs22.x runtime, less the role's credentials and the runtime API. */
const LAMBDA_VARIABLES = [
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_FORMAT",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_LEVEL",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_REGION",
    "LAMBDA_RUNTIME_DIR",
    "LAMBDA_TASK_ROOT",
    "LANG",
    "LD_LIBRARY_PATH",
    "NODE_PATH",
    "PATH",
    "TZ",
];

function environmentOf(outcome: InvocationOutcome): Record<string, string> {
    return successResponse<{ environment: Record<string, string> }>(outcome).environment;
}

describe("local execution environment", function () {
    this.timeout(30_000);
    const track = stopAfterEach();

    it("gives the handler exactly Lambda's variables and the function's own, none of the developer's", async () => {
        // Prepare
        process.env.DEVELOPERS_OWN_SECRET = "must-not-leak";
        const fn = track(
            probeFunction({ environment: { PROBE_SETTING: "one" }, logging: { logFormat: "JSON", applicationLogLevel: "WARN" } }),
        );

        // Act
        const environment = environmentOf(await fn.invoke({}));
        delete process.env.DEVELOPERS_OWN_SECRET;

        // Assess
        assert.deepEqual(Object.keys(environment).sort(), [...LAMBDA_VARIABLES, "PROBE_SETTING"].sort());
    });

    it("sets the values Lambda sets: UTC, the handler setting, the task root, the logging config and a trace header", async () => {
        // Prepare
        const fn = track(probeFunction({ logging: { logFormat: "JSON" } }));

        // Act
        const environment = environmentOf(await fn.invoke({}));

        // Assess
        assert.deepEqual(
            [
                environment.TZ,
                environment._HANDLER,
                environment.LAMBDA_TASK_ROOT,
                environment.AWS_LAMBDA_LOG_FORMAT,
                "AWS_LAMBDA_LOG_LEVEL" in environment,
                /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/.test(environment._X_AMZN_TRACE_ID ?? ""),
            ],
            [":UTC", "probe-handler.handler", path.join(__dirname, "..", "fixtures", "local-handlers"), "JSON", false, true],
        );
    });

    it("gives each invocation its own trace header", async () => {
        // Prepare
        const fn = track(probeFunction());

        // Act
        const first = environmentOf(await fn.invoke({}));
        const second = environmentOf(await fn.invoke({}));

        // Assess
        assert.notEqual(first._X_AMZN_TRACE_ID, second._X_AMZN_TRACE_ID);
    });

    it("fails an init phase longer than Lambda's 10 s, by default", async () => {
        // Prepare
        const fn = track(probeFunction({ handlerModule: SLOW_INIT_HANDLER }));

        // Act
        const outcome = await fn.invoke({});

        // Assess
        assert.deepEqual(
            [outcome.kind, outcome.kind === "error" ? outcome.error.message : ""],
            [
                "error",
                "Function probe failed to initialise: the init phase (loading the handler module) took longer than 10000 ms (Lambda allows 10 s)",
            ],
        );
    });

    it("does not charge the init phase against the handler timeout, as Lambda does not on a cold start", async () => {
        // Prepare: an init of 1.5 s before a 1 s handler timeout (Lambda gives init its own 10 s)
        const fn = track(probeFunction({ handlerModule: SLOW_INIT_HANDLER, timeoutSeconds: 1, environment: { SLOW_INIT_MS: "1500" } }));

        // Act
        const outcome = await fn.invoke({});

        // Assess
        assert.equal(successResponse<string>(outcome), "served after a slow init");
    });
});
