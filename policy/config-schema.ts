import { Policies } from "@pulumi/policy";

/** The levels a policy config file may give a policy. */
const LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

/**
 * The JSON Schema (draft-07) of a policy config file for this pack, as `pulumi preview
 * --policy-pack-config` and `pulumi policy enable --config` take it: per policy, a level or an
 * object with `enforcementLevel` and the policy's own settings; "all" sets every policy's level.
 * Shipped as config/schema.json with the pack, so a platform team can validate its config files
 * before enabling the pack; a test keeps the file equal to what the policies declare.
 */
export function packConfigSchema(policies: Policies): Record<string, unknown> {
    const level = { type: "string", enum: LEVELS };
    const properties: Record<string, unknown> = { all: level };
    for (const policy of policies) {
        properties[policy.name] = {
            description: policy.description,
            oneOf: [
                level,
                {
                    type: "object",
                    properties: { enforcementLevel: level, ...(policy.configSchema?.properties ?? {}) },
                    additionalProperties: false,
                },
            ],
        };
    }
    return {
        $schema: "http://json-schema.org/draft-07/schema#",
        title: "escalation-pipeline policy pack configuration",
        type: "object",
        properties,
        additionalProperties: false,
    };
}
