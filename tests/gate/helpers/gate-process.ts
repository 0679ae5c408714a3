// Runs the gate the way users do, as its own process (`tsx gate/cli.ts ...`), and collects its exit
// code and output. Runs go through a small pool so a suite can start them all up front and
// overlap them, instead of paying ~5 s of process start-up per fixture in sequence.
import * as assert from "node:assert/strict";
import { spawn } from "child_process";
import * as path from "path";
import { pathToFileURL } from "url";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");
export const fixturePrograms = path.join(repoRoot, "tests", "fixtures", "programs");
export const fixturePacks = path.join(repoRoot, "tests", "fixtures", "packs");
export const fixturePolicyConfigs = path.join(repoRoot, "tests", "fixtures", "policy-config");
export const realPolicyConfig = (stack: "dev" | "prod"): string => path.join(repoRoot, "policy", "config", `${stack}.json`);
/** The gate as users run it in production: the real pack under its prod policy config (every rule mandatory). */
export const PROD_POLICY_CONFIG_ARGS: readonly string[] = ["--policy-config", realPolicyConfig("prod")];

export interface GateRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

// Fixture runs skip the program's type check as the CLI does with PULUMI_NODEJS_TRANSPILE_ONLY: a
// first check parses @pulumi/aws's declarations (about 15 s of CPU per fixture), and `npm run
// build` already type-checks every fixture program; tests/gate/typecheck.test.ts turns it on.
const fixtureEnv = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } as const;

function spawnGate(args: readonly string[], env: NodeJS.ProcessEnv): Promise<GateRun> {
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    const child = spawn(process.execPath, ["--import", tsx, path.join(repoRoot, "gate", "cli.ts"), ...args], {
        cwd: repoRoot,
        env: { ...process.env, ...fixtureEnv, ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

// Two cores are shared by several suites; three gate runs at once keep them busy without thrashing.
const poolSize = 3;
let running = 0;
const waiting: (() => void)[] = [];

/** Queues one gate run; resolves when it has finished. */
export async function runGate(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<GateRun> {
    if (running >= poolSize) {
        await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
        return await spawnGate(args, env);
    } finally {
        running--;
        waiting.shift()?.();
    }
}

/** `runGate` for a fixture program: `--program tests/fixtures/programs/<name>` plus `args`. */
export function runGateOnFixture(program: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<GateRun> {
    return runGate(["--program", path.join(fixturePrograms, program), ...args], env);
}

/** Policy names of the violations printed at `level`, from the report's heading lines. */
export function reportedPolicies(stdout: string, level: "mandatory" | "advisory"): string[] {
    const heading = new RegExp(`^\\s+\\[${level}\\](?: \\[severity: \\w+\\])?  \\S+ v\\S+  (\\S+) \\(`, "gm");
    return [...new Set([...stdout.matchAll(heading)].map((m) => m[1]))].sort();
}

/** Starts the gate on each fixture program under the prod policy config (PROD_POLICY_CONFIG_ARGS), all at once. */
export function startProdRuns(programs: readonly string[]): Map<string, Promise<GateRun>> {
    return startRuns(Object.fromEntries(programs.map((program) => [program, () => runGateOnFixture(program, PROD_POLICY_CONFIG_ARGS)])));
}

/** Starts every run now (through the pool) and keeps the promises by key for the tests to await. */
export function startRuns(entries: Readonly<Record<string, () => Promise<GateRun>>>): Map<string, Promise<GateRun>> {
    const runs = new Map<string, Promise<GateRun>>();
    for (const [key, start] of Object.entries(entries)) {
        const run = start();
        // Awaited by the test that needs it; this only keeps an early failure from being "unhandled".
        run.catch(() => undefined);
        runs.set(key, run);
    }
    return runs;
}

export function runOf(runs: ReadonlyMap<string, Promise<GateRun>>, key: string): Promise<GateRun> {
    const run = runs.get(key);
    if (run === undefined) {
        throw new Error(`no gate run '${key}' was started`);
    }
    return run;
}

/** Asserts the exit code and that the output (stdout or stderr) says `says`; shows the output on failure. */
export function assertGateRun(run: GateRun, code: number, says: RegExp | string): void {
    const output = `${run.stdout}\n${run.stderr}`;
    const found = typeof says === "string" ? output.includes(says) : says.test(output);
    assert.deepStrictEqual({ code: run.code, says: found }, { code, says: true }, output);
}

/** The report's empty violation list. */
export const noViolations = /Policy Violations:\n {4}none\n/;
