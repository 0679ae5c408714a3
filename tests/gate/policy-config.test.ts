import * as assert from "node:assert/strict";
import { GateUsageError } from "../../gate/errors";
import { PolicyDescription, parsePolicyConfig, reconcilePolicyConfig } from "../../gate/policy-config";

const bounds: PolicyDescription = {
    name: "sqs-max-receive-count",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            lowerBound: { type: "integer", minimum: 1, maximum: 1000, default: 3 },
            upperBound: { type: "integer", minimum: 1, maximum: 1000, default: 5 },
        },
        required: [],
    },
};
const tracing: PolicyDescription = { name: "lambda-tracing-active", enforcementLevel: "advisory" };

describe("policy config (as the CLI reconciles it)", () => {
    it("starts from each policy's level and schema defaults", () => {
        const { config } = reconcilePolicyConfig([bounds, tracing], {}, {});

        assert.deepStrictEqual(Object.fromEntries(config), {
            "sqs-max-receive-count": { enforcementLevel: "mandatory", properties: { lowerBound: 3, upperBound: 5 } },
            "lambda-tracing-active": { enforcementLevel: "advisory", properties: {} },
        });
    });

    it("lets the file override one setting and keeps the other defaults", () => {
        const file = parsePolicyConfig('{ "sqs-max-receive-count": { "upperBound": 4 } }', "test.json");

        const { config } = reconcilePolicyConfig([bounds], {}, file);

        assert.deepStrictEqual(config.get("sqs-max-receive-count"), {
            enforcementLevel: "mandatory",
            properties: { lowerBound: 3, upperBound: 4 },
        });
    });

    it("applies 'all' to every policy, then per-policy levels over it", () => {
        const file = parsePolicyConfig('{ "all": "mandatory", "sqs-max-receive-count": "advisory" }', "test.json");

        const { config } = reconcilePolicyConfig([bounds, tracing], {}, file);

        assert.deepStrictEqual(
            [config.get("sqs-max-receive-count")?.enforcementLevel, config.get("lambda-tracing-active")?.enforcementLevel],
            ["advisory", "mandatory"],
        );
    });

    it("reports values that break the schema with the policy, the setting, the limit and the value", () => {
        const file = parsePolicyConfig('{ "sqs-max-receive-count": { "upperBound": 0 } }', "test.json");

        const { errors } = reconcilePolicyConfig([bounds], {}, file);

        assert.deepStrictEqual(errors, ["sqs-max-receive-count: upperBound must be >= 1, 0 given"]);
    });

    it("names config entries for policies the pack does not have", () => {
        const file = parsePolicyConfig('{ "sqs-max-recieve-count": "mandatory" }', "test.json");

        const { unknownNames } = reconcilePolicyConfig([bounds], {}, file);

        assert.deepStrictEqual(unknownNames, ["sqs-max-recieve-count"]);
    });

    it("rejects an enforcement level that does not exist, naming the allowed ones", () => {
        assert.throws(
            () => parsePolicyConfig('{ "lambda-tracing-active": "strict" }', "test.json"),
            (err: Error) =>
                err instanceof GateUsageError &&
                err.message ===
                    "'lambda-tracing-active' in test.json must be one of advisory, mandatory, remediate, disabled, \"strict\" given",
        );
    });
});
