// Gate side of the program host: starts it, relays what the program prints to stderr (so stdout
// stays the policy report), and returns the recording or a ProgramRunError with the cause.
import { fork } from "child_process";
import * as path from "path";
import { ProgramRunError } from "./errors";
import { OutputTail, tsxExecArgv } from "./node-process";
import type { ProgramHostMessage, ProgramHostRequest } from "./program-host";
import { RecordedStack } from "./recorded-stack";

export async function recordProgram(request: ProgramHostRequest): Promise<RecordedStack> {
    const child = fork(path.join(__dirname, "program-host.ts"), [JSON.stringify(request)], {
        cwd: request.programDir,
        execArgv: tsxExecArgv(),
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
    const exitCode = await new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        // 'close' comes after the exit and after the IPC channel and pipes have drained.
        child.on("close", (code) => resolve(code));
    });
    if (message?.kind === "recorded") {
        return message.stack;
    }
    if (message?.kind === "failed") {
        throw new ProgramRunError(`the program at ${request.programDir} failed under the preview mocks:\n${message.message}`);
    }
    throw new ProgramRunError(
        `the program at ${request.programDir} exited (code ${exitCode}) without finishing its preview` +
        (tail.toString() ? `; its last output:\n${tail}` : ""),
    );
}
