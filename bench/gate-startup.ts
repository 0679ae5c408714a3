// What a pull request waits for: `npm run gate -- --stack dev` end to end (start-up, program, pack,
// type check, analysis), median of a few runs with warm caches, and the CPU all its processes
// used. The machine is shared, so the load average is printed with each figure, and with
// `--baseline <dir>` (another checkout of this repository, e.g. `git archive <commit> | tar -x`)
// that checkout's gate runs interleaved with this one, so the ratio compares runs under the same
// load. Target: median under 3 s. Run: npx tsx bench/gate-startup.ts [--runs 3] [--baseline <dir>]
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const repoRoot = path.resolve(__dirname, "..");
const targetSeconds = 3;

interface Checkout {
    readonly label: string;
    readonly dir: string;
    /** Node flags that load the gate's TypeScript in that checkout, as its `npm run gate` does. */
    readonly loader: readonly string[];
}

interface Run {
    readonly seconds: number;
    readonly cpuSeconds: number;
    readonly load: number;
    readonly code: number | null;
}

/** CPU seconds of every waited-for descendant so far (Linux /proc; 0 elsewhere). */
function childrenCpuSeconds(): number {
    try {
        const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
        // Fields 16 and 17 of stat (cutime, cstime), counted from field 3 after the command name.
        return (Number(fields[13]) + Number(fields[14])) / 100;
    } catch {
        return 0;
    }
}

function loaderOf(dir: string): string[] {
    const own = path.join(dir, "gate", "ts-require.js");
    return fs.existsSync(own) ? ["--require", own] : ["--import", pathToFileURL(require.resolve("tsx", { paths: [dir] })).href];
}

function runGate(checkout: Checkout): Promise<Run> {
    const cpuBefore = childrenCpuSeconds();
    const load = os.loadavg()[0];
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...checkout.loader, path.join(checkout.dir, "gate", "cli.ts"), "--stack", "dev"], {
        cwd: checkout.dir,
        stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            if (code !== 0) {
                process.stderr.write(stderr);
            }
            resolve({ seconds, cpuSeconds: childrenCpuSeconds() - cpuBefore, load, code });
        });
    });
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function flag(name: string): string | undefined {
    const at = process.argv.indexOf(name);
    return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
    const runs = Number(flag("--runs") ?? "3");
    const baselineDir = flag("--baseline");
    const checkouts: Checkout[] = [{ label: "this tree", dir: repoRoot, loader: loaderOf(repoRoot) }];
    if (baselineDir !== undefined) {
        const dir = path.resolve(baselineDir);
        checkouts.push({ label: `baseline ${dir}`, dir, loader: loaderOf(dir) });
    }
    // One unreported run each fills the caches (esbuild bundles, type check, transpiled files, V8 code).
    for (const checkout of checkouts) {
        await runGate(checkout);
    }
    const results = new Map<Checkout, Run[]>(checkouts.map((c) => [c, []]));
    for (let i = 0; i < runs; i++) {
        for (const checkout of checkouts) {
            const run = await runGate(checkout);
            results.get(checkout)?.push(run);
            console.log(
                `${checkout.label}: run ${i + 1}: ${run.seconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU, exit ${run.code}, load average ${run.load.toFixed(1)}`,
            );
        }
    }
    const summary = checkouts.map((c) => {
        const list = results.get(c) ?? [];
        return { checkout: c, wall: median(list.map((r) => r.seconds)), cpu: median(list.map((r) => r.cpuSeconds)) };
    });
    for (const s of summary) {
        console.log(`${s.checkout.label}: median ${s.wall.toFixed(2)} s wall, ${s.cpu.toFixed(2)} s CPU over ${runs} runs`);
    }
    const [mine, baseline] = summary;
    if (baseline !== undefined) {
        console.log(
            `ratio this tree / baseline: wall ${(mine.wall / baseline.wall).toFixed(2)}, CPU ${(mine.cpu / baseline.cpu).toFixed(2)}`,
        );
    }
    console.log(
        `target: median under ${targetSeconds} s: ${mine.wall < targetSeconds ? "met" : "not met"} (load average now ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
    );
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
