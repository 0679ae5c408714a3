import * as assert from "node:assert/strict";
import { analyzerResourceOf, toAnalyzerProperties } from "../../gate/analyzer-requests";
import { RecordedResource, unknownValue, wireSignature } from "../../gate/recorded-stack";
import { makeUrn } from "../../gate/urn";

function aQueue(overrides: Partial<RecordedResource> = {}): RecordedResource {
    return {
        urn: "urn:pulumi:dev::shop::aws:sqs/queue:Queue::orders",
        type: "aws:sqs/queue:Queue",
        name: "orders",
        custom: true,
        kind: "register",
        inputs: { name: "orders" },
        dependencies: [],
        propertyDependencies: {},
        options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [] },
        ...overrides,
    };
}

describe("Analyzer messages built from recorded resources", () => {
    it("passes unknown values through as the engine's unknown sentinel", () => {
        const struct = toAnalyzerProperties({ redrivePolicy: unknownValue });

        assert.deepStrictEqual(struct.toJavaScript(), { redrivePolicy: unknownValue });
    });

    it("turns a resource reference into its id, or its URN for a component, as the engine does", () => {
        const ref = (extra: Record<string, unknown>) => ({
            [wireSignature.key]: wireSignature.resourceReference,
            urn: "urn:pulumi:dev::shop::t::x",
            ...extra,
        });

        const struct = toAnalyzerProperties({ custom: ref({ id: unknownValue }), component: ref({}) });

        assert.deepStrictEqual(struct.toJavaScript(), { custom: unknownValue, component: "urn:pulumi:dev::shop::t::x" });
    });

    it("drops top-level internal keys ('__...')", () => {
        const struct = toAnalyzerProperties({ __defaults: ["name"], name: "orders" });

        assert.deepStrictEqual(struct.toJavaScript(), { name: "orders" });
    });

    it("sends only property dependencies that name a resource (the engine skips empty ones)", () => {
        const message = analyzerResourceOf(
            aQueue({ propertyDependencies: { name: [], redrivePolicy: ["urn:pulumi:dev::shop::aws:sqs/queue:Queue::dlq"] } }),
            undefined,
        );

        const sent: Record<string, string[]> = {};
        message.getPropertydependenciesMap().forEach((deps, key) => (sent[key] = deps.getUrnsList()));
        assert.deepStrictEqual(sent, { redrivePolicy: ["urn:pulumi:dev::shop::aws:sqs/queue:Queue::dlq"] });
    });

    it("builds a nested child's URN from its parent's full type chain but not the root stack's", () => {
        const component = makeUrn("dev", "shop", "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev", "pkg:index:Pipeline", "main");

        const child = makeUrn(
            "dev",
            "shop",
            makeUrn("dev", "shop", component, "pkg:index:Lane", "orders"),
            "aws:sqs/queue:Queue",
            "orders-dlq",
        );

        assert.strictEqual(child, "urn:pulumi:dev::shop::pkg:index:Pipeline$pkg:index:Lane$aws:sqs/queue:Queue::orders-dlq");
    });
});
