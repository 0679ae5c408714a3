import * as assert from "node:assert/strict";
import { runSoak, SoakScenario, type SoakResult } from "../../local/soak/run-soak";
import { SoakToolName } from "../../local/soak/soak-tools";

/** The failing checks' names and details, so a failure says what went wrong. */
const failures = (result: SoakResult) => result.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.detail}`);

describe("reliability soak (small run)", function () {
    // Generous: the busy-machine run shares two cores with its own burners and whatever else the machine runs.
    this.timeout(600_000);

    it("pages every valid escalation once, dead-letters every poison message with its reason, keeps FIFO order and loses nothing, with every fault class mixed in", async () => {
        // Prepare: transient 5xx (Slack down after the page among them), Slack refusals to replay, duplicates side by side,
        // second escalations of a call, oversized escalations (S3, capped for PagerDuty), ~450 KB tool results, near-limit
        // poison, and a process freeze past the escalation timeout (the mixed scenario's default)
        const options = {
            messages: 300,
            seed: 7,
            functionTimeoutSeconds: 2,
            concurrency: 3,
            transientFailureRate: 0.05,
            slackRefusalRate: 0.03,
        };

        // Act
        const result = await runSoak(options);

        // Assess: every fault class happened, and every check held
        assert.deepEqual(
            [
                result.injectedFaults > 0,
                result.slackRefusals > 0,
                result.frozenMs > 0,
                result.plan.followUpEscalations.length > 0,
                result.plan.oversizedEscalations.length > 0,
                result.plan.nearLimitPoisonBodies.length > 0,
                result.plan.toolCalls.some((call) => call.toolName === SoakToolName.largeResult),
                failures(result),
            ],
            [true, true, true, true, true, true, true, []],
        );
    });

    it("loses nothing when the consumers are killed mid-batch and started again", async () => {
        // Prepare
        const options = {
            messages: 200,
            seed: 11,
            scenario: SoakScenario.killRestart,
            functionTimeoutSeconds: 2,
            escalationTimeoutSeconds: 2,
            concurrency: 3,
        };

        // Act
        const result = await runSoak(options);

        // Assess: the kill did cut running invocations off, and every check still holds
        assert.deepEqual([result.killedInvocations > 0, failures(result)], [true, []]);
    });
});
