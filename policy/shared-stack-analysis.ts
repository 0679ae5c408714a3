// @pulumi/policy 1.21's AnalyzeStack handler (server.js `makeAnalyzeStackRpcFun`) rebuilds every
// resource of the request from its protobuf message once per stack policy: type, URN, name,
// options, provider, parent, dependencies and property dependencies through google-protobuf's
// getters, then a map of URNs to link them. For 10,002 resources and 25 stack policies that loop
// was the largest cost left in the pack (bench/gate-scale.ts, profiled), and building fresh objects
// for each policy from plain values still cost about a second of CPU and garbage. This handler
// reads each message once per request and hands every stack policy of the request the same frozen
// resources: the same arguments, levels, config, violations, not-applicable and unknown handling
// as server.js, which it follows line by line (tests/policy/shared-stack-analysis.test.ts runs the
// fixtures through both and compares every diagnostic). Sharing is safe for the reason given in
// policy/shared-deserialization.ts (no rule writes to what it is given); freezing makes a write fail
// loudly instead of reaching the next policy.
// Analyze is served the same way (makeSharedAnalyzeRpcFun below). Both calls' requests are
// decoded by policy/analyze-request-decoding.ts: each distinct provider message once, properties
// straight to values.
// The Analyzer protocol is untouched: server.js still serves every other call, only the analyze
// and analyzeStack functions it hands to grpc-js, and their request decoders, are these. They
// are put in by wrapping the module's exported `serve`, which PolicyPack calls through the
// module's exports; node_modules is never patched.
// Properties come from that decoder or, where it left them to google-protobuf, from the shared
// deserialization (policy/shared-deserialization.ts): one object per resource of the request,
// behind one unknown-checking proxy (the proxy keeps no state).
import type * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { createRequire } from "node:module";
import { analyzeRequestDecoder, analyzeStackRequestDecoder, decodedPropertiesOf } from "./analyze-request-decoding";

/* eslint-disable @typescript-eslint/no-require-imports -- @pulumi/policy's internal modules, as server.js loads them */
const policyRequire = createRequire(require.resolve("@pulumi/policy/server"));
// The grpc-js and protobuf modules server.js itself loads, so the classes it checks are the same.
const grpc = policyRequire("@grpc/grpc-js") as { Server: { prototype: { addService: AddService } } };
const analyzerRpc = policyRequire("@pulumi/pulumi/proto/analyzer_grpc_pb") as {
    AnalyzerService: Record<string, { readonly requestDeserialize: unknown }>;
};
const analyzerMessages = policyRequire("@pulumi/pulumi/proto/analyzer_pb") as typeof analyzerProto;
const deserializeModule = require("@pulumi/policy/deserialize") as { deserializeProperties: (s: Struct, proxySecrets: boolean) => Props };
const policyModule = require("@pulumi/policy/policy") as {
    getPulumiType: (value: unknown) => string | undefined;
    isResourcePolicy: (policy: unknown) => boolean;
    isStackPolicy: (policy: unknown) => boolean;
};
const protoutil = require("@pulumi/policy/protoutil") as {
    asGrpcError: (error: unknown, message?: string) => unknown;
    convertEnforcementLevel: (level: number) => string;
    makeAnalyzeResponse: (ds: unknown[], notApplicable: unknown[] | undefined) => unknown;
};
const proxy = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy: (value: Props) => Props;
    UnknownValueError: new (...args: never[]) => Error;
};
/* eslint-enable @typescript-eslint/no-require-imports */

type Props = Record<string, unknown>;
type Validation = (args: unknown, reportViolation: unknown) => unknown;
type Callback = (error: unknown, response?: unknown) => void;
type Handler = (call: { request: never }, callback: Callback) => unknown;
type AddService = (this: unknown, service: unknown, implementation: Record<string, Handler>) => unknown;
/** server.js's `serve`, as PolicyPack calls it. */
export type Serve = (
    packName: string,
    packVersion: string,
    packLevel: string,
    packArgs: { policies?: readonly object[] },
    initialConfig: unknown,
) => void;

/** The fields of a policy that server.js reads for a stack policy. */
interface Policy {
    readonly name: string;
    readonly description?: string;
    readonly enforcementLevel?: string;
    readonly severity?: string;
    readonly validateStack?: (args: unknown, reportViolation: unknown) => unknown;
    readonly validateResource?: Validation | readonly Validation[];
    readonly [key: string]: unknown;
}

/** What server.js keeps in module state from configure and configureStack, mirrored. */
interface ServedState {
    config: Record<string, Props & { enforcementLevel?: string }>;
    stackTags: unknown;
}

/** One resource of a request, read from its message once. */
interface ResourceBasis {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly props: Props;
    readonly opts: Props & { customTimeouts: Props };
    readonly provider: { readonly type: string; readonly urn: string; readonly name: string; readonly props: Props } | undefined;
    /** Index of the parent in the request, if the parent is one of its resources (server.js's lookup). */
    readonly parent: number | undefined;
    readonly dependencies: readonly number[];
    readonly propertyDependencies: readonly (readonly [string, readonly number[]])[];
}

// server.js's own NotApplicableError is not exported; `notApplicable` of these arguments throws this one.
class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
        this.name = "NotApplicableError";
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

/** server.js's freezeMap: a read-only view of the stack tags. */
function freezeMap(map: Map<string, string>): unknown {
    return Object.freeze({
        entries: map.entries.bind(map),
        forEach: map.forEach.bind(map),
        get: map.get.bind(map),
        has: map.has.bind(map),
        keys: map.keys.bind(map),
        size: map.size,
        values: map.values.bind(map),
        [Symbol.iterator]: map[Symbol.iterator].bind(map),
    });
}

function pushNotApplicable(list: unknown[] | undefined, policyName: string, reason: string | undefined): unknown[] {
    const entry = new analyzerMessages.PolicyNotApplicable().setPolicyName(policyName);
    if (reason) {
        entry.setReason(reason);
    }
    return [...(list ?? []), entry];
}

/** server.js's makeReportViolationFun (a null message fails reading its name, as there). */
function reportViolationInto(ds: unknown[], policy: Policy, packName: string, packVersion: string, level: string) {
    const { name, description, severity } = policy;
    return (message: unknown, urn?: string): void => {
        if (typeof message === "object") {
            const info = message as Props;
            ds.push({
                policyName: info.name || name,
                policyPackName: packName,
                policyPackVersion: packVersion,
                message: info.message || info.description || description,
                urn: info.urn,
                description: info.description || description,
                enforcementLevel: info.enforcementLevel || level,
                severity: info.severity || severity,
            });
            return;
        }
        ds.push({
            policyName: name,
            policyPackName: packName,
            policyPackVersion: packVersion,
            message: message ? `${description}\n${String(message)}` : description,
            urn,
            description,
            enforcementLevel: level,
            severity,
        });
    };
}

/**
 * server.js's handling of what a validation threw, the same for resource and stack policies: an
 * unknown value read at preview becomes an advisory diagnostic (the policy's fields, but its name
 * and validation, spread into it), notApplicable an entry of the not-applicable list, which is
 * returned; anything else fails the call, naming the policy.
 */
function afterThrown(
    e: unknown,
    p: Policy,
    validationKey: "validateResource" | "validateStack",
    packName: string,
    packVersion: string,
    ds: unknown[],
    notApplicable: unknown[] | undefined,
): unknown[] | undefined {
    const policyFrom = `policy '${p.name}' from policy pack '${packName}@v${packVersion}'`;
    if (e instanceof proxy.UnknownValueError) {
        const { [validationKey]: _validate, name, ...diag } = p;
        ds.push({
            policyName: name,
            policyPackName: packName,
            policyPackVersion: packVersion,
            message: `can't run ${policyFrom} during preview: ${e.message}`,
            ...diag,
            enforcementLevel: "advisory",
        });
        return notApplicable;
    }
    if (e instanceof NotApplicableError) {
        return pushNotApplicable(notApplicable, p.name, e.reason);
    }
    throw protoutil.asGrpcError(e, `Error validating resource with ${policyFrom}`);
}

/** server.js's isTypeOf. */
function isTypeOf(type: string, resourceClass: { isInstance?: unknown }): boolean {
    const pulumiType = policyModule.getPulumiType(resourceClass);
    if (pulumiType) {
        return type === pulumiType;
    }
    const isInstance = resourceClass.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** server.js's getResourceOptions, read once. */
function optionsOf(r: analyzerProto.AnalyzerResource): ResourceBasis["opts"] {
    const opts = r.getOptions();
    if (!opts) {
        throw new Error(
            "A more recent version of the Pulumi CLI is required. To upgrade, see https://www.pulumi.com/docs/get-started/install/",
        );
    }
    const timeouts = opts.getCustomtimeouts();
    const result: ResourceBasis["opts"] = {
        protect: opts.getProtect(),
        ignoreChanges: Object.freeze([...opts.getIgnorechangesList()]), // a copy: jspb keeps the original
        aliases: Object.freeze([...opts.getAliasesList()]),
        customTimeouts: {
            createSeconds: timeouts?.getCreate() ?? 0.0,
            updateSeconds: timeouts?.getUpdate() ?? 0.0,
            deleteSeconds: timeouts?.getDelete() ?? 0.0,
        },
        additionalSecretOutputs: Object.freeze([...opts.getAdditionalsecretoutputsList()]),
    };
    if (opts.getDeletebeforereplacedefined()) {
        result.deleteBeforeReplace = opts.getDeletebeforereplace();
    }
    if (opts.getParent()) {
        result.parent = opts.getParent();
    }
    Object.freeze(result.customTimeouts);
    return Object.freeze(result);
}

/** server.js's deserialized properties of a resource, decoded from the request's bytes when the decoder could. */
function propertiesOf(message: analyzerProto.AnalyzerResource | analyzerProto.AnalyzeRequest): Props {
    return decodedPropertiesOf(message) ?? deserializeModule.deserializeProperties(message.getProperties() as Struct, false);
}

/** Every resource of the request, read once; URN links resolved as server.js resolves them. */
function basesOf(messages: readonly analyzerProto.AnalyzerResource[]): ResourceBasis[] {
    const indexByUrn = new Map<string, number>();
    messages.forEach((r, index) => indexByUrn.set(r.getUrn(), index)); // a later duplicate wins, as in server.js
    const indexesOf = (urns: readonly string[]): number[] =>
        urns.map((urn) => indexByUrn.get(urn)).filter((index): index is number => index !== undefined);
    return messages.map((r) => {
        const provider = r.getProvider();
        const propertyDependencies: [string, number[]][] = [];
        for (const [key, dependencies] of r.getPropertydependenciesMap().entries()) {
            propertyDependencies.push([key, indexesOf(dependencies.getUrnsList())]);
        }
        const parentUrn = r.getParent();
        return {
            type: r.getType(),
            urn: r.getUrn(),
            name: r.getName(),
            props: propertiesOf(r),
            opts: optionsOf(r),
            provider:
                provider === undefined
                    ? undefined
                    : {
                          type: provider.getType(),
                          urn: provider.getUrn(),
                          name: provider.getName(),
                          props: deserializeModule.deserializeProperties(provider.getProperties() as Struct, false),
                      },
            parent: parentUrn ? indexByUrn.get(parentUrn) : undefined,
            dependencies: indexesOf(r.getDependenciesList()),
            propertyDependencies,
        };
    });
}

/**
 * The resources of a request as server.js builds them for each policy, built once and shared by
 * the stack policies of the request. Frozen, down to the lists and options, so a policy that
 * tried to change what the next one sees fails loudly (the pack's code is strict) instead.
 */
function resourcesOf(bases: readonly ResourceBasis[]): readonly Props[] {
    const resources = bases.map((b) => {
        const props = proxy.unknownCheckingProxy(b.props);
        const resource: Props = {
            type: b.type,
            props,
            urn: b.urn,
            name: b.name,
            opts: b.opts,
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass: { isInstance?: unknown }) => isTypeOf(b.type, resourceClass),
            asType: (resourceClass: { isInstance?: unknown }) => (isTypeOf(b.type, resourceClass) ? props : undefined),
        };
        if (b.provider !== undefined) {
            resource.provider = Object.freeze({
                type: b.provider.type,
                props: proxy.unknownCheckingProxy(b.provider.props),
                urn: b.provider.urn,
                name: b.provider.name,
            });
        }
        return resource;
    });
    bases.forEach((b, index) => {
        const resource = resources[index];
        if (b.parent !== undefined) {
            resource.parent = resources[b.parent];
        }
        resource.dependencies = Object.freeze(b.dependencies.map((d) => resources[d]));
        const byProperty: Record<string, readonly Props[]> = {};
        for (const [key, dependencies] of b.propertyDependencies) {
            byProperty[key] = Object.freeze(dependencies.map((d) => resources[d]));
        }
        resource.propertyDependencies = Object.freeze(byProperty);
        Object.freeze(resource);
    });
    return Object.freeze(resources);
}

/** server.js's makeGetConfigFun. */
function getConfigFor(state: ServedState, policyName: string): () => Props {
    return () => {
        const { enforcementLevel: _level, ...properties } = state.config[policyName] ?? {};
        return properties;
    };
}

/** The AnalyzeStack handler: server.js's, with each resource read once per request. */
export function makeSharedAnalyzeStackRpcFun(
    packName: string,
    packVersion: string,
    packLevel: string,
    policies: readonly Policy[],
    state: ServedState,
): (call: { request: analyzerProto.AnalyzeStackRequest }, callback: Callback) => Promise<void> {
    return async (call, callback) => {
        const messages = call.request.getResourcesList();
        const ds: unknown[] = [];
        let notApplicable: unknown[] | undefined;
        let resources: readonly Props[] | undefined;
        try {
            for (const p of policies) {
                let level = state.config[p.name]?.enforcementLevel || p.enforcementLevel || packLevel;
                if (level === "disabled" || !policyModule.isStackPolicy(p)) {
                    continue;
                }
                if (level === "remediate") {
                    level = "mandatory"; // stack policies cannot be remediated (server.js)
                }
                const pulumiType = policyModule.getPulumiType(p.validateStack);
                if (pulumiType && !messages.some((r) => r.getType() === pulumiType)) {
                    notApplicable = pushNotApplicable(notApplicable, p.name, `Policy only applies to resources of type '${pulumiType}'`);
                    continue;
                }
                const reportViolation = reportViolationInto(ds, p, packName, packVersion, level);
                try {
                    // Read inside the first policy's try, so a malformed request fails naming it, as in server.js.
                    resources ??= resourcesOf(basesOf(messages));
                    const args = {
                        resources,
                        getConfig: getConfigFor(state, p.name),
                        stackTags: state.stackTags,
                        notApplicable: throwNotApplicable,
                    };
                    await Promise.resolve((p.validateStack as NonNullable<Policy["validateStack"]>)(args, reportViolation));
                } catch (e) {
                    notApplicable = afterThrown(e, p, "validateStack", packName, packVersion, ds, notApplicable);
                }
            }
        } catch (err) {
            callback(err, undefined);
            return;
        }
        callback(undefined, protoutil.makeAnalyzeResponse(ds, notApplicable));
    };
}

/** What server.js builds from an Analyze request for each validation, read from it once. */
interface AnalyzedResource {
    readonly type: string;
    readonly props: Props;
    readonly urn: string;
    readonly name: string;
    readonly opts: Props;
    readonly isType: (resourceClass: { isInstance?: unknown }) => boolean;
    readonly asType: (resourceClass: { isInstance?: unknown }) => Props | undefined;
    readonly provider: Props | undefined;
}

/** server.js's arguments of validateResource, minus stackTags, getConfig and notApplicable. */
function analyzedResourceOf(request: analyzerProto.AnalyzeRequest): AnalyzedResource {
    const type = request.getType();
    const props = proxy.unknownCheckingProxy(propertiesOf(request));
    const provider = request.getProvider();
    return {
        type,
        props,
        urn: request.getUrn(),
        name: request.getName(),
        opts: optionsOf(request as unknown as analyzerProto.AnalyzerResource), // the same options message and getters
        isType: (resourceClass) => isTypeOf(type, resourceClass),
        asType: (resourceClass) => (isTypeOf(type, resourceClass) ? props : undefined),
        provider: provider === undefined ? undefined : providerArgOf(provider),
    };
}

// The decoder hands every request of one provider the same message (policy/analyze-request-decoding.ts),
// so its argument is built once per message too.
const providerArgs = new WeakMap<analyzerProto.AnalyzerProviderResource, Props>();

/** server.js's getProviderResource, frozen, once per provider message. */
function providerArgOf(provider: analyzerProto.AnalyzerProviderResource): Props {
    let arg = providerArgs.get(provider);
    if (arg === undefined) {
        arg = Object.freeze({
            type: provider.getType(),
            props: proxy.unknownCheckingProxy(deserializeModule.deserializeProperties(provider.getProperties() as Struct, false)),
            urn: provider.getUrn(),
            name: provider.getName(),
        });
        providerArgs.set(provider, arg);
    }
    return arg;
}

/**
 * The Analyze handler: server.js's `makeAnalyzeRpcFun`, which for each validation of each policy
 * rebuilt the resource's options, its provider (deserialized again, then proxied), the props'
 * proxy and the isType/asType closures, and each policy's getConfig: 10,002 requests times the
 * applicable policies. Here what depends only on the request is read once per request (inside the
 * first validation's try, so a malformed request still fails naming that policy, as in server.js)
 * and frozen, and getConfig is made once per policy (it reads the config when called, as
 * server.js's does). Levels, not-applicable, violations and unknown handling follow server.js line
 * by line (tests/policy/shared-resource-analysis.test.ts compares every diagnostic).
 */
export function makeSharedAnalyzeRpcFun(
    packName: string,
    packVersion: string,
    packLevel: string,
    policies: readonly Policy[],
    state: ServedState,
): (call: { request: analyzerProto.AnalyzeRequest }, callback: Callback) => Promise<void> {
    const getConfigs = new Map(policies.map((p) => [p, getConfigFor(state, p.name)]));
    return async (call, callback) => {
        const request = call.request;
        const type = request.getType();
        const ds: unknown[] = [];
        let notApplicable: unknown[] | undefined;
        let resource: AnalyzedResource | undefined;
        try {
            for (const p of policies) {
                let level = state.config[p.name]?.enforcementLevel || p.enforcementLevel || packLevel;
                if (level === "disabled" || !policyModule.isResourcePolicy(p)) {
                    continue;
                }
                if (!p.validateResource) {
                    notApplicable = pushNotApplicable(notApplicable, p.name, "Policy does not implement validateResource");
                    continue;
                }
                if (level === "remediate") {
                    level = "mandatory"; // a violation left after remediation is reported as mandatory (server.js)
                }
                if (!Array.isArray(p.validateResource)) {
                    const pulumiType = policyModule.getPulumiType(p.validateResource);
                    if (pulumiType && type !== pulumiType) {
                        notApplicable = pushNotApplicable(
                            notApplicable,
                            p.name,
                            `Policy only applies to resources of type '${pulumiType}'`,
                        );
                        continue;
                    }
                }
                const reportViolation = reportViolationInto(ds, p, packName, packVersion, level);
                const validations: readonly Validation[] = Array.isArray(p.validateResource)
                    ? p.validateResource
                    : [p.validateResource as Validation];
                for (const validation of validations) {
                    try {
                        resource ??= analyzedResourceOf(request);
                        const args: Props = {
                            type: resource.type,
                            props: resource.props,
                            urn: resource.urn,
                            name: resource.name,
                            opts: resource.opts,
                            stackTags: state.stackTags,
                            isType: resource.isType,
                            asType: resource.asType,
                            getConfig: getConfigs.get(p),
                            notApplicable: throwNotApplicable,
                        };
                        if (resource.provider) {
                            args.provider = resource.provider;
                        }
                        await Promise.resolve(validation(args, reportViolation));
                    } catch (e) {
                        notApplicable = afterThrown(e, p, "validateResource", packName, packVersion, ds, notApplicable);
                    }
                }
            }
        } catch (err) {
            callback(err, undefined);
            return;
        }
        callback(undefined, protoutil.makeAnalyzeResponse(ds, notApplicable));
    };
}

/** The configuration server.js's configure keeps, computed the same way from the same request. */
function configOf(request: analyzerProto.ConfigureAnalyzerRequest): ServedState["config"] {
    const config: ServedState["config"] = {};
    for (const [name, policyConfig] of request.getPolicyconfigMap().entries()) {
        const props = (policyConfig.getProperties()?.toJavaScript() ?? {}) as Props;
        props.enforcementLevel = protoutil.convertEnforcementLevel(policyConfig.getEnforcementlevel());
        config[name] = props;
    }
    return config;
}

/**
 * The implementation server.js registers, with analyze and analyzeStack replaced, and configure and
 * configureStack also recording, once server.js accepted them, what the new handler reads.
 */
function withSharedStackAnalysis(
    implementation: Record<string, Handler>,
    state: ServedState,
    replaced: { readonly analyze: Handler; readonly analyzeStack: Handler },
): Record<string, Handler> {
    const { configure, configureStack } = implementation;
    return {
        ...implementation,
        configure: (call, callback) =>
            configure(call, (error, response) => {
                if (!error) {
                    state.config = configOf(call.request as analyzerProto.ConfigureAnalyzerRequest);
                }
                callback(error, response);
            }),
        configureStack: (call, callback) =>
            configureStack(call, (error, response) => {
                if (!error) {
                    const tags = new Map<string, string>();
                    (call.request as analyzerProto.AnalyzerStackConfigureRequest).getTagsMap().forEach((v, k) => tags.set(k, v));
                    state.stackTags = freezeMap(tags);
                }
                callback(error, response);
            }),
        ...replaced,
    };
}

/**
 * `serve` of server.js, registering the shared Analyze and AnalyzeStack handlers (and their
 * request decoders) in place of its own; every other call is server.js's. `addService` is replaced only while the original serve runs.
 */
export function servingSharedStackAnalysis(originalServe: Serve): Serve {
    return (packName, packVersion, packLevel, packArgs, initialConfig) => {
        const state: ServedState = { config: {}, stackTags: freezeMap(new Map()) };
        const policies = (packArgs.policies ?? []) as readonly Policy[];
        const replaced = {
            analyze: makeSharedAnalyzeRpcFun(packName, packVersion, packLevel, policies, state) as Handler,
            analyzeStack: makeSharedAnalyzeStackRpcFun(packName, packVersion, packLevel, policies, state) as Handler,
        };
        const prototype = grpc.Server.prototype;
        const addService = prototype.addService;
        prototype.addService = function (service, implementation) {
            if (service !== analyzerRpc.AnalyzerService) {
                return addService.call(this, service, implementation);
            }
            // Both calls' requests decoded by policy/analyze-request-decoding.ts (a copy of the
            // service definition: the module's own stays as it is).
            const analyzerService = {
                ...analyzerRpc.AnalyzerService,
                analyze: { ...analyzerRpc.AnalyzerService.analyze, requestDeserialize: analyzeRequestDecoder() },
                analyzeStack: { ...analyzerRpc.AnalyzerService.analyzeStack, requestDeserialize: analyzeStackRequestDecoder() },
            };
            return addService.call(this, analyzerService, withSharedStackAnalysis(implementation, state, replaced));
        };
        try {
            originalServe(packName, packVersion, packLevel, packArgs, initialConfig);
        } finally {
            prototype.addService = addService;
        }
    };
}

// PolicyPack calls `server_1.serve(...)` through the module's exports, so replacing the export is enough.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the exports object itself
const serverExports = require("@pulumi/policy/server") as { serve: Serve & { readonly sharedOriginal?: Serve } };
if (serverExports.serve.sharedOriginal === undefined) {
    const originalServe = serverExports.serve;
    serverExports.serve = Object.assign(servingSharedStackAnalysis(originalServe), { sharedOriginal: originalServe });
}
