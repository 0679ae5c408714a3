import {
    EnforcementLevel,
    Policies,
    PolicyConfigSchema,
    Policy,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

/**
 * Per-resource exemptions, configured in the policy config under the `policy-exemptions` policy:
 *
 *     "policy-exemptions": { "exemptions": [
 *         { "policy": "sqs-queue-has-dlq", "resource": "audit-*", "reason": "replayed from S3", "expires": "2026-12-31" }
 *     ] }
 *
 * `resource` is a URN, a resource type (`aws:sqs/queue:Queue`) or a name, each a glob (`*`, `?`).
 * An exempted violation is still reported, at advisory level with the reason, so it never blocks;
 * after `expires` (a UTC date, inclusive) it is reported as before, saying the exemption expired;
 * an exemption that matched no violation of this stack is reported as stale.
 *
 * This lives inside the pack (not in the gate), so `pulumi preview --policy-pack` honours it too:
 * the CLI hands each policy only its own config, so `policy-exemptions` comes first in the list
 * and loads the exemptions on every Analyze and AnalyzeStack call before the other policies run
 * (the server runs policies in list order); `policy-exemptions-unused` comes last and reports
 * the stale ones once every policy has run.
 */
export interface Exemption {
    readonly policy: string;
    readonly resource: string;
    readonly reason: string;
    /** `YYYY-MM-DD`; the exemption holds through that day (UTC). */
    readonly expires: string;
}

export const exemptionsPolicyName = "policy-exemptions";
export const unusedExemptionsPolicyName = "policy-exemptions-unused";

/** Thrown for a malformed exemption; names the entry, the field and the value given. */
export class ExemptionConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ExemptionConfigError";
    }
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Checks the configured list; the pack refuses a malformed entry rather than guessing. */
export function parseExemptions(value: unknown): Exemption[] {
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value)) {
        throw new ExemptionConfigError(`'exemptions' of ${exemptionsPolicyName} must be a list, ${JSON.stringify(value)} given`);
    }
    return value.map((entry: unknown, i): Exemption => {
        const where = `exemptions[${i}] of ${exemptionsPolicyName}`;
        const fields = (entry ?? {}) as Record<string, unknown>;
        for (const field of ["policy", "resource", "reason", "expires"]) {
            if (typeof fields[field] !== "string" || fields[field] === "") {
                throw new ExemptionConfigError(`'${field}' of ${where} must be a non-empty string, ${JSON.stringify(fields[field])} given`);
            }
        }
        const expires = fields.expires as string;
        if (!datePattern.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) {
            throw new ExemptionConfigError(`'expires' of ${where} must be a date YYYY-MM-DD, ${JSON.stringify(expires)} given`);
        }
        return { policy: fields.policy as string, resource: fields.resource as string, reason: fields.reason as string, expires };
    });
}

function globToRegExp(glob: string): RegExp {
    const escaped = glob
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${escaped}$`);
}

/** The parts of a URN an exemption can name. */
function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const qualifiedType = parts[2] ?? "";
    return { type: qualifiedType.split("$").pop() ?? qualifiedType, name: parts.slice(3).join("::") };
}

/** True when `pattern` (URN, type or name glob) names the resource with this URN. */
export function exemptionMatches(pattern: string, urn: string): boolean {
    const glob = globToRegExp(pattern);
    if (pattern.startsWith("urn:")) {
        return glob.test(urn);
    }
    const { type, name } = urnParts(urn);
    return pattern.includes(":") ? glob.test(type) : glob.test(name);
}

/** True after the expiry day has ended (UTC). */
export function isExpired(exemption: Exemption, now: Date): boolean {
    return now.getTime() >= Date.parse(`${exemption.expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
}

/** The exemptions of the current run and which of them matched a violation. */
class ExemptionRegistry {
    private exemptions: readonly Exemption[] = [];
    private readonly used = new Set<Exemption>();
    private signature = "";

    load(value: unknown): void {
        const signature = JSON.stringify(value ?? []);
        if (signature !== this.signature) {
            this.exemptions = parseExemptions(value);
            this.used.clear();
            this.signature = signature;
        }
    }

    find(policy: string, urn: string): Exemption | undefined {
        const found = this.exemptions.find((e) => e.policy === policy && exemptionMatches(e.resource, urn));
        if (found !== undefined) {
            this.used.add(found);
        }
        return found;
    }

    unused(): Exemption[] {
        return this.exemptions.filter((e) => !this.used.has(e));
    }
}

const registry = new ExemptionRegistry();

// The server accepts a violation object whose enforcementLevel overrides the policy's level
// (server.js makeReportViolationFun); the published type only declares the string form.
type ViolationObject = { message?: string; urn?: string; enforcementLevel?: EnforcementLevel; description?: string };
type ReportAny = (violation: string | ViolationObject, urn?: string) => void;

/** The line the gate recognises in an exempted violation's message. */
export function exemptedLine(exemption: Exemption): string {
    return `Exempted until ${exemption.expires}: ${exemption.reason}`;
}

function exemptingReporter(policy: Policy, report: ReportViolation, fallbackUrn: string | undefined, now: () => Date): ReportViolation {
    const reportAny = report as unknown as ReportAny;
    return ((violation: string | ViolationObject, urn?: string) => {
        const message = typeof violation === "string" ? violation : (violation.message ?? "");
        const target = (typeof violation === "string" ? urn : violation.urn) ?? fallbackUrn;
        const exemption = target === undefined ? undefined : registry.find(policy.name, target);
        if (exemption === undefined) {
            reportAny(violation, urn);
            return;
        }
        const body = typeof violation === "string" ? `${policy.description}\n${message}` : message;
        if (isExpired(exemption, now())) {
            const expired = `${body}\nThe exemption for this resource expired on ${exemption.expires} (${exemption.reason}); renew it or fix the resource.`;
            reportAny(typeof violation === "string" ? { message: expired, urn: target } : { ...violation, message: expired, urn: target });
            return;
        }
        reportAny({ message: `${body}\n${exemptedLine(exemption)}`, urn: target, enforcementLevel: "advisory" });
    }) as ReportViolation;
}

/** The policy with its reports passed through the exemptions. */
export function withExemptions(policy: Policy, now: () => Date = () => new Date()): Policy {
    const wrapped = { ...policy } as Policy & Partial<ResourceValidationPolicy> & Partial<StackValidationPolicy>;
    const original = policy as Partial<ResourceValidationPolicy> & Partial<StackValidationPolicy>;
    const validateResource = original.validateResource;
    if (validateResource !== undefined) {
        const validations = Array.isArray(validateResource) ? validateResource : [validateResource];
        const exempting = validations.map((validation) => {
            const each = (args: ResourceValidationArgs, report: ReportViolation) =>
                validation(args, exemptingReporter(policy, report, args.urn, now));
            // validateResourceOfType tags its function with the type it checks; keep the tag.
            return Object.assign(each, validation);
        });
        wrapped.validateResource = Array.isArray(validateResource) ? exempting : exempting[0];
    }
    const validateStack = original.validateStack;
    if (validateStack !== undefined) {
        wrapped.validateStack = Object.assign(
            (args: StackValidationArgs, report: ReportViolation) => validateStack(args, exemptingReporter(policy, report, undefined, now)),
            validateStack,
        );
    }
    return wrapped;
}

const exemptionsSchema: PolicyConfigSchema["properties"] = {
    exemptions: {
        type: "array",
        description: "Per-resource exemptions: { policy, resource (URN, type or name glob), reason, expires (YYYY-MM-DD) }.",
        items: {
            type: "object",
            properties: {
                policy: { type: "string" },
                resource: { type: "string" },
                reason: { type: "string" },
                expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
            },
            required: ["policy", "resource", "reason", "expires"],
        },
        default: [],
    },
};

const loadFrom = (args: { getConfig<T extends object>(): T }): void => registry.load(args.getConfig<{ exemptions?: unknown }>().exemptions);

/** First in the pack: holds the exemptions and loads them before any other policy runs. */
export const policyExemptions = {
    name: exemptionsPolicyName,
    description: "Per-resource exemptions from the other policies: each must name a policy, a resource, a reason and an expiry date.",
    enforcementLevel: "advisory",
    configSchema: { properties: exemptionsSchema },
    validateResource: (args: ResourceValidationArgs) => loadFrom(args),
    validateStack: (args: StackValidationArgs) => loadFrom(args),
} satisfies ResourceValidationPolicy & StackValidationPolicy;

/** Last in the pack: reports exemptions that matched no violation (stale), never blocking. */
export const policyExemptionsUnused: StackValidationPolicy = {
    name: unusedExemptionsPolicyName,
    description: "An exemption that matches no violation of the stack is stale and must be removed.",
    enforcementLevel: "advisory",
    validateStack: (_args, report) => {
        for (const exemption of registry.unused()) {
            (report as unknown as ReportAny)({
                message: `Exemption of '${exemption.resource}' from ${exemption.policy} (${exemption.reason}) matches no violation of this stack; it is stale: remove it.`,
                enforcementLevel: "advisory",
            });
        }
    },
};

/** The pack's policies with exemptions applied: the loader first, each policy wrapped, the stale report last. */
export function exemptable(policies: Policies): Policies {
    return [policyExemptions, ...policies.map((p) => withExemptions(p)), policyExemptionsUnused];
}
