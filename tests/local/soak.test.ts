import * as assert from "node:assert/strict";
import { runSoak, SoakScenario, type SoakResult } from "../../local/soak/run-soak";

/** The failing checks' names and details, so a failure says what went wrong. */
const failures = (result: SoakResult) => result.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.detail}`);

describe("reliability soak (small run)", function () {
    this.timeout(240_000);

    it("pages every valid escalation once, dead-letters every poison message with its reason, keeps FIFO order and loses nothing", async () => {
        // Prepare
        const options = { messages: 300, seed: 7, functionTimeoutSeconds: 2, concurrency: 3, transientFailureRate: 0.05 };

        // Act
        const result = await runSoak(options);

        // Assess
        assert.deepEqual(failures(result), []);
    });

    it("loses nothing when the consumers are killed mid-batch and started again", async () => {
        // Prepare
        const options = { messages: 200, seed: 11, scenario: SoakScenario.killRestart, functionTimeoutSeconds: 2, escalationTimeoutSeconds: 2, concurrency: 3 };

        // Act
        const result = await runSoak(options);

        // Assess: the kill did cut running invocations off, and every check still holds
        assert.deepEqual([result.killedInvocations > 0, failures(result)], [true, []]);
    });
});
