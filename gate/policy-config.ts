// Policy pack config as the Pulumi CLI builds it (pkg/resource/analyzer/config.go): each policy's
// schema defaults and enforcement level, then the pack's initial config, then the config file,
// where "all" sets every policy's level; the result is checked against each policy's schema.
import * as fs from "fs";
import { GateUsageError } from "./errors";
import { JsonSchema, validateJson } from "./json-schema";

export const enforcementLevels = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof enforcementLevels)[number];

export interface PolicyConfigEntry {
    readonly enforcementLevel?: EnforcementLevel;
    readonly properties?: Readonly<Record<string, unknown>>;
}
export type PolicyConfigMap = Readonly<Record<string, PolicyConfigEntry>>;

/** What the pack says about one policy in GetAnalyzerInfo. */
export interface PolicyDescription {
    readonly name: string;
    readonly description?: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly configSchema?: { readonly properties: Readonly<Record<string, JsonSchema>>; readonly required: readonly string[] };
}

export interface ResolvedPolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Readonly<Record<string, unknown>>;
}

function isEnforcementLevel(value: unknown): value is EnforcementLevel {
    return (enforcementLevels as readonly unknown[]).includes(value);
}

function levelOf(value: unknown, where: string): EnforcementLevel {
    if (!isEnforcementLevel(value)) {
        throw new GateUsageError(`${where} must be one of ${enforcementLevels.join(", ")}, ${JSON.stringify(value)} given`);
    }
    return value;
}

/** Parses a policy config document: `{ "<policy>": "<level>" | { enforcementLevel?, ...properties } }`. */
export function parsePolicyConfig(text: string, source: string): PolicyConfigMap {
    if (text.trim() === "") {
        return {};
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new GateUsageError(`policy config ${source} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        throw new GateUsageError(`policy config ${source} must be a JSON object keyed by policy name`);
    }
    const result: Record<string, PolicyConfigEntry> = {};
    for (const [name, value] of Object.entries(doc)) {
        const where = `'${name}' in ${source}`;
        if (typeof value === "string") {
            result[name] = { enforcementLevel: levelOf(value, where) };
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            result[name] = {
                enforcementLevel: enforcementLevel === undefined ? undefined : levelOf(enforcementLevel, `'enforcementLevel' of ${where}`),
                properties: Object.keys(properties).length > 0 ? properties : undefined,
            };
        } else {
            throw new GateUsageError(`${where} must be an enforcement level or an object, ${JSON.stringify(value)} given`);
        }
    }
    return result;
}

export function readPolicyConfigFile(file: string): PolicyConfigMap {
    if (!fs.existsSync(file)) {
        throw new GateUsageError(`policy config file ${file} does not exist; '--policy-config' must name a JSON file`);
    }
    return parsePolicyConfig(fs.readFileSync(file, "utf8"), file);
}

function schemaDefaults(policy: PolicyDescription): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if ("default" in schema) {
            defaults[key] = schema.default;
        }
    }
    return defaults;
}

function applyConfig(result: Map<string, ResolvedPolicyConfig>, given: PolicyConfigMap, fallbackLevel: EnforcementLevel): void {
    const allLevel = given.all?.enforcementLevel;
    if (allLevel !== undefined) {
        for (const [name, entry] of result) {
            result.set(name, { ...entry, enforcementLevel: allLevel });
        }
    }
    for (const [name, entry] of Object.entries(given)) {
        const current = result.get(name);
        result.set(name, {
            enforcementLevel: entry.enforcementLevel ?? current?.enforcementLevel ?? fallbackLevel,
            properties: { ...current?.properties, ...entry.properties },
        });
    }
}

export interface ReconciledConfig {
    readonly config: ReadonlyMap<string, ResolvedPolicyConfig>;
    /** Schema violations, one per line, "<policy>: <problem>". */
    readonly errors: readonly string[];
    /** Names in the config file that are no policy of the pack (likely typos). */
    readonly unknownNames: readonly string[];
}

export function reconcilePolicyConfig(
    policies: readonly PolicyDescription[],
    initialConfig: PolicyConfigMap,
    fileConfig: PolicyConfigMap,
): ReconciledConfig {
    const result = new Map<string, ResolvedPolicyConfig>();
    for (const policy of policies) {
        result.set(policy.name, { enforcementLevel: policy.enforcementLevel, properties: schemaDefaults(policy) });
    }
    applyConfig(result, initialConfig, "advisory");
    applyConfig(result, fileConfig, "advisory");
    result.delete("all");

    const errors: string[] = [];
    for (const policy of policies) {
        const schema = policy.configSchema;
        if (schema) {
            const asObject: JsonSchema = { type: "object", properties: schema.properties, required: schema.required };
            const properties = result.get(policy.name)?.properties ?? {};
            errors.push(...validateJson(asObject, properties).map((e) => `${policy.name}: ${e}`));
        }
    }
    const known = new Set(policies.map((p) => p.name));
    const unknownNames = Object.keys(fileConfig).filter((name) => name !== "all" && !known.has(name));
    return { config: result, errors, unknownNames };
}
