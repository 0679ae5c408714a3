// The gate encodes its Analyzer requests itself (gate/protobuf-writer.ts); the pack, and the CLI's
// engine it stands in for, must see exactly what google-protobuf would have sent. The reference
// here builds each message with google-protobuf's setters, as the gate did before, and the two
// encodings must be equal byte for byte.
import * as assert from "node:assert/strict";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { syntheticIdentity, syntheticLaneStack } from "../../bench/gate-lanes";
import {
    MessageCache,
    analyzeRequestOf,
    analyzeStackRequestOf,
    analyzerResourceOf,
    toAnalyzerProperties,
} from "../../gate/analyzer-requests";
import { addDefaultProviders } from "../../gate/default-providers";
import { encodeStruct } from "../../gate/protobuf-writer";
import { RecordedResource, RecordedStack, WireProperties, unknownValue, wireSignature } from "../../gate/recorded-stack";

type JsObject = Parameters<typeof Struct.fromJavaScript>[0];

/** Equal bytes, or where they first differ (a whole message in hex would be unreadable). */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
    const a = Buffer.from(actual);
    const e = Buffer.from(expected);
    if (a.equals(e)) {
        return;
    }
    let at = 0;
    while (at < a.length && at < e.length && a[at] === e[at]) {
        at++;
    }
    const around = (b: Buffer): string => b.subarray(Math.max(0, at - 16), at + 16).toString("hex");
    assert.fail(
        `${what}: ${a.length} bytes against google-protobuf's ${e.length}, first difference at ${at}: ${around(a)} against ${around(e)}`,
    );
}

// The engine's marshalling, as the reference sees it: the gate's own Struct (checked against
// Struct.fromJavaScript below) decoded into google-protobuf's objects.
function referenceStruct(properties: WireProperties): Struct {
    return Struct.fromJavaScript(toAnalyzerProperties(properties).toJavaScript());
}

function referenceProvider(provider: RecordedResource): analyzerproto.AnalyzerProviderResource {
    const message = new analyzerproto.AnalyzerProviderResource();
    message.setUrn(provider.urn);
    message.setType(provider.type);
    message.setName(provider.name);
    message.setProperties(referenceStruct(provider.inputs));
    return message;
}

// What an AnalyzeRequest and an AnalyzerResource both carry. The options are still built with
// google-protobuf's setters (the gate keeps their bytes), so the reference takes them from the
// gate's own message: what is compared is everything the gate encodes itself.
function fillReference<M extends analyzerproto.AnalyzeRequest | analyzerproto.AnalyzerResource>(
    message: M,
    resource: RecordedResource,
    properties: WireProperties,
    provider: RecordedResource | undefined,
    options: analyzerproto.AnalyzerResourceOptions | undefined,
): M {
    message.setUrn(resource.urn);
    message.setType(resource.type);
    message.setName(resource.name);
    message.setProperties(referenceStruct(properties));
    message.setOptions(options);
    if (provider) {
        message.setProvider(referenceProvider(provider));
    }
    return message;
}

function referenceAnalyzerResource(
    resource: RecordedResource,
    provider: RecordedResource | undefined,
    options: analyzerproto.AnalyzerResourceOptions | undefined,
): analyzerproto.AnalyzerResource {
    const message = fillReference(new analyzerproto.AnalyzerResource(), resource, resource.outputs ?? resource.inputs, provider, options);
    if (resource.parent !== undefined) {
        message.setParent(resource.parent);
    }
    message.setDependenciesList([...resource.dependencies]);
    const propertyDependencies = message.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
        if (urns.length > 0) {
            const deps = new analyzerproto.AnalyzerPropertyDependencies();
            deps.setUrnsList([...urns]);
            propertyDependencies.set(key, deps);
        }
    }
    return message;
}

function assertSameRequests(recorded: RecordedStack): void {
    const { resources, providerOf } = addDefaultProviders(recorded, syntheticIdentity.config);
    const cache = new MessageCache();
    const optionsOf = new Map<string, analyzerproto.AnalyzerResourceOptions | undefined>();
    for (const resource of resources) {
        const provider = providerOf.get(resource.urn);
        const encoded = analyzeRequestOf(resource, provider, cache).serializeBinary();
        const options = analyzerproto.AnalyzeRequest.deserializeBinary(encoded).getOptions();
        optionsOf.set(resource.urn, options);
        const reference = fillReference(new analyzerproto.AnalyzeRequest(), resource, resource.inputs, provider, options);
        assertSameBytes(encoded, reference.serializeBinary(), `Analyze(${resource.urn})`);
    }
    const reference = new analyzerproto.AnalyzeStackRequest();
    reference.setResourcesList(resources.map((r) => referenceAnalyzerResource(r, providerOf.get(r.urn), optionsOf.get(r.urn))));
    assertSameBytes(analyzeStackRequestOf(resources, providerOf, cache).serializeBinary(), reference.serializeBinary(), "AnalyzeStack");
}

const awkwardValues: JsObject = {
    "": "an empty key",
    "zeta": 0,
    "alpha": "",
    "negativeZero": -0,
    "huge": 1e300,
    "fraction": -0.125,
    "notANumber": NaN,
    "infinite": [Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2],
    "falsy": false,
    "truthy": true,
    "nothing": null,
    "emptyList": [],
    "emptyObject": {},
    "nested": { b: [1, "two", { c: [null, [true]] }], a: { "": {} } },
    "unicode": "é, 😀, \u0000 and \u07ff\u0800\uffff",
    "loneSurrogates": "\ud800 x \udc00 \udbff\ud800\udc00 \ud83d",
    "long": "p".repeat(200) + "é".repeat(10000),
    "manyKeys": Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${(i * 7919) % 300}`, i])),
};

describe("The gate's own protobuf encoding of Analyzer requests", () => {
    it("encodes a Struct byte for byte as google-protobuf's Struct.fromJavaScript does", () => {
        for (const value of [awkwardValues, {}, { only: unknownValue }, { list: Array.from({ length: 200 }, (_, i) => ({ i })) }]) {
            assertSameBytes(encodeStruct(value), Struct.fromJavaScript(value).serializeBinary(), JSON.stringify(value).slice(0, 40));
        }
    });

    it("refuses a value Struct.fromJavaScript refuses, and encodes the next Struct whole", () => {
        assert.throws(() => encodeStruct({ a: "kept", b: undefined }), /Unexpected struct type/);

        assertSameBytes(encodeStruct({ c: 1 }), Struct.fromJavaScript({ c: 1 }).serializeBinary(), "the next Struct");
    });

    it("encodes every Analyze and AnalyzeStack request of the synthetic lanes as google-protobuf's messages", () => {
        assertSameRequests(syntheticLaneStack(3));
    });

    it("encodes options, parents, dependencies, property dependencies and references as google-protobuf's messages", () => {
        const urn = (name: string): string => `urn:pulumi:dev::shop::aws:sqs/queue:Queue::${name}`;
        const queue: RecordedResource = {
            urn: urn("orders"),
            type: "aws:sqs/queue:Queue",
            name: "orders",
            custom: true,
            kind: "register",
            inputs: {
                __defaults: ["name"],
                name: "orders",
                redrivePolicy: unknownValue,
                dlq: { [wireSignature.key]: wireSignature.resourceReference, urn: urn("dlq"), id: unknownValue },
                component: [{ [wireSignature.key]: wireSignature.resourceReference, urn: "urn:pulumi:dev::shop::pkg:index:Lane::a" }],
                ...awkwardValues,
            },
            outputs: { name: "orders", extra: [1, 2] },
            parent: "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev",
            dependencies: [urn("dlq"), "", urn("b")],
            propertyDependencies: { redrivePolicy: [urn("dlq"), urn("b")], name: [], arn: [""], aaa: [urn("dlq")] },
            options: {
                protect: true,
                ignoreChanges: ["tags", ""],
                deleteBeforeReplace: false,
                additionalSecretOutputs: ["policy"],
                aliases: ["urn:pulumi:dev::shop::aws:sqs/queue:Queue::old"],
                customTimeouts: { create: 60, update: 0, delete: 1.5 },
            },
        };
        const bare: RecordedResource = {
            urn: "",
            type: "",
            name: "",
            custom: false,
            kind: "register",
            inputs: {},
            dependencies: [],
            propertyDependencies: {},
            options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [] },
        };

        assertSameRequests({ project: "shop", stack: "dev", resources: [queue, bare] } as unknown as RecordedStack);
        const options = analyzerResourceOf(queue, undefined).getOptions()?.toObject();
        assert.deepStrictEqual(
            [options?.protect, options?.deletebeforereplacedefined, options?.customtimeouts, options?.parent],
            [true, true, { create: 60, update: 0, pb_delete: 1.5, read: 0 }, queue.parent],
        );
    });
});
