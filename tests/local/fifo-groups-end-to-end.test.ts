/**
 * Issue 17 item 1, end to end: FIFO batches carry several messages of a group, and the real
 * tool-call consumer, with a failure in the middle of a group, runs every step once and in order.
 * (Attempt counts are the consumer's business and not asserted here.)
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { enqueueToolCall, type ToolCallInput } from "../../handlers/producer";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import { localProducerTargets } from "../../local/producer-targets";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime";
import { SOAK_STATE_DIRECTORY_VARIABLE, SoakToolName, TOOL_RUNS_FILE, type ToolRun } from "../../local/soak/soak-tools";
import { waitFor } from "./helpers/sqs-fixture";

const SOAK_TOOLS = path.join(__dirname, "..", "..", "local", "soak", "soak-tools.ts");
const STEPS = 5;

describe("FIFO groups through the real tool-call consumer", function () {
    this.timeout(120_000);
    let runtime: LocalRuntime;
    let stateDirectory: string;
    const runs = (): ToolRun[] => {
        const file = path.join(stateDirectory, TOOL_RUNS_FILE);
        return fs.existsSync(file)
            ? fs
                  .readFileSync(file, "utf8")
                  .split("\n")
                  .filter((line) => line !== "")
                  .map((line) => JSON.parse(line) as ToolRun)
            : [];
    };

    before(async () => {
        stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "fifo-groups-"));
        fs.mkdirSync(path.join(stateDirectory, "markers"));
        runtime = await startLocalRuntime({
            // Short backoff and visibility, so the failed step comes back within the test.
            settings: resolvePipelineSettings({
                toolCall: { functionTimeoutSeconds: 2, backoffTiersSeconds: [1, 1, 1], reservedConcurrency: 2, maximumConcurrency: 2 },
            }),
            namePrefix: "fifo-groups",
            extraToolsModule: SOAK_TOOLS,
            extraFunctionEnvironment: { [SOAK_STATE_DIRECTORY_VARIABLE]: stateDirectory },
            startConsumers: false,
        });
    });
    after(async () => {
        await runtime.stop();
        fs.rmSync(stateDirectory, { recursive: true, force: true });
    });

    it("runs every step of every group once, in order, with a failure in the middle of a group, in batches holding several steps of a group", async () => {
        // Prepare: call-a's step 2 fails transiently on its first attempt; call-b has no failure
        const targets = localProducerTargets(runtime);
        const steps = (callId: string, flakyStep?: number): ToolCallInput[] =>
            Array.from({ length: STEPS }, (_, step) => ({
                callId,
                toolCallId: `step-${step}`,
                toolName: step === flakyStep ? SoakToolName.flaky : SoakToolName.record,
                arguments: { step },
            }));
        await enqueueToolCall(targets.toolCall, steps("call-a", 2));
        await enqueueToolCall(targets.toolCall, steps("call-b"));
        targets.close();

        // Act: consumers start once every step is queued, so a batch can take a whole group
        await runtime.startConsumers();
        await waitFor(() => runs().length >= 2 * STEPS, 90_000, "every step ran");
        await runtime.stopConsumers();

        // Assess
        const stepsOf = (callId: string) =>
            runs()
                .filter((run) => run.callId === callId)
                .map((run) => run.step);
        assert.deepEqual(
            { a: stepsOf("call-a"), b: stepsOf("call-b"), multiMessageGroups: runtime.stats.toolCall.mostRecordsOfOneGroup > 1 },
            { a: [0, 1, 2, 3, 4], b: [0, 1, 2, 3, 4], multiMessageGroups: true },
        );
    });
});
