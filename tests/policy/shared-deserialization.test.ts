// The pack's server deserializes each resource's properties once per request, not once per stack
// policy (policy/shared-deserialization.ts), with the same verdicts.
import * as assert from "node:assert/strict";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { syntheticIdentity, syntheticLaneStack } from "../../bench/gate-lanes";
import { analyzerResourceOf, MessageCache } from "../../gate/analyzer-requests";
import { addDefaultProviders } from "../../gate/default-providers";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import { StackIndex, stackIndexOf } from "../../policy/stack-index";
import { originalDeserializeProperties, shareDeserialization, unshareDeserialization } from "../../policy/shared-deserialization";
import { UNKNOWN } from "./helpers/args";
import { buildLane } from "./helpers/lane";
import { analyzeStack, analyzeStackRequest } from "./helpers/server";

type Deserialize = typeof originalDeserializeProperties;

/** The AnalyzeStack request the offline gate sends for `lanes` synthetic lanes, as the pack decodes it. */
function decodedStackRequest(lanes: number): analyzerProto.AnalyzeStackRequest {
    const { resources, providerOf } = addDefaultProviders(syntheticLaneStack(lanes), syntheticIdentity.config);
    const messages = new MessageCache();
    const request = new analyzerProto.AnalyzeStackRequest().setResourcesList(
        resources.map((r) => analyzerResourceOf(r, providerOf.get(r.urn), messages)),
    );
    return analyzerProto.AnalyzeStackRequest.deserializeBinary(request.serializeBinary());
}

function countingDeserialize(): { readonly calls: Struct[]; readonly deserialize: Deserialize } {
    const calls: Struct[] = [];
    return {
        calls,
        deserialize: (struct, proxySecrets) => {
            calls.push(struct);
            return originalDeserializeProperties(struct, proxySecrets);
        },
    };
}

/** `value` behind a proxy that records every write, at any depth, into `writes`. */
function writeRecording<T>(value: T, writes: string[], path = ""): T {
    if (typeof value !== "object" || value === null) {
        return value;
    }
    return new Proxy(value, {
        get: (target, key, receiver) => writeRecording(Reflect.get(target, key, receiver) as unknown, writes, `${path}.${String(key)}`),
        set: (target, key, next, receiver) => {
            writes.push(`${path}.${String(key)}`);
            return Reflect.set(target, key, next, receiver);
        },
        defineProperty: (target, key, descriptor) => {
            writes.push(`${path}.${String(key)}`);
            return Reflect.defineProperty(target, key, descriptor);
        },
        deleteProperty: (target, key) => {
            writes.push(`${path}.${String(key)}`);
            return Reflect.deleteProperty(target, key);
        },
    });
}

const stackPolicyCount = policies.filter((p) => "validateStack" in p).length;

describe("deserialization shared by the policies of one request", () => {
    // Importing the module installs the sharing (for the pack); each test chooses its own.
    beforeEach(unshareDeserialization);
    afterEach(unshareDeserialization);

    it("deserializes each resource and its provider once per AnalyzeStack request, not once per stack policy", async () => {
        const request = decodedStackRequest(3);
        const resources = request.getResourcesList();
        const counting = countingDeserialize();
        shareDeserialization(counting.deserialize);

        await analyzeStackRequest(policies, request);

        const structs = new Set(
            resources.flatMap((r) => [r.getProperties(), r.getProvider()?.getProperties()].filter((s) => s !== undefined)),
        );
        assert.ok(stackPolicyCount > 1, `the pack has ${stackPolicyCount} stack policies`);
        assert.equal(counting.calls.length, structs.size);
        assert.deepEqual(new Set(counting.calls), structs);
    });

    it("computes again for the next request: two requests decoded from the same bytes share nothing", async () => {
        const bytes = decodedStackRequest(2).serializeBinary();
        const counting = countingDeserialize();
        shareDeserialization(counting.deserialize);

        await analyzeStackRequest(policies, analyzerProto.AnalyzeStackRequest.deserializeBinary(bytes));
        const afterFirst = counting.calls.length;
        await analyzeStackRequest(policies, analyzerProto.AnalyzeStackRequest.deserializeBinary(bytes));

        assert.equal(counting.calls.length, 2 * afterFirst);
        assert.equal(new Set(counting.calls).size, 2 * afterFirst);
    });

    it("finds @pulumi/policy's own deserializeProperties when loaded again with sharing installed, so wrappers never stack", () => {
        shareDeserialization();
        const modulePath = require.resolve("../../policy/shared-deserialization");
        const loaded = require.cache[modulePath];
        delete require.cache[modulePath];
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second copy of the module, as a second load would make
            const reloaded = require(modulePath) as { originalDeserializeProperties: Deserialize };

            assert.equal(reloaded.originalDeserializeProperties, originalDeserializeProperties);
        } finally {
            require.cache[modulePath] = loaded;
        }
    });

    it("passes the remediation form (secrets kept as proxies) through unshared", () => {
        const struct = Struct.fromJavaScript({ name: "pager" });
        const counting = countingDeserialize();
        shareDeserialization(counting.deserialize);
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the export server.js calls
        const remediationDeserialize = (require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize })
            .deserializeProperties;

        const first = remediationDeserialize(struct, true);
        const second = remediationDeserialize(struct, true);

        assert.notEqual(first, second);
        assert.equal(counting.calls.length, 2);
    });

    it("gives the same diagnostics with and without sharing on the gate's synthetic lanes", async () => {
        const unshared = await analyzeStackRequest(policies, decodedStackRequest(4));
        shareDeserialization();

        const shared = await analyzeStackRequest(policies, decodedStackRequest(4));

        assert.ok(unshared.length > 0, "the synthetic lanes have violations");
        assert.deepEqual(shared, unshared);
    });

    it("gives the same diagnostics with and without sharing when a value is unknown at preview", async () => {
        const lane = buildLane({
            queue: { visibilityTimeoutSeconds: UNKNOWN },
            dependsOn: { queue: { visibilityTimeoutSeconds: ["fn"] } },
        });
        const unshared = await analyzeStack(policies, lane.resources);
        shareDeserialization();

        const shared = await analyzeStack(policies, lane.resources);

        assert.ok(unshared.some((d) => /unknown at preview/.test(d.message)));
        assert.deepEqual(shared, unshared);
    });

    it("is safe to share: no rule of the pack writes to a resource's properties", async () => {
        const unshared = await analyzeStackRequest(policies, decodedStackRequest(2));
        const writes: string[] = [];
        shareDeserialization((struct, proxySecrets) => writeRecording(originalDeserializeProperties(struct, proxySecrets), writes));

        const recorded = await analyzeStackRequest(policies, decodedStackRequest(2));

        assert.deepEqual(writes, []);
        assert.deepEqual(recorded, unshared);
    });
});

/** Two stack policies that keep the resources the server hands each of them, per request. */
function recordingPolicies(): { readonly seen: (readonly PolicyResource[])[]; readonly policies: StackValidationPolicy[] } {
    const seen: (readonly PolicyResource[])[] = [];
    const recording = (name: string): StackValidationPolicy => ({
        name,
        description: "Keeps its resources.",
        enforcementLevel: "mandatory",
        validateStack: (args) => {
            seen.push(args.resources);
        },
    });
    return { seen, policies: [recording("first"), recording("second")] };
}

describe("one stack index shared by the stack policies of one request", () => {
    beforeEach(unshareDeserialization);
    afterEach(unshareDeserialization);

    it("gives every stack policy of a request the same index, though the server rebuilds the resources for each", async () => {
        shareDeserialization();
        const recording = recordingPolicies();

        await analyzeStackRequest(recording.policies, decodedStackRequest(2));

        const [first, second] = recording.seen;
        assert.notEqual(first, second);
        assert.equal(stackIndexOf(second), stackIndexOf(first));
    });

    it("builds a new index for the next request, even one decoded from the same bytes", async () => {
        shareDeserialization();
        const recording = recordingPolicies();
        const bytes = decodedStackRequest(2).serializeBinary();

        await analyzeStackRequest(recording.policies, analyzerProto.AnalyzeStackRequest.deserializeBinary(bytes));
        await analyzeStackRequest(recording.policies, analyzerProto.AnalyzeStackRequest.deserializeBinary(bytes));

        const [firstRequest, , secondRequest] = recording.seen;
        assert.notEqual(stackIndexOf(secondRequest), stackIndexOf(firstRequest));
    });

    it("builds an index per policy when properties are not shared (the bare server)", async () => {
        const recording = recordingPolicies();

        await analyzeStackRequest(recording.policies, decodedStackRequest(2));

        const [first, second] = recording.seen;
        assert.notEqual(stackIndexOf(second), stackIndexOf(first));
    });

    it("builds a new index for a different list of the same resources", async () => {
        shareDeserialization();
        const recording = recordingPolicies();
        await analyzeStackRequest(recording.policies, decodedStackRequest(2));
        const [first] = recording.seen;

        const shorter = stackIndexOf(first.slice(0, -1));

        assert.ok(shorter instanceof StackIndex);
        assert.notEqual(shorter, stackIndexOf(first));
        assert.equal(shorter.resources.length, first.length - 1);
    });
});
