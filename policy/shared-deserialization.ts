// @pulumi/policy 1.21's AnalyzeStack handler (server.js) rebuilds every resource of the request
// once per stack policy, each time deserializing its properties and its provider's with
// `deserializeProperties` (Struct.toJavaScript, then a walk for assets, archives and secrets):
// for 10,002 resources and 25 stack policies that was ~7 s of CPU, even for policies that do
// nothing, while our rules took ~5 % of it. The result depends only on the Struct it is given, and
// every Struct belongs to one decoded request message (the server calls `getProperties()`, which
// returns the same wrapper each time), so it is computed once per Struct and shared by the
// policies of that request; the next request decodes new Structs and gets fresh objects, and a
// request's entries go with it (WeakMap). The server still wraps each result in its own
// unknown-checking proxy per policy, so unknown values are reported exactly as before.
// Sharing is safe because no rule of this pack writes to a resource's properties (a policy that
// did would be seen by the next policy of the same request; tests/policy/shared-deserialization
// runs every rule on frozen properties to prove none does).
// server.js reads `deserializeProperties` from the module's exports at each call, so replacing the
// export is enough; node_modules is never patched (npm ci would undo it).
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

type Deserialize = (struct: Struct, proxySecrets: boolean) => Record<string, unknown>;

interface DeserializeExports {
    deserializeProperties: Deserialize & { readonly sharedOriginal?: Deserialize };
}

// Exported at runtime; the package's .d.ts hides it as internal. require, not import: the module's
// own exports object is what server.js reads (an import gives a copy whose members only have getters).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the exports object itself, see above
const exported = require("@pulumi/policy/deserialize") as DeserializeExports;

/** @pulumi/policy's own deserializeProperties, whether or not sharing is installed. */
export const originalDeserializeProperties: Deserialize = exported.deserializeProperties.sharedOriginal ?? exported.deserializeProperties;

/**
 * A deserializeProperties that computes each Struct's result once. Remediate asks for secrets kept
 * as proxies (`proxySecrets` true), once per request, and its remediations may change what they
 * get: that call is passed through unshared.
 */
export function sharedDeserialize(original: Deserialize = originalDeserializeProperties): Deserialize {
    const byStruct = new WeakMap<Struct, Record<string, unknown>>();
    return (struct, proxySecrets) => {
        if (proxySecrets) {
            return original(struct, proxySecrets);
        }
        let result = byStruct.get(struct);
        if (result === undefined) {
            result = original(struct, proxySecrets);
            byStruct.set(struct, result);
        }
        return result;
    };
}

/**
 * Makes the pack's server deserialize each resource's properties once per request (`original`:
 * what computes a result, @pulumi/policy's own unless a test counts the calls).
 */
export function shareDeserialization(original: Deserialize = originalDeserializeProperties): void {
    exported.deserializeProperties = Object.assign(sharedDeserialize(original), { sharedOriginal: originalDeserializeProperties });
}

/** Puts @pulumi/policy's own deserializeProperties back (tests compare both). */
export function unshareDeserialization(): void {
    exported.deserializeProperties = originalDeserializeProperties;
}

// Importing this module installs the sharing (policy/index.ts, which must only assemble the pack).
shareDeserialization();
