// Child-process entry that runs the TypeScript compiler on the targets whose cached result did
// not hold (see typecheck.ts). Its own process: a first check parses tens of megabytes of
// declarations, which must not stall the gate's event loop while the program and pack run.
import { TypeCheckTarget, checkAndRemember } from "./typecheck";

/** What the gate asks (one JSON argument) and what the child answers over IPC. */
export interface TypeCheckRequest {
    readonly targets: readonly { readonly target: TypeCheckTarget; readonly cacheDir: string }[];
}
export type TypeCheckReply =
    { readonly kind: "checked"; readonly errors: readonly (readonly string[])[] } | { readonly kind: "failed"; readonly message: string };

function reply(message: TypeCheckReply): void {
    if (!process.send) {
        process.stderr.write("typecheck-process must be started by the gate with an IPC channel\n");
        process.exit(2);
    }
    process.send(message, () => process.exit(0));
}

try {
    const request = JSON.parse(process.argv[2] ?? "{}") as TypeCheckRequest;
    reply({ kind: "checked", errors: request.targets.map(({ target, cacheDir }) => checkAndRemember(target, cacheDir)) });
} catch (err) {
    reply({ kind: "failed", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
