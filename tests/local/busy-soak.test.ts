import * as assert from "node:assert/strict";
import { runSoak, type SoakResult } from "../../local/soak/run-soak";
import { SoakToolName } from "../../local/soak/soak-tools";
import { type CpuBurners, type CpuLoadReport, startCpuBurners } from "./helpers/cpu-burners";

/** The test's own limit; the soak is sized to finish well within it beside its burners. */
const TEST_TIMEOUT_MS = 240_000;
/** The burners' hard deadline: past the test's limit, so they outlast the soak, yet bounded if every stop fails. */
const BURNER_MAX_SECONDS = TEST_TIMEOUT_MS / 1000 + 30;
/**
 * How long the soak waits for the queues to drain (it waits twice: before and after replaying the
 * Slack refusals): short enough that a stalled run still ends with its checks, which say what
 * went wrong, before the test's limit.
 */
const MAX_DRAIN_WAIT_SECONDS = 60;
/** Below this share of the machine's core time busy, the run did not happen on a busy machine. */
const MIN_MACHINE_BUSY_SHARE = 0.9;
/**
 * Below this share of a core per burner, a burner was not spinning (a dead or blocked one gets
 * about 0; beside the soak on an otherwise idle 2-core machine each gets about half a core, and
 * still a twentieth with some 40 other processes runnable).
 */
const MIN_BURNER_CORE_SHARE = 0.05;

/** Every fault class of the full soak, and whether this run had it. */
function faultClassesSeen(result: SoakResult): Record<string, boolean> {
    const { plan } = result;
    const steps = (tool: SoakToolName) => plan.toolCalls.filter((call) => call.toolName === tool).length;
    return {
        "transient 5xx (Slack down after the page among them)": result.injectedFaults > 0,
        "Slack refusing the post after the page (replayed from the DLQ)": result.slackRefusals > 0,
        "process frozen past both timeouts": result.frozenMs > 0,
        "second escalation of a call": plan.followUpEscalations.length > 0,
        "duplicate escalation right behind its original": plan.duplicateEscalations.length > 0,
        "malformed escalation": plan.malformedBodies.length > 0,
        "flaky tool step": steps(SoakToolName.flaky) > 0,
        "tool step overrunning its timeout": steps(SoakToolName.slow) > 0,
        "duplicate tool step": plan.duplicateToolCalls.length > 0,
        "unknown tool": plan.unknownToolCalls.length > 0,
    };
}

/** What says the machine was busy all along: the cores, and each burner's own CPU time. */
function busyMachineSeen(load: CpuLoadReport) {
    return {
        burnersRanThroughout: load.burners.every((burner) => !burner.exitedEarly),
        burnersSpun: load.burners.every((burner) => (burner.cpuMs ?? 0) >= MIN_BURNER_CORE_SHARE * burner.wallMs),
        coresBusy: load.machineBusyShare >= MIN_MACHINE_BUSY_SHARE,
    };
}

/** The figures a failure (or a reader of a slow run) needs: the machine's load and the burners' share. */
function describeLoad(load: CpuLoadReport): string {
    const shares = load.burners.map((burner) => (burner.cpuMs === undefined ? "none" : (burner.cpuMs / burner.wallMs).toFixed(2)));
    return (
        `cores ${(load.machineBusyShare * 100).toFixed(0)} % busy, burners' core shares ${shares.join(", ")}, ` +
        `load average ${load.loadAverage.map((value) => value.toFixed(1)).join(" ")}`
    );
}

describe("reliability soak on a busy machine (small run beside CPU burners)", function () {
    this.timeout(TEST_TIMEOUT_MS);
    let burners: CpuBurners | undefined;

    // However the test ends, no burner outlives it (stop is idempotent; each burner also has a hard deadline).
    after(async () => {
        await burners?.stop();
    });

    it("pages every valid escalation once, dead-letters every poison message with its reason, keeps FIFO order and loses nothing, with every fault class mixed in, while burners keep every core busy", async () => {
        // Prepare: one burner per core; the full soak's timeouts and concurrency, and every fault class
        // of the full soak at rates that make each one all but certain in a run this small (seed 4
        // plans a tool step that overruns its timeout)
        const options = {
            messages: 100,
            seed: 4,
            transientFailureRate: 0.1,
            slackRefusalRate: 0.15,
            maxWaitSeconds: MAX_DRAIN_WAIT_SECONDS,
        };
        burners = startCpuBurners({ maxSeconds: BURNER_MAX_SECONDS });

        // Act
        const result = await runSoak(options);
        const load = await burners.stop();

        // Assess: the machine was busy throughout, every fault class happened, and every check of the full soak held
        assert.deepEqual(
            {
                load: busyMachineSeen(load),
                faultClasses: faultClassesSeen(result),
                failedChecks: result.checks.filter((check) => !check.passed),
            },
            {
                load: { burnersRanThroughout: true, burnersSpun: true, coresBusy: true },
                faultClasses: Object.fromEntries(Object.keys(faultClassesSeen(result)).map((name) => [name, true])),
                failedChecks: [],
            },
            `${result.checks.length} checks, soak ${(result.wallTimeMs / 1000).toFixed(1)} s; ${describeLoad(load)}`,
        );
    });
});
