// Gate side of the program host: starts it, relays what the program prints to stderr (so stdout
// stays the policy report), and returns the recording or a ProgramRunError with the cause.
import { fork } from "child_process";
import * as path from "path";
import { ProgramRunError } from "./errors";
import { cacheDirFor } from "./cache-dir";
import { readManifest, resolveEntrypoint } from "./entrypoint";
import { OutputTail, childEnv, typeScriptExecArgv } from "./node-process";
import { RefusedInvoke } from "./invoke-table";
import type { ProgramHostMessage, ProgramHostRequest } from "./program-host";
import { RecordedStack } from "./recorded-stack";

/** The host stops the program itself at the timeout; this is for a host stuck in synchronous code. */
const hostGraceMs = 10_000;

/** "aws:ecr/getImage:getImage({"repositoryName":"app"})" */
export function describeInvoke(invoke: RefusedInvoke): string {
    return `${invoke.token}(${JSON.stringify(invoke.args)})`;
}

/** The report of every refused invoke, with the remedy. */
export function refusedInvokesMessage(refused: readonly RefusedInvoke[]): string {
    return (
        `the program called ${refused.length} provider function(s) the offline gate cannot answer (no cloud account); ` +
        "their results would have shaped what it registered, so the stack cannot be judged:\n  " +
        refused.map(describeInvoke).join("\n  ") +
        "\nAnswer each with '--invoke-answers <file>' (see README, \"Invoke answers\"), or build the value from config."
    );
}

/** An ES module program (package.json type module, or a .mjs/.mts entry) loads through tsx. */
function isEsModuleProgram(programDir: string, main: string | undefined): boolean {
    const manifest = readManifest(programDir);
    return manifest.type === "module" || /\.m[jt]s$/.test(resolveEntrypoint(programDir, main, manifest));
}

export async function recordProgram(request: ProgramHostRequest): Promise<RecordedStack> {
    const child = fork(path.join(__dirname, "program-host.ts"), [JSON.stringify(request)], {
        cwd: request.programDir,
        execArgv: typeScriptExecArgv(isEsModuleProgram(request.programDir, request.main)),
        env: childEnv(cacheDirFor(request.programDir)),
        stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const tail = new OutputTail();
    for (const stream of [child.stdout, child.stderr]) {
        stream?.on("data", (chunk: Buffer) => {
            tail.append(chunk);
            process.stderr.write(chunk);
        });
    }
    let message: ProgramHostMessage | undefined;
    child.on("message", (m) => {
        message = m as ProgramHostMessage;
    });
    let killedAfterTimeout = false;
    const killer = setTimeout(
        () => {
            killedAfterTimeout = true;
            child.kill("SIGKILL");
        },
        request.timeoutSeconds * 1000 + hostGraceMs,
    );
    const exitCode = await new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        // 'close' comes after the exit and after the IPC channel and pipes have drained.
        child.on("close", (code) => resolve(code));
    }).finally(() => clearTimeout(killer));
    const refused = message?.refusedInvokes ?? [];
    if (message?.kind === "recorded" && refused.length === 0) {
        return message.stack;
    }
    if (message?.kind === "recorded") {
        throw new ProgramRunError(`the program at ${request.programDir} cannot be judged offline: ${refusedInvokesMessage(refused)}`);
    }
    if (message?.kind === "failed") {
        throw new ProgramRunError(
            `the program at ${request.programDir} failed under the preview mocks:\n${message.message}` +
                (refused.length > 0 ? `\n${refusedInvokesMessage(refused)}` : ""),
        );
    }
    if (killedAfterTimeout) {
        throw new ProgramRunError(
            `the program at ${request.programDir} did not finish within ${request.timeoutSeconds} s (--timeout) and did not answer, so it was killed: it was still running synchronous code (loading modules, or a loop)`,
        );
    }
    throw new ProgramRunError(
        `the program at ${request.programDir} exited (code ${exitCode}) without finishing its preview` +
            (tail.toString() ? `; its last output:\n${tail}` : ""),
    );
}
