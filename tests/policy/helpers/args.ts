// Builds the argument bags CrossGuard hands to policies, in the style of pulumi-policy-aws's
// src/tests/util.ts, with two additions our rules need: property dependencies between fake
// resources, and unknown values presented exactly as the analyzer server presents them.
import * as assert from "node:assert/strict";
import * as policySdk from "@pulumi/policy";
import {
    EnforcementLevel,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { CustomResourceOptions, Resource, Unwrap } from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";

/**
 * The value the engine sends for anything unknown at preview, whatever its type (the SDK
 * serializes unknowns as this string; see @pulumi/pulumi runtime/rpc `unknownValue`).
 */
export const UNKNOWN = unknownValue;
type Unknown = typeof UNKNOWN;

/** Resource properties where any value, at any depth, may be UNKNOWN. */
export type WithUnknowns<T> = T extends string | number | boolean
    ? T | Unknown
    : T extends readonly (infer E)[]
      ? WithUnknowns<E>[] | Unknown
      : T extends object
        ? { [K in keyof T]?: WithUnknowns<T[K]> } | Unknown
        : T;

/** Outputs a stack resource carries beside its inputs. */
interface ComputedOutputs {
    arn?: string;
    url?: string;
}

type ResourceClass<TResource extends Resource, TArgs> = new (name: string, args: TArgs, opts?: CustomResourceOptions) => TResource;

export type PropsOf<TArgs> = { [K in keyof Unwrap<NonNullable<TArgs>>]?: WithUnknowns<Unwrap<NonNullable<TArgs>>[K]> } & ComputedOutputs;

/** How a fake resource relates to others, as the engine records it at registration. */
export interface FakeLinks {
    /** property name -> the resources its value came from. */
    readonly propertyDependencies?: Readonly<Record<string, readonly FakeResource[]>>;
    /** Defaults to every resource named in propertyDependencies. */
    readonly dependencies?: readonly FakeResource[];
    readonly parent?: FakeResource;
}

export interface FakeResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    readonly links: FakeLinks;
}

const EMPTY_OPTIONS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

// Not in the package's .d.ts, but exported at runtime: the very proxy the server wraps props in,
// and the error it throws on an unknown value.
const { unknownCheckingProxy, UnknownValueError } = policySdk as unknown as {
    unknownCheckingProxy: <T extends object>(props: T) => T;
    UnknownValueError: new (...args: never[]) => Error;
};

function pulumiTypeOf(resourceClass: object): string {
    const type = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
    assert.equal(typeof type, "string", "resource class has no Pulumi type token");
    return type as string;
}

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::escalation-pipeline::${type}::${name}`;
}

/** Drops undefined properties, as the server's deserializer does ("treated as if they do not exist"). */
function definedOnly(props: object): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}

/** Declares a fake resource of a @pulumi/aws class; props are type-checked against its args. */
export function fakeResource<TResource extends Resource, TArgs>(
    resourceClass: ResourceClass<TResource, TArgs>,
    name: string,
    props: PropsOf<TArgs>,
    links: FakeLinks = {},
): FakeResource {
    const type = pulumiTypeOf(resourceClass);
    return { type, name, urn: urnOf(type, name), props: definedOnly(props), links };
}

/** The policy's settings as the CLI passes them: schema defaults, then the configured values. */
export function configFor(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    overrides: Record<string, unknown> = {},
): Record<string, unknown> {
    const defaults = Object.entries(policy.configSchema?.properties ?? {})
        .filter(([, property]) => property.default !== undefined)
        .map(([key, property]) => [key, property.default]);
    return { ...Object.fromEntries(defaults), ...overrides };
}

class NotApplicableError extends Error {
    constructor(reason?: string) {
        super(reason ?? "not applicable");
        this.name = "NotApplicableError";
    }
}

function typeChecks(type: string) {
    return {
        isType: (resourceClass: object) => pulumiTypeOf(resourceClass) === type,
    };
}

/** Args for a resource policy: one resource's inputs, proxied like the server does. */
export function createResourceValidationArgs(
    policy: ResourceValidationPolicy,
    resource: FakeResource,
    config: Record<string, unknown> = configFor(policy),
): ResourceValidationArgs {
    const props = unknownCheckingProxy(resource.props);
    const { isType } = typeChecks(resource.type);
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: { ...EMPTY_OPTIONS, parent: resource.links.parent?.urn },
        stackTags: new Map(),
        isType,
        asType: ((resourceClass: object) => (isType(resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicableError(reason);
        },
    };
}

/**
 * Args for a stack policy over the given resources: props proxied, and parent, dependencies and
 * propertyDependencies resolved to the resource objects, as server.ts does.
 */
export function createStackValidationArgs(
    policy: StackValidationPolicy,
    resources: readonly FakeResource[],
    config: Record<string, unknown> = configFor(policy),
): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    const built = resources.map((resource) => {
        const props = unknownCheckingProxy(resource.props);
        const { isType } = typeChecks(resource.type);
        const policyResource: PolicyResource = {
            type: resource.type,
            props,
            urn: resource.urn,
            name: resource.name,
            opts: EMPTY_OPTIONS,
            dependencies: [],
            propertyDependencies: {},
            isType,
            asType: ((resourceClass: object) => (isType(resourceClass) ? props : undefined)) as PolicyResource["asType"],
        };
        byUrn.set(resource.urn, policyResource);
        return policyResource;
    });
    const resolve = (list: readonly FakeResource[]) =>
        list.map((r) => byUrn.get(r.urn)).filter((r): r is PolicyResource => r !== undefined);
    resources.forEach((resource, position) => {
        const target = built[position];
        const propertyDependencies = resource.links.propertyDependencies ?? {};
        for (const [key, list] of Object.entries(propertyDependencies)) {
            target.propertyDependencies[key] = resolve(list);
        }
        const dependencies = resource.links.dependencies ?? Object.values(propertyDependencies).flat();
        target.dependencies = resolve([...new Set(dependencies)]);
        target.parent = resource.links.parent === undefined ? undefined : byUrn.get(resource.links.parent.urn);
    });
    return {
        resources: built,
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicableError(reason);
        },
    };
}

/** A violation as the server records it. */
export interface ReportedViolation {
    readonly policyName: string;
    readonly message: string;
    readonly urn?: string;
    readonly enforcementLevel: EnforcementLevel;
}

type ViolationObject = { message?: string; urn?: string; enforcementLevel?: EnforcementLevel };

/** A reportViolation that behaves like server.ts's makeReportViolationFun. */
function recorder(policy: ResourceValidationPolicy | StackValidationPolicy, into: ReportedViolation[], level: EnforcementLevel) {
    return (message: string | ViolationObject, urn?: string): void => {
        if (typeof message === "object") {
            into.push({
                policyName: policy.name,
                message: message.message ?? policy.description,
                urn: message.urn,
                enforcementLevel: message.enforcementLevel ?? level,
            });
            return;
        }
        into.push({ policyName: policy.name, message: `${policy.description}\n${message}`, urn, enforcementLevel: level });
    };
}

function levelOf(policy: ResourceValidationPolicy | StackValidationPolicy, config: Record<string, unknown>): EnforcementLevel {
    return (config.enforcementLevel as EnforcementLevel | undefined) ?? policy.enforcementLevel ?? "advisory";
}

/**
 * Runs a policy's validation the way the server does: an UnknownValueError that escapes becomes
 * the server's advisory "can't run" note (so tests can prove the rules never let that happen),
 * and notApplicable ends the run without violations.
 */
async function runValidation(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    config: Record<string, unknown>,
    validate: (report: ReturnType<typeof recorder>) => unknown,
): Promise<ReportedViolation[]> {
    const violations: ReportedViolation[] = [];
    try {
        await Promise.resolve(validate(recorder(policy, violations, levelOf(policy, config))));
    } catch (error) {
        if (error instanceof NotApplicableError) {
            return violations;
        }
        if (error instanceof UnknownValueError) {
            violations.push({
                policyName: policy.name,
                message: `can't run policy '${policy.name}' during preview: ${error.message}`,
                enforcementLevel: "advisory",
            });
            return violations;
        }
        throw error;
    }
    return violations;
}

export function runResourcePolicy(
    policy: ResourceValidationPolicy,
    resource: FakeResource,
    overrides: Record<string, unknown> = {},
): Promise<ReportedViolation[]> {
    const config = configFor(policy, overrides);
    const { enforcementLevel: _level, ...settings } = config;
    const args = createResourceValidationArgs(policy, resource, settings);
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    return runValidation(policy, config, async (report) => {
        for (const validation of validations) {
            await Promise.resolve(validation?.(args, report));
        }
    });
}

export function runStackPolicy(
    policy: StackValidationPolicy,
    resources: readonly FakeResource[],
    overrides: Record<string, unknown> = {},
): Promise<ReportedViolation[]> {
    const config = configFor(policy, overrides);
    const { enforcementLevel: _level, ...settings } = config;
    const args = createStackValidationArgs(policy, resources, settings);
    return runValidation(policy, config, (report) => policy.validateStack(args, report));
}

/**
 * A resource of a type the pack does not read, e.g. a `pulumi:pulumi:StackReference` whose
 * outputs stay unknown at preview and which the engine records as a property dependency.
 */
export function foreignResource(type: string, name: string): FakeResource {
    return { type, name, urn: urnOf(type, name), props: {}, links: {} };
}
