// Preloaded (after ts-require.js) into the policy pack's process. The CLI's runner, run-policy-pack, registers
// ts-node with type checking, which costs the pack's start-up the load of the whole TypeScript
// compiler (a 9 MB script) and a language service; the gate type-checks the pack beside the run
// instead (typecheck.ts, same compiler and options, cached by its inputs) and lets ts-require.js,
// already registered, transpile it. So only for the runner's own requires (run.js and @pulumi/pulumi's
// tsutils.js) ts-node and typescript are answered by stand-ins; everything else, the pack
// included, loads as usual.
import Module from "node:module";
import * as path from "node:path";
import { deferSdkClosureModules } from "./deferred-sdk-modules";
import { compilerVersion } from "./typecheck";

// Neither the runner nor a pack built on @pulumi/policy serializes functions (see deferred-sdk-modules.ts).
deferSdkClosureModules();

const runnerFiles = [path.join("cmd", "run-policy-pack", "run.js"), `${path.sep}tsutils.js`];
const isRunnerFile = (file: string | undefined): boolean =>
    file !== undefined && file.includes(`${path.sep}@pulumi${path.sep}pulumi${path.sep}`) && runnerFiles.some((f) => file.endsWith(f));

const typeScriptStandIn = (parentFile: string) => {
    let version = "5.0.0";
    try {
        version = compilerVersion(require.resolve("typescript", { paths: [path.dirname(parentFile)] }));
    } catch {
        // the runner only compares versions to pick module options for ts-node, which is a stand-in too
    }
    return { version };
};
const tsNodeStandIn = { VERSION: "offline-gate (transpile only; the gate type-checks separately)", register: (): void => undefined };
// tsutils.loadTypeScriptCompilerOptions reads tsconfig.json for ts-node's options only.
const shimStandIn = { parseConfigFileTextToJson: () => ({ config: {} }) };

function standIn(request: string, parentFile: string): unknown {
    const base = request.split(/[\\/]/).pop() ?? request;
    if (request === "ts-node" || base.startsWith("ts-node@")) {
        return tsNodeStandIn;
    }
    if (request === "typescript" || (base === "typescript.js" && request.includes(`${path.sep}vendor${path.sep}typescript@`))) {
        return typeScriptStandIn(parentFile);
    }
    if (request === "./typescript-shim") {
        return shimStandIn;
    }
    return undefined;
}

const loader = Module as unknown as { _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown };
const original = loader._load;
loader._load = function (request, parent, isMain) {
    const parentFile = parent?.filename;
    if (isRunnerFile(parentFile)) {
        const replacement = standIn(request, parentFile as string);
        if (replacement !== undefined) {
            return replacement;
        }
    }
    return original.call(this, request, parent, isMain);
};

// The gate stops the pack with SIGTERM, and Node writes V8's compile cache (node-process.ts
// childEnv) only at a normal exit: write it, then exit as the signal would have.
const flushCompileCache = (Module as unknown as { flushCompileCache?: () => void }).flushCompileCache;
process.once("SIGTERM", () => {
    flushCompileCache?.();
    process.exit(128 + 15);
});
