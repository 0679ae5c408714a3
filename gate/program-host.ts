// Child-process entry that runs one Pulumi program under the preview mocks, like Pulumi's
// language host runs a program in its own process: its own working directory, its own copy of
// @pulumi/pulumi, its own crash handling. It sends the recording (or the failure) to the gate
// over the IPC channel and exits.
import { loadEntrypoint } from "./entrypoint";
import { loadPulumiSdk, recordPreview } from "./preview-run";
import { RecordedStack } from "./recorded-stack";

/** What the gate asks the host to run (passed as one JSON argument). */
export interface ProgramHostRequest {
    readonly programDir: string;
    readonly main?: string;
    readonly project: string;
    readonly stack: string;
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
}

export type ProgramHostMessage =
    | { readonly kind: "recorded"; readonly stack: RecordedStack }
    | { readonly kind: "failed"; readonly message: string };

// Pulumi's language host hides the stack trace of errors meant for the user: RunError (e.g. a
// missing config value), a ResourceError that asks for it, TypeScript and syntax errors. The
// markers are the SDK's own (errors.ts isInstance), so they work across copies of the SDK.
const stacklessNames = new Set(["TSError", "SyntaxError", "ProgramRunError"]);

function isStackless(err: Error): boolean {
    const marked = err as Error & { __pulumiRunError?: boolean; __pulumResourceError?: boolean; hideStack?: boolean };
    return marked.__pulumiRunError === true || (marked.__pulumResourceError === true && marked.hideStack === true) || stacklessNames.has(err.name);
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
    process.send(message, () => process.exit(exitCode));
}

let finished = false;
function fail(err: unknown): void {
    if (!finished) {
        finished = true;
        send({ kind: "failed", message: describe(err) }, 1);
    }
}

async function main(): Promise<void> {
    const request = JSON.parse(process.argv[2] ?? "{}") as ProgramHostRequest;
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    const sdk = loadPulumiSdk(request.programDir);
    const stack = await recordPreview(sdk, request, () => loadEntrypoint(request.programDir, request.main));
    if (!finished) {
        finished = true;
        send({ kind: "recorded", stack }, 0);
    }
}

main().catch(fail);
