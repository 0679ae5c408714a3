// How the gate starts its TypeScript children (the program host, the policy pack, the type check):
// the same Node binary that runs the gate, with a loader so .ts files load directly, as `pulumi`
// does with its own TypeScript support: gate/ts-require.js for CommonJS (most programs and every
// pack), tsx for ES module programs.
import * as path from "node:path";
import { pathToFileURL } from "url";

/** Node flags that make a child process load TypeScript: tsx for ES modules, else ts-require.js. */
export function typeScriptExecArgv(esModules = false): string[] {
    return esModules ? tsxExecArgv() : ["--require", path.join(__dirname, "ts-require.js")];
}

/** Node flags that make a child process load TypeScript through tsx (CommonJS and ES modules). */
export function tsxExecArgv(): string[] {
    return ["--import", pathToFileURL(require.resolve("tsx")).href];
}

/**
 * The environment of a child: the gate's, plus V8's on-disk compile cache (Node >= 22.1; older
 * Node ignores it) and ts-require.js's transpiled files, both in `cacheDir`. Most of a child's start-up is compiling the same megabytes of
 * JavaScript (@pulumi/aws, @pulumi/pulumi, grpc) on every run; the cache is keyed by each
 * script's source, so a changed file is compiled again.
 */
export function childEnv(cacheDir: string): NodeJS.ProcessEnv {
    return { ...process.env, NODE_COMPILE_CACHE: path.join(cacheDir, "v8"), OFFLINE_GATE_CACHE: cacheDir };
}

/** Keeps the last `limit` characters a child wrote, for error messages. */
export class OutputTail {
    private text = "";

    constructor(private readonly limit = 4000) {}

    append(chunk: Buffer | string): void {
        this.text = (this.text + chunk.toString()).slice(-this.limit);
    }

    toString(): string {
        return this.text.trim();
    }
}
