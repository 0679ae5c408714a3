import {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { CustomResourceOptions, Resource, Unwrap } from "@pulumi/pulumi";
import { CommonConfig, commonConfigSchema, ConfigProperty, resolveConfig, UnknownValueModes } from "./config";
import { NamedResource, outsideStackMessage, unknownValueMessage } from "./messages";
import { Link, StackIndex, stackIndexOf } from "./stack-index";
import { isUnknownValueError, Reading, unknownPath } from "./unknown-values";

/** What every rule of the pack declares. */
interface RuleDefinition<C> {
    /** kebab-case, unique in the pack. */
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    /** The rule's own settings; `unknownValues` is added to every rule. */
    readonly configSchema?: Readonly<Record<string, ConfigProperty>>;
    /** Checks across settings (e.g. lower bound <= upper bound); throws PolicyConfigError. */
    readonly validateConfig?: (config: C & CommonConfig) => void;
}

export interface StackRuleDefinition<C> extends RuleDefinition<C> {
    readonly check: (index: StackIndex, report: Reporter, config: C & CommonConfig) => void;
}

type ResourceClass<TResource extends Resource, TArgs> = new (name: string, args: TArgs, opts?: CustomResourceOptions) => TResource;

export interface ResourceRuleDefinition<C, TResource extends Resource, TArgs> extends RuleDefinition<C> {
    readonly resourceClass: ResourceClass<TResource, TArgs>;
    readonly check: (props: Unwrap<NonNullable<TArgs>>, resource: NamedResource, report: Reporter, config: C & CommonConfig) => void;
}

// The server accepts a violation object whose enforcementLevel overrides the policy's level
// (server.js makeReportViolationFun); the published type only declares the string form.
type ReportViolationWithLevel = (violation: { message: string; urn?: string; enforcementLevel: EnforcementLevel }) => void;

/**
 * Reports violations for one run of one policy. Every message names the resource; unknown values
 * are reported at the policy's level unless the policy is configured with unknownValues "advisory".
 */
export class Reporter {
    constructor(
        private readonly reportViolation: ReportViolation,
        private readonly description: string,
        private readonly config: CommonConfig,
    ) {}

    violation(resource: NamedResource, message: string): void {
        this.reportViolation(message, resource.urn);
    }

    /** Reports at advisory level whatever the policy's level: advice that must never block. */
    advisory(resource: NamedResource, message: string): void {
        // The object form skips the server's "description\nmessage" framing, so add it here.
        const report = this.reportViolation as unknown as ReportViolationWithLevel;
        report({ message: `${this.description}\n${message}`, urn: resource.urn, enforcementLevel: "advisory" });
    }

    /** Reports that `what` (e.g. "visibilityTimeoutSeconds") of the resource is unknown at preview. */
    unknown(resource: NamedResource, what: string): void {
        const message = unknownValueMessage(resource, what);
        if (this.config.unknownValues === UnknownValueModes.advisory) {
            this.advisory(resource, message);
            return;
        }
        this.reportViolation(message, resource.urn);
    }

    /** Reports resources whose reference is unknown at preview (`path` names the unknown value). */
    unknownReferences(unresolved: readonly { readonly resource: NamedResource; readonly path: string }[]): void {
        for (const { resource, path } of unresolved) {
            this.unknown(resource, path);
        }
    }

    /**
     * `{ value }` of a known reading; for an unknown one, reports it and returns undefined, so a
     * rule writes `const timeout = report.knownValue(fn, reading); if (!timeout) return;`.
     */
    knownValue<T>(resource: NamedResource, reading: Reading<T>): { value: T } | undefined {
        if (reading.known) {
            return { value: reading.value };
        }
        this.unknown(resource, reading.path);
        return undefined;
    }

    /**
     * The target of a link that must be a resource of the stack (`what` names it, e.g. "function");
     * reports why when it is not: unknown at preview, or outside the stack. Absent gives undefined
     * with no report: whether that matters is the rule's call.
     */
    resourceOrReport(holder: NamedResource, what: string, link: Link): PolicyResource | undefined {
        switch (link.kind) {
            case "resource":
                return link.resource;
            case "unknown":
                this.unknown(holder, link.path);
                return undefined;
            case "external":
                this.violation(holder, outsideStackMessage(holder, what, link.reference));
                return undefined;
            default:
                return undefined;
        }
    }

    /**
     * Runs the check of one resource. An unknown value the check did not handle itself becomes a
     * violation on that resource, so one unknown never stops the rule for the other resources
     * (nor turns it into the server's advisory "can't run" note).
     */
    forResource(resource: NamedResource, check: () => void): void {
        try {
            check();
        } catch (error) {
            if (!isUnknownValueError(error)) {
                throw error;
            }
            this.unknown(resource, unknownPath(error));
        }
    }
}

function configSchemaOf<C>(definition: RuleDefinition<C>): Record<string, ConfigProperty> {
    return { ...(definition.configSchema ?? {}), ...commonConfigSchema };
}

function configOf<C>(definition: RuleDefinition<C>, configured: object): C & CommonConfig {
    const config = resolveConfig<C & CommonConfig>(definition.name, configSchemaOf(definition), configured as Record<string, unknown>);
    definition.validateConfig?.(config);
    return config;
}

function metadataOf<C>(definition: RuleDefinition<C>) {
    return {
        name: definition.name,
        description: definition.description,
        enforcementLevel: definition.enforcementLevel,
        configSchema: { properties: configSchemaOf(definition) },
    };
}

/** A stack policy over one index of the stack, shared by the stack policies of a request (linear in resources). */
export function stackRule<C = object>(definition: StackRuleDefinition<C>): StackValidationPolicy {
    return {
        ...metadataOf(definition),
        validateStack: (args, reportViolation) => {
            const config = configOf(definition, args.getConfig<object>());
            const reporter = new Reporter(reportViolation, definition.description, config);
            definition.check(stackIndexOf(args.resources), reporter, config);
        },
    };
}

/** A resource policy for one @pulumi/aws class; it reads the resource's inputs. */
export function resourceRule<C, TResource extends Resource, TArgs>(
    definition: ResourceRuleDefinition<C, TResource, TArgs>,
): ResourceValidationPolicy {
    return {
        ...metadataOf(definition),
        validateResource: validateResourceOfType(definition.resourceClass, (props, args, reportViolation) => {
            const config = configOf(definition, args.getConfig<object>());
            const reporter = new Reporter(reportViolation, definition.description, config);
            reporter.forResource(args, () => definition.check(props, args, reporter, config));
        }),
    };
}
