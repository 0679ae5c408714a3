import * as policySdk from "@pulumi/policy";
import { PolicyResource } from "@pulumi/policy";

/**
 * During `pulumi preview` the engine sends a value that depends on something not created yet as
 * an "unknown" sentinel, and @pulumi/policy wraps every resource's properties in a proxy that
 * throws `UnknownValueError` when such a value is read. If that error escapes a policy, the
 * server turns the whole policy into one advisory "can't run ... during preview" note and the
 * gate passes. So every read a rule makes goes through `read`, which turns the error into a
 * value the rule can report on the resource it was checking.
 */
export type Reading<T> = { readonly known: true; readonly value: T } | { readonly known: false; readonly path: string };

interface UnknownValueErrorShape extends Error {
    readonly props: readonly PropertyKey[];
    readonly unknownTypeSentinel: string;
}

type ErrorClass = abstract new (...args: never[]) => Error;

// The class is exported at runtime but its declaration is stripped from the package's .d.ts files.
const UnknownValueErrorClass = (policySdk as unknown as { UnknownValueError?: ErrorClass }).UnknownValueError;

/**
 * True for the proxy's `UnknownValueError`. The shape check covers a second copy of
 * @pulumi/policy in the tree, whose class would fail `instanceof`.
 */
export function isUnknownValueError(error: unknown): error is UnknownValueErrorShape {
    if (UnknownValueErrorClass !== undefined && error instanceof UnknownValueErrorClass) {
        return true;
    }
    const candidate = error as Partial<UnknownValueErrorShape> | undefined;
    return error instanceof Error && Array.isArray(candidate?.props) && typeof candidate?.unknownTypeSentinel === "string";
}

/** The property path of an unknown-value error, e.g. "loggingConfig.logGroup". */
export function unknownPath(error: UnknownValueErrorShape): string {
    return error.props.map(String).join(".");
}

export function known<T>(value: T): Reading<T> {
    return { known: true, value };
}

/** Runs `get` (which reads proxied properties) and reports an unknown value instead of throwing. */
export function read<T>(get: () => T): Reading<T> {
    try {
        return known(get());
    } catch (error) {
        if (isUnknownValueError(error)) {
            return { known: false, path: unknownPath(error) };
        }
        throw error;
    }
}

/**
 * Reads a property of a stack resource (its outputs, as the engine sends them to AnalyzeStack).
 *
 * On a first preview the provider leaves every computed output it has no value for unknown, even
 * properties the program never set (a queue's `policy`, a role's `inlinePolicies`). A value the
 * program itself set is unknown only when it depends on another resource, and then the engine
 * records that resource in `propertyDependencies[key]`. So an unknown top-level property with no
 * property dependency is one the program left unset, and reads as `undefined` (AWS default).
 * When the resource carries dependencies but no property dependencies at all, the producer of
 * the analysis did not report them and the rule stays strict.
 */
export function readOutput<T>(resource: PolicyResource, get: () => T): Reading<T | undefined> {
    const reading = read(get);
    if (reading.known) {
        return reading;
    }
    const key = reading.path.split(".")[0] ?? reading.path;
    return isUnsetByProgram(resource, key) ? known(undefined) : reading;
}

/**
 * True when the producer of the analysis reported property dependencies for the resource (the
 * CLI does; older producers send only `dependencies`), so a missing entry means "none".
 */
export function reportsPropertyDependencies(resource: PolicyResource): boolean {
    return Object.keys(resource.propertyDependencies ?? {}).length > 0;
}

function isUnsetByProgram(resource: PolicyResource, key: string): boolean {
    if ((resource.propertyDependencies?.[key] ?? []).length > 0) {
        return false;
    }
    return reportsPropertyDependencies(resource) || (resource.dependencies ?? []).length === 0;
}

/** The reading with `fallback` in place of a known `undefined` (the AWS default of an unset property). */
export function orDefault<T>(reading: Reading<T | undefined>, fallback: T): Reading<T> {
    return reading.known ? known(reading.value ?? fallback) : reading;
}
