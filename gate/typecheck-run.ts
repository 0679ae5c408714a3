// Gate side of the type check: replays cached results in this process (no compiler loaded) and
// starts typecheck-process for the rest.
import { fork } from "node:child_process";
import * as path from "node:path";
import { OutputTail, childEnv, typeScriptExecArgv } from "./node-process";
import { TypeCheckReply, TypeCheckRequest } from "./typecheck-process";
import { FileSystemAnswers, TypeCheckResult, TypeCheckTarget, cachedClean } from "./typecheck";

/** Raised when the checker itself could not run (not when the code has type errors). */
export class TypeCheckRunError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "TypeCheckRunError";
    }
}

function runChecker(request: TypeCheckRequest, cacheRoot: string): Promise<readonly (readonly string[])[]> {
    const child = fork(path.join(__dirname, "typecheck-process.ts"), [JSON.stringify(request)], {
        execArgv: typeScriptExecArgv(),
        env: childEnv(cacheRoot),
        stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const tail = new OutputTail();
    child.stdout?.on("data", (chunk: Buffer) => tail.append(chunk));
    child.stderr?.on("data", (chunk: Buffer) => tail.append(chunk));
    let reply: TypeCheckReply | undefined;
    child.on("message", (m) => {
        reply = m as TypeCheckReply;
    });
    return new Promise((resolve, reject) => {
        child.on("error", (err) => reject(new TypeCheckRunError(`the type check could not start: ${err.message}`)));
        child.on("close", (code) => {
            if (reply?.kind === "checked") {
                resolve(reply.errors);
            } else {
                const why = reply?.kind === "failed" ? reply.message : `it exited (code ${code})${tail.toString() ? `:\n${tail}` : ""}`;
                reject(new TypeCheckRunError(`the type check failed to run: ${why}`));
            }
        });
    });
}

/** Type-checks every target, from the cache where its inputs are unchanged. */
export async function typeCheck(
    targets: readonly { readonly target: TypeCheckTarget; readonly cacheDir: string }[],
): Promise<TypeCheckResult[]> {
    const answers = new FileSystemAnswers();
    const results: (TypeCheckResult | undefined)[] = targets.map(({ target, cacheDir }) =>
        cachedClean(target, cacheDir, answers) ? { target, errors: [], cached: true } : undefined,
    );
    // One checker process per target, all at once: a check from scratch is seconds of one core
    // (parsing @pulumi/aws's declarations), and the pack's and the program's share nothing, so
    // on a first run (a fresh CI cache) the two run side by side instead of one after the other.
    const runs = await Promise.allSettled(
        targets.map(async (pending, i) => {
            if (results[i] === undefined) {
                const [errors] = await runChecker({ targets: [pending] }, path.dirname(pending.cacheDir));
                results[i] = { target: pending.target, errors, cached: false };
            }
        }),
    );
    // Both have ended, so no checker outlives the gate.
    const failed = runs.find((run) => run.status === "rejected");
    if (failed !== undefined) {
        throw failed.reason;
    }
    return results as TypeCheckResult[];
}
