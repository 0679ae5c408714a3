// Turns recorded resources into Analyzer protocol messages the way the engine marshals them
// (MarshalOptions{KeepUnknowns, KeepSecrets, SkipInternalKeys}): unknown sentinels and secret
// envelopes pass through, resource references become their id (unknown in a first preview) or,
// for components, their URN, and top-level "__" keys are dropped. The messages are encoded here,
// to bytes, by gate/protobuf-writer.ts (why: there).
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import type { Serializable } from "./analyzer-client";
import { ProtoWriter, encodeStruct } from "./protobuf-writer";
import { RecordedResource, WireProperties, wireSignature } from "./recorded-stack";

function downgradeReferences(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(downgradeReferences);
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const object = value as Record<string, unknown>;
    if (object[wireSignature.key] === wireSignature.resourceReference) {
        return "id" in object ? object.id : object.urn;
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, downgradeReferences(v)]));
}

/**
 * Encodings made during one analysis. AnalyzeStack sends every resource again, mostly with the
 * properties its Analyze call sent (a first preview's outputs are its inputs), and every resource
 * names the same default provider: each is encoded once per recorded object and its bytes reused.
 * One per analysis, so nothing outlives it.
 */
export class MessageCache {
    readonly structs = new WeakMap<WireProperties, Uint8Array>();
    readonly options = new WeakMap<RecordedResource, Uint8Array>();
    readonly providers = new WeakMap<RecordedResource, Uint8Array>();
}

/** What the engine sends of a resource's properties: no top-level "__" keys, references downgraded. */
function marshalled(properties: WireProperties): Record<string, unknown> {
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(properties)) {
        if (!key.startsWith("__")) {
            kept[key] = downgradeReferences(value);
        }
    }
    return kept;
}

function propertiesOf(properties: WireProperties, cache: MessageCache): Uint8Array {
    let encoded = cache.structs.get(properties);
    if (encoded === undefined) {
        encoded = encodeStruct(marshalled(properties));
        cache.structs.set(properties, encoded);
    }
    return encoded;
}

export function toAnalyzerProperties(properties: WireProperties): Struct {
    return Struct.deserializeBinary(encodeStruct(marshalled(properties)));
}

// Small and once per resource: built with google-protobuf's setters, cached as bytes.
function optionsOf(resource: RecordedResource, cache: MessageCache): Uint8Array {
    const known = cache.options.get(resource);
    if (known !== undefined) {
        return known;
    }
    const options = new analyzerproto.AnalyzerResourceOptions();
    options.setProtect(resource.options.protect);
    options.setIgnorechangesList([...resource.options.ignoreChanges]);
    options.setAdditionalsecretoutputsList([...resource.options.additionalSecretOutputs]);
    options.setAliasesList([...resource.options.aliases]);
    if (resource.options.deleteBeforeReplace !== undefined) {
        options.setDeletebeforereplacedefined(true);
        options.setDeletebeforereplace(resource.options.deleteBeforeReplace);
    }
    const timeouts = resource.options.customTimeouts;
    if (timeouts) {
        const custom = new analyzerproto.AnalyzerResourceOptions.CustomTimeouts();
        custom.setCreate(timeouts.create);
        custom.setUpdate(timeouts.update);
        custom.setDelete(timeouts.delete);
        options.setCustomtimeouts(custom);
    }
    if (resource.parent !== undefined) {
        options.setParent(resource.parent);
    }
    const encoded = options.serializeBinary();
    cache.options.set(resource, encoded);
    return encoded;
}

// The field numbers of AnalyzeRequest, AnalyzerResource and AnalyzerProviderResource
// (pulumi/proto/analyzer.proto): the three share the first ones.
const fields = {
    type: 1,
    properties: 2,
    urn: 3,
    name: 4,
    options: 5,
    provider: 6,
    parent: 7,
    dependencies: 8,
    propertyDependencies: 9,
    /** AnalyzeStackRequest.resources; AnalyzerPropertyDependencies.urns; map entries' key. */
    first: 1,
    /** Map entries' value. */
    mapValue: 2,
} as const;

// Requests are encoded one at a time, each in full before the next: one buffer serves them all.
const requestWriter = new ProtoWriter();

function providerOf(provider: RecordedResource, cache: MessageCache): Uint8Array {
    const known = cache.providers.get(provider);
    if (known !== undefined) {
        return known;
    }
    const properties = propertiesOf(provider.inputs, cache);
    const writer = new ProtoWriter();
    writer.optionalString(fields.type, provider.type);
    writer.message(fields.properties, properties);
    writer.optionalString(fields.urn, provider.urn);
    writer.optionalString(fields.name, provider.name);
    const encoded = writer.finish();
    cache.providers.set(provider, encoded);
    return encoded;
}

/** What an AnalyzeRequest and an AnalyzerResource both carry about a resource, in field order. */
function writeResource(
    writer: ProtoWriter,
    resource: RecordedResource,
    properties: WireProperties,
    provider: RecordedResource | undefined,
    cache: MessageCache,
): void {
    // Made before anything is written: they may use the shared buffers.
    const encodedProperties = propertiesOf(properties, cache);
    const encodedOptions = optionsOf(resource, cache);
    const encodedProvider = provider && providerOf(provider, cache);
    writer.optionalString(fields.type, resource.type);
    writer.message(fields.properties, encodedProperties);
    writer.optionalString(fields.urn, resource.urn);
    writer.optionalString(fields.name, resource.name);
    writer.message(fields.options, encodedOptions);
    if (encodedProvider) {
        writer.message(fields.provider, encodedProvider);
    }
}

/** AnalyzeStack sees each resource's outputs; see `analyzerResourceOf`. */
function writeAnalyzerResource(
    writer: ProtoWriter,
    resource: RecordedResource,
    provider: RecordedResource | undefined,
    cache: MessageCache,
): void {
    writeResource(writer, resource, resource.outputs ?? resource.inputs, provider, cache);
    writer.optionalString(fields.parent, resource.parent ?? "");
    for (const urn of resource.dependencies) {
        writer.string(fields.dependencies, urn);
    }
    // The engine leaves out properties that depend on nothing; map entries go in key order.
    for (const key of Object.keys(resource.propertyDependencies).sort()) {
        const urns = resource.propertyDependencies[key];
        if (urns.length > 0) {
            const entryAt = writer.begin(fields.propertyDependencies);
            writer.string(fields.first, key);
            const depsAt = writer.begin(fields.mapValue);
            for (const urn of urns) {
                writer.string(fields.first, urn);
            }
            writer.end(depsAt);
            writer.end(entryAt);
        }
    }
}

/** An Analyze request, encoded; the client needs only its bytes and, for errors, its URN. */
export class EncodedAnalyzeRequest {
    constructor(
        private readonly urn: string,
        private readonly bytes: Uint8Array,
    ) {}

    getUrn(): string {
        return this.urn;
    }

    serializeBinary(): Uint8Array {
        return this.bytes;
    }
}

/** Analyze sees a resource's inputs, before the engine acts on it. */
export function analyzeRequestOf(
    resource: RecordedResource,
    provider: RecordedResource | undefined,
    cache = new MessageCache(),
): EncodedAnalyzeRequest {
    requestWriter.reset();
    writeResource(requestWriter, resource, resource.inputs, provider, cache);
    return new EncodedAnalyzeRequest(resource.urn, requestWriter.finish());
}

/**
 * AnalyzeStack sees each resource's outputs. In a first preview those are the planned state: the
 * inputs (computed attributes still unknown), or what a component registered as its outputs.
 */
export function analyzerResourceOf(
    resource: RecordedResource,
    provider: RecordedResource | undefined,
    cache = new MessageCache(),
): analyzerproto.AnalyzerResource {
    requestWriter.reset();
    writeAnalyzerResource(requestWriter, resource, provider, cache);
    return analyzerproto.AnalyzerResource.deserializeBinary(requestWriter.finish());
}

/** The AnalyzeStack request for `resources`, encoded (the client needs only its bytes). */
export function analyzeStackRequestOf(
    resources: readonly RecordedResource[],
    providerOf: ReadonlyMap<string, RecordedResource>,
    cache = new MessageCache(),
): Serializable {
    requestWriter.reset();
    for (const resource of resources) {
        const at = requestWriter.begin(fields.first);
        writeAnalyzerResource(requestWriter, resource, providerOf.get(resource.urn), cache);
        requestWriter.end(at);
    }
    const bytes = requestWriter.finish();
    return { serializeBinary: () => bytes };
}
