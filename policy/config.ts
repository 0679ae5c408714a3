import { PolicyConfigSchema } from "@pulumi/policy";

/** One property of a policy's configSchema (a JSON-schema subset the CLI validates too). */
export type ConfigProperty = PolicyConfigSchema["properties"][string];

/**
 * What a policy does when a value it needs is unknown at preview. "violation" (the default)
 * reports at the policy's own level, so a mandatory rule blocks; "advisory" reports but lets the
 * preview pass, for teams that accept unverified first previews.
 */
export const UnknownValueModes = { violation: "violation", advisory: "advisory" } as const;
export type UnknownValueMode = (typeof UnknownValueModes)[keyof typeof UnknownValueModes];

/** Settings every policy of the pack accepts. */
export interface CommonConfig {
    readonly unknownValues: UnknownValueMode;
}

export const commonConfigSchema: Readonly<Record<keyof CommonConfig, ConfigProperty>> = {
    unknownValues: {
        type: "string",
        enum: Object.values(UnknownValueModes),
        default: UnknownValueModes.violation,
        description: "How to report a value that is unknown at preview: 'violation' (at the policy's level) or 'advisory'.",
    },
};

export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

/**
 * The policy's settings: configured values over the schema's defaults, each checked against its
 * schema. The CLI validates `--policy-pack-config` too, but an analyzer driven by another client
 * (or configured with nothing) must still get complete, valid settings.
 */
export function resolveConfig<C>(
    policyName: string,
    schema: Readonly<Record<string, ConfigProperty>>,
    configured: Readonly<Record<string, unknown>>,
): C {
    for (const key of Object.keys(configured)) {
        if (!(key in schema)) {
            const settings = Object.keys(schema).join(", ");
            throw new PolicyConfigError(`Policy '${policyName}' has no setting '${key}'; its settings are: ${settings}.`);
        }
    }
    const resolved: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema)) {
        const value = configured[key] ?? property.default;
        checkValue(policyName, key, property, value);
        resolved[key] = value;
    }
    return resolved as C;
}

function checkValue(policyName: string, key: string, property: ConfigProperty, value: unknown): void {
    const setting = `Policy '${policyName}' setting '${key}'`;
    if (property.enum !== undefined && !property.enum.includes(value as never)) {
        const allowed = property.enum.map((v) => JSON.stringify(v)).join(", ");
        throw new PolicyConfigError(`${setting} must be one of ${allowed}; ${JSON.stringify(value)} given.`);
    }
    if (property.type === "integer" || property.type === "number") {
        const kind = property.type === "integer" ? "an integer" : "a number";
        const isNumber = typeof value === "number" && (property.type === "number" ? Number.isFinite(value) : Number.isInteger(value));
        const min = property.minimum ?? -Infinity;
        const max = property.maximum ?? Infinity;
        if (!isNumber || value < min || value > max) {
            throw new PolicyConfigError(`${setting} must be ${kind} between ${min} and ${max}; ${JSON.stringify(value)} given.`);
        }
    }
}
