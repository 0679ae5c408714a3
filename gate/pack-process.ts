// Starts a CrossGuard policy pack in its own process, exactly as the Pulumi CLI does: the CLI's
// `pulumi-analyzer-policy` plugin runs `node <@pulumi/pulumi>/cmd/run-policy-pack <engine> <pack>`
// with the pack's directory as working directory (the pack reads its version from
// ./package.json). That runner loads TypeScript through ts-node with type checking, using the
// pack's tsconfig.json. Here the same runner loads it transpile-only (pack-loader.ts), and the gate
// runs that type check beside it (typecheck.ts), so a pack that would not compile under
// `pulumi preview` still fails the gate; whoever starts a pack for a verdict must check it.
// The first line the pack prints on stdout is the port of its Analyzer gRPC server.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readManifest } from "./entrypoint";
import { PolicyPackError, GateUsageError } from "./errors";
import { cacheDirFor } from "./cache-dir";
import { OutputTail, childEnv, typeScriptExecArgv } from "./node-process";
import { readYamlMap, runtimeName } from "./project";

export interface PolicyPackProject {
    readonly dir: string;
    /** Version from PulumiPolicy.yaml; the CLI prefers it to the one the pack reports. */
    readonly version?: string;
    readonly entry: string;
}

const entryCandidates = ["index.ts", "index.js"];

/** Reads PulumiPolicy.yaml and finds the entry file; GateUsageError when the pack is not there. */
export function loadPolicyPackProject(dir: string): PolicyPackProject {
    const projectFile = path.join(dir, "PulumiPolicy.yaml");
    if (!fs.existsSync(projectFile)) {
        throw new GateUsageError(`no PulumiPolicy.yaml in ${dir}; '--policy-pack' must name a policy pack directory`);
    }
    const doc = readYamlMap(projectFile, "policy pack file");
    const runtime = runtimeName(doc.runtime, projectFile);
    if (runtime !== "nodejs") {
        throw new GateUsageError(`'runtime' in ${projectFile} must be 'nodejs', ${JSON.stringify(runtime)} given`);
    }
    const manifest = readManifest(dir);
    const named = typeof doc.main === "string" ? doc.main : manifest.main;
    const entry =
        named !== undefined ? path.resolve(dir, named) : entryCandidates.map((c) => path.join(dir, c)).find((f) => fs.existsSync(f));
    if (entry === undefined || !fs.existsSync(entry)) {
        throw new GateUsageError(`policy pack ${dir} has no entry file (looked for ${named ?? entryCandidates.join(", ")})`);
    }
    return { dir, entry, version: typeof doc.version === "string" ? doc.version : undefined };
}

export interface RunningPolicyPack {
    /** Loopback address of the pack's Analyzer server. */
    readonly address: string;
    /** The pack's process id (benchmarks read its CPU time). */
    readonly pid: number | undefined;
    stop(): Promise<void>;
}

// Generous: a busy CI runner may take tens of seconds to load the pack and its SDK.
const startTimeoutMs = 300_000;
/**
 * The runner drops its first argument, the engine's address; packs built on @pulumi/policy never
 * call the engine while analysing, so the gate runs none and passes a placeholder.
 */
const ENGINE_ADDRESS_PLACEHOLDER = "127.0.0.1:0";

/**
 * V8's young generation for the pack: each Analyze call makes short-lived request, property and
 * response objects, and with the default 16 MB semi-spaces scavenges were about a fifth of the
 * pack's CPU on a 10,002-resource stack (bench/gate-scale.ts, profiled). 64 MB lets most of
 * them die unscanned. It costs at most 128 MB (two semi-spaces), taken only as the pack allocates.
 */
const PACK_HEAP_FLAGS = ["--max-semi-space-size=64"];

/** The CLI's runner for Node.js packs, from the @pulumi/pulumi the pack itself resolves. */
function policyPackRunner(project: PolicyPackProject): string {
    try {
        return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [project.dir] });
    } catch {
        throw new GateUsageError(`policy pack ${project.dir} cannot resolve @pulumi/pulumi; run 'npm install' for the pack first`);
    }
}

/** Starts the pack and resolves once it has printed its port. */
export async function startPolicyPack(project: PolicyPackProject): Promise<RunningPolicyPack> {
    const loader = path.join(__dirname, "pack-loader.ts");
    const child = spawn(
        process.execPath,
        [
            ...PACK_HEAP_FLAGS,
            ...typeScriptExecArgv(),
            "--require",
            loader,
            policyPackRunner(project),
            ENGINE_ADDRESS_PLACEHOLDER,
            project.dir,
        ],
        {
            cwd: project.dir,
            env: childEnv(cacheDirFor(project.dir)),
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    const tail = new OutputTail();
    child.stderr.on("data", (chunk: Buffer) => {
        tail.append(chunk);
        process.stderr.write(chunk);
    });
    const port = await readPort(child, tail);
    // Anything printed after the port (a policy's console.log) is shown, never parsed.
    child.stdout.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    return { address: `127.0.0.1:${port}`, pid: child.pid, stop: () => stopProcess(child) };
}

function readPort(child: ChildProcess, tail: OutputTail): Promise<number> {
    return new Promise((resolve, reject) => {
        let buffered = "";
        const timer = setTimeout(() => {
            child.kill();
            reject(
                new PolicyPackError(
                    `the policy pack printed no port within ${startTimeoutMs / 1000} s${tail.toString() ? `:\n${tail}` : ""}`,
                ),
            );
        }, startTimeoutMs);
        const onData = (chunk: Buffer): void => {
            buffered += chunk.toString();
            const newline = buffered.indexOf("\n");
            if (newline < 0) {
                return;
            }
            const firstLine = buffered.slice(0, newline).trim();
            child.stdout?.off("data", onData);
            clearTimeout(timer);
            const port = Number(firstLine);
            if (!Number.isInteger(port) || port <= 0) {
                child.kill();
                reject(new PolicyPackError(`the policy pack must print its gRPC port first on stdout, printed '${firstLine}'`));
                return;
            }
            process.stderr.write(buffered.slice(newline + 1));
            resolve(port);
        };
        child.stdout?.on("data", onData);
        child.on("error", (err) => {
            clearTimeout(timer);
            reject(new PolicyPackError(`the policy pack could not be started: ${err.message}`));
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new PolicyPackError(`the policy pack exited (code ${code}) before serving${tail.toString() ? `:\n${tail}` : ""}`));
        });
    });
}

function stopProcess(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve();
    }
    return new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
    });
}
