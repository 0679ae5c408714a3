// Turns recorded resources into Analyzer protocol messages the way the engine marshals them
// (MarshalOptions{KeepUnknowns, KeepSecrets, SkipInternalKeys}): unknown sentinels and secret
// envelopes pass through, resource references become their id (unknown in a first preview) or,
// for components, their URN, and top-level "__" keys are dropped.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
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
 * Messages built during one analysis. AnalyzeStack sends every resource again, mostly with the
 * properties its Analyze call sent (a first preview's outputs are its inputs), and every resource
 * names the same default provider: each is built once per recorded object and shared (messages
 * are only serialized, never modified). One per analysis, so nothing outlives it.
 */
export class MessageCache {
    readonly structs = new WeakMap<WireProperties, Struct>();
    readonly providers = new WeakMap<RecordedResource, analyzerproto.AnalyzerProviderResource>();
}

function propertiesOf(properties: WireProperties, cache: MessageCache): Struct {
    let struct = cache.structs.get(properties);
    if (struct === undefined) {
        struct = toAnalyzerProperties(properties);
        cache.structs.set(properties, struct);
    }
    return struct;
}

export function toAnalyzerProperties(properties: WireProperties): Struct {
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(properties)) {
        if (!key.startsWith("__")) {
            kept[key] = downgradeReferences(value);
        }
    }
    return Struct.fromJavaScript(kept as Parameters<typeof Struct.fromJavaScript>[0]);
}

function optionsOf(resource: RecordedResource): analyzerproto.AnalyzerResourceOptions {
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
    return options;
}

function providerOf(provider: RecordedResource, cache: MessageCache): analyzerproto.AnalyzerProviderResource {
    const known = cache.providers.get(provider);
    if (known !== undefined) {
        return known;
    }
    const message = new analyzerproto.AnalyzerProviderResource();
    cache.providers.set(provider, message);
    message.setUrn(provider.urn);
    message.setType(provider.type);
    message.setName(provider.name);
    message.setProperties(propertiesOf(provider.inputs, cache));
    return message;
}

// What an AnalyzeRequest and an AnalyzerResource both carry about a resource.
interface ResourceMessage {
    setUrn(value: string): unknown;
    setType(value: string): unknown;
    setName(value: string): unknown;
    setProperties(value?: Struct): unknown;
    setOptions(value?: analyzerproto.AnalyzerResourceOptions): unknown;
    setProvider(value?: analyzerproto.AnalyzerProviderResource): unknown;
}

function fill<M extends ResourceMessage>(
    message: M,
    resource: RecordedResource,
    properties: WireProperties,
    provider: RecordedResource | undefined,
    cache: MessageCache,
): M {
    message.setUrn(resource.urn);
    message.setType(resource.type);
    message.setName(resource.name);
    message.setProperties(propertiesOf(properties, cache));
    message.setOptions(optionsOf(resource));
    if (provider) {
        message.setProvider(providerOf(provider, cache));
    }
    return message;
}

/** Analyze sees a resource's inputs, before the engine acts on it. */
export function analyzeRequestOf(
    resource: RecordedResource,
    provider: RecordedResource | undefined,
    cache = new MessageCache(),
): analyzerproto.AnalyzeRequest {
    return fill(new analyzerproto.AnalyzeRequest(), resource, resource.inputs, provider, cache);
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
    const message = fill(new analyzerproto.AnalyzerResource(), resource, resource.outputs ?? resource.inputs, provider, cache);
    if (resource.parent !== undefined) {
        message.setParent(resource.parent);
    }
    message.setDependenciesList([...resource.dependencies]);
    const propertyDependencies = message.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
        // The engine leaves out properties that depend on nothing.
        if (urns.length > 0) {
            const deps = new analyzerproto.AnalyzerPropertyDependencies();
            deps.setUrnsList([...urns]);
            propertyDependencies.set(key, deps);
        }
    }
    return message;
}
