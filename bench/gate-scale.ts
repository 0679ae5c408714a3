// How the offline gate's analysis grows with the stack: the per-resource Analyze calls plus the
// one AnalyzeStack call, through the real policy pack process, on synthetic stacks of 100 and
// 1,000 lanes (~1,000 and ~10,000 resources). Linear growth shows as a ratio near 1.0 between
// the time per resource at both sizes. Target: 1,000 lanes under 3 s. The machine is shared, so
// the load average is printed with each figure. Run: npx tsx bench/gate-scale.ts [--lanes <n>]
// (`--lanes` sets the large size, the small one is a tenth of it; e.g. 200 to profile with
// NODE_OPTIONS=--cpu-prof, which the pack's process inherits).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyGateSession } from "../gate/analysis";
import { loadPolicyPackProject } from "../gate/pack-process";
import { readPolicyConfigFile } from "../gate/policy-config";
import { syntheticIdentity, syntheticLaneStack } from "./gate-lanes";

const repoRoot = path.resolve(__dirname, "..");
const targetLanes = 1000;
const targetSeconds = 3;

/** The large size from `--lanes <n>` (default the target's), the small one a tenth of it. */
function benchSizes(argv: readonly string[]): readonly [number, number] {
    const at = argv.indexOf("--lanes");
    if (at < 0) {
        return [targetLanes / 10, targetLanes];
    }
    const lanes = Number(argv[at + 1]);
    if (!Number.isInteger(lanes) || lanes < 10) {
        throw new Error(`'--lanes' must be a whole number of at least 10, ${JSON.stringify(argv[at + 1] ?? null)} given`);
    }
    return [Math.round(lanes / 10), lanes];
}

// Best of a few rounds, so a pause of the shared machine does not pass for growth.
const rounds = 2;

interface Measurement {
    readonly lanes: number;
    readonly resources: number;
    readonly violations: number;
    readonly ms: number;
    /** CPU of this (the gate's) process during the best round. */
    readonly gateCpuMs: number;
    /** CPU of the policy pack's process during the best round (Linux: /proc), if known. */
    readonly packCpuMs: number | undefined;
    readonly load: number;
}

/** User + system CPU of a process, in ms, from /proc/<pid>/stat (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
    try {
        // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        const ticksPerSecond = 100; // USER_HZ, 100 on Linux
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    } catch {
        return undefined;
    }
}

async function measure(session: PolicyGateSession, lanes: number): Promise<Measurement> {
    const stack = syntheticLaneStack(lanes);
    let best: Measurement | undefined;
    for (let round = 0; round < rounds; round++) {
        const load = os.loadavg()[0];
        const cpu = process.cpuUsage();
        const packCpu = processCpuMs(session.packPid);
        const started = process.hrtime.bigint();
        const result = await session.analyze(stack);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const used = process.cpuUsage(cpu);
        const packCpuAfter = processCpuMs(session.packPid);
        if (best === undefined || ms < best.ms) {
            best = {
                lanes,
                resources: result.resourceCount,
                violations: result.violations.length,
                ms,
                gateCpuMs: (used.user + used.system) / 1000,
                packCpuMs: packCpu === undefined || packCpuAfter === undefined ? undefined : packCpuAfter - packCpu,
                load,
            };
        }
    }
    return best as Measurement;
}

async function main(): Promise<void> {
    const sizes = benchSizes(process.argv.slice(2));
    const session = await PolicyGateSession.open({
        policyPack: loadPolicyPackProject(path.join(repoRoot, "policy")),
        policyConfig: readPolicyConfigFile(path.join(repoRoot, "policy", "config", "prod.json")),
        identity: syntheticIdentity,
    });
    try {
        await measure(session, sizes[0]); // warm-up: JIT in both processes and the gRPC connection, not reported
        const results: Measurement[] = [];
        for (const lanes of sizes) {
            results.push(await measure(session, lanes));
        }
        for (const r of results) {
            console.log(
                `${String(r.lanes).padStart(5)} lanes  ${String(r.resources).padStart(6)} resources  ` +
                    `${(r.ms / 1000).toFixed(2).padStart(7)} s  ${(r.ms / r.resources).toFixed(3)} ms/resource  ${r.violations} violations  ` +
                    `CPU: gate ${(r.gateCpuMs / 1000).toFixed(2)} s, pack ${r.packCpuMs === undefined ? "?" : (r.packCpuMs / 1000).toFixed(2)} s  ` +
                    `load average ${r.load.toFixed(1)}`,
            );
        }
        const [small, large] = results;
        const ratio = large.ms / large.resources / (small.ms / small.resources);
        console.log(`time per resource, ${large.lanes} lanes / ${small.lanes} lanes: ${ratio.toFixed(2)} (linear => ~1.0)`);
        const atTarget = results.find((r) => r.lanes === targetLanes);
        if (atTarget !== undefined) {
            console.log(
                `target: ${targetLanes} lanes under ${targetSeconds} s: ${atTarget.ms / 1000 < targetSeconds ? "met" : "not met"} ` +
                    `(${(atTarget.ms / 1000).toFixed(2)} s at load average ${atTarget.load.toFixed(1)} on ${os.cpus().length} cores)`,
            );
        }
    } finally {
        await session.close();
    }
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
