// Installed in the program host and the policy pack before they load @pulumi/pulumi. The SDK's
// runtime/index.js loads its closure serializer eagerly: serializeClosure (which brings the
// TypeScript compiler, a 9 MB script) and codePaths (which brings npm's @npmcli/arborist, with
// pacote, sigstore, tar and some 300 other modules). Only function serialization uses them
// (`pulumi.runtime.serializeFunction`, `computeCodePaths`: aws.lambda.CallbackFunction, dynamic
// providers), and most programs and every pack never call it; loading them was more than a second
// of each process's start-up. So runtime/index.js gets, for those two modules only, stand-ins
// whose functions load the real module on first call and hand it the call: a program that
// serializes a function gets exactly what it would have got, a moment later.
import Module from "node:module";
import * as path from "node:path";

/** The requests runtime/index.js makes that are deferred, with the functions it re-exports from each. */
export const deferredModules: Readonly<Record<string, readonly string[]>> = {
    "./closure/serializeClosure": ["serializeFunctionAsync", "serializeFunction"],
    "./closure/codePaths": ["computeCodePaths"],
};

const runtimeIndex = path.join("@pulumi", "pulumi", "runtime", "index.js");

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

/** Stand-in for `request` whose named functions load the real module, as `parent` would, on first call. */
function standIn(load: Load, request: string, parent: { filename?: string }, names: readonly string[]): Record<string, unknown> {
    let real: Record<string, (...args: unknown[]) => unknown> | undefined;
    const target = (): Record<string, (...args: unknown[]) => unknown> =>
        (real ??= load(request, parent, false) as Record<string, (...args: unknown[]) => unknown>);
    return Object.fromEntries(names.map((name) => [name, (...args: unknown[]) => target()[name](...args)]));
}

let installed = false;

/** Makes every copy of @pulumi/pulumi this process loads defer its closure serializer (see above). */
export function deferSdkClosureModules(): void {
    if (installed) {
        return;
    }
    installed = true;
    const loader = Module as unknown as { _load: Load };
    const original = loader._load;
    loader._load = function (request, parent, isMain) {
        const names = parent?.filename?.endsWith(`${path.sep}${runtimeIndex}`) ? deferredModules[request] : undefined;
        return names !== undefined && parent !== undefined
            ? standIn((...args) => original.apply(this, args), request, parent, names)
            : original.call(this, request, parent, isMain);
    };
}
