// Child-process entry that runs one Pulumi program under the preview mocks, like Pulumi's
// language host runs a program in its own process: its own working directory, its own copy of
// @pulumi/pulumi, its own crash handling. As the language host does, the run ends only when the
// program has nothing left to do (the event loop is empty): every registration, invoke and
// output has settled, so a registration that fails late is still seen. It then sends the
// recording (or every failure) to the gate over the IPC channel and exits.
import * as path from "node:path";
import { cacheDirFor } from "./cache-dir";
import { deferSdkClosureModules } from "./deferred-sdk-modules";
import { loadEntrypoint } from "./entrypoint";
import { installEsbuildCache } from "./esbuild-cache";
import { InvokeAnswerEntry, RefusedInvoke } from "./invoke-table";
import { loadPulumiSdk, startPreview } from "./preview-run";
import { RecordedStack } from "./recorded-stack";

/** What the gate asks the host to run (passed as one JSON argument). */
export interface ProgramHostRequest {
    readonly programDir: string;
    readonly main?: string;
    readonly project: string;
    readonly stack: string;
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    readonly invokeAnswers?: readonly InvokeAnswerEntry[];
    /** How long the program may run before the host stops it and says what it waited for. */
    readonly timeoutSeconds: number;
}

export type ProgramHostMessage =
    | { readonly kind: "recorded"; readonly stack: RecordedStack; readonly refusedInvokes: readonly RefusedInvoke[] }
    | { readonly kind: "failed"; readonly message: string; readonly refusedInvokes: readonly RefusedInvoke[] };

// Pulumi's language host hides the stack trace of errors meant for the user: RunError (e.g. a
// missing config value), a ResourceError that asks for it, TypeScript and syntax errors. The
// markers are the SDK's own (errors.ts isInstance), so they work across copies of the SDK.
const stacklessNames = new Set(["TSError", "SyntaxError", "ProgramRunError", "UnknownInvokeError"]);

function isStackless(err: Error): boolean {
    const marked = err as Error & { __pulumiRunError?: boolean; __pulumResourceError?: boolean; hideStack?: boolean };
    return (
        marked.__pulumiRunError === true ||
        (marked.__pulumResourceError === true && marked.hideStack === true) ||
        stacklessNames.has(err.name)
    );
}

function describe(err: unknown): string {
    if (err instanceof Error) {
        return isStackless(err) ? err.message : (err.stack ?? err.message);
    }
    return String(err);
}

function send(message: ProgramHostMessage, exitCode: number): void {
    if (!process.send) {
        process.stderr.write("program-host must be started by the gate with an IPC channel\n");
        process.exit(2);
    }
    // The channel was unref'd so an idle program could end; hold the process until the send is out.
    process.channel?.ref();
    process.send(message, () => process.exit(exitCode));
}

async function main(): Promise<void> {
    const request = JSON.parse(process.argv[2] ?? "{}") as ProgramHostRequest;
    const failures: string[] = [];
    const recordFailure = (err: unknown): void => {
        const text = describe(err);
        if (!failures.includes(text)) {
            failures.push(text);
        }
    };
    process.on("uncaughtException", recordFailure);
    process.on("unhandledRejection", recordFailure);

    installEsbuildCache(path.join(cacheDirFor(request.programDir), "esbuild"));
    deferSdkClosureModules();
    const sdk = loadPulumiSdk(request.programDir);
    const run = startPreview(sdk, request, () => loadEntrypoint(request.programDir, request.main));
    let stack: RecordedStack | undefined;
    run.done.then((recorded) => (stack = recorded), recordFailure);

    let finished = false;
    const finish = (reason: "idle" | "timeout"): void => {
        if (finished) {
            return;
        }
        finished = true;
        const refusedInvokes = [...run.refusedInvokes];
        if (stack === undefined && failures.length === 0) {
            const pending = run.pendingRegistrations();
            const waitingFor = pending.length > 0 ? `\nstill waiting for the registration of:\n  ${pending.join("\n  ")}` : "";
            failures.push(
                reason === "timeout"
                    ? `the program did not finish within ${request.timeoutSeconds} s (--timeout)${waitingFor}`
                    : `the program stopped with outputs that never settle: nothing is left to run, but its stack never finished registering${waitingFor}`,
            );
        }
        if (failures.length > 0) {
            send({ kind: "failed", message: failures.join("\n"), refusedInvokes }, 1);
        } else if (stack !== undefined) {
            send({ kind: "recorded", stack, refusedInvokes }, 0);
        }
    };
    // The event loop empties once nothing is left to settle; the IPC channel must not keep it alive.
    process.channel?.unref();
    process.on("beforeExit", () => finish("idle"));
    setTimeout(() => finish("timeout"), request.timeoutSeconds * 1000).unref();
}

main().catch((err: unknown) => {
    send({ kind: "failed", message: describe(err), refusedInvokes: [] }, 1);
});
