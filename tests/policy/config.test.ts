import * as assert from "node:assert/strict";
import { ConfigProperty, PolicyConfigError, resolveConfig } from "../../policy/config";

const schema: Record<string, ConfigProperty> = {
    lowerBound: { type: "integer", minimum: 1, maximum: 1000, default: 3 },
    mode: { type: "string", enum: ["violation", "advisory"], default: "violation" },
};

describe("policy config", () => {
    it("fills every unset setting from its schema default", () => {
        const config = resolveConfig("p", schema, {});

        assert.deepEqual(config, { lowerBound: 3, mode: "violation" });
    });

    it("keeps a configured value over the default", () => {
        const config = resolveConfig<{ lowerBound: number }>("p", schema, { lowerBound: 2 });

        assert.equal(config.lowerBound, 2);
    });

    it("rejects a value out of range, naming the setting, the range and the value", () => {
        const resolve = () => resolveConfig("p", schema, { lowerBound: 0 });

        assert.throws(
            resolve,
            (error: Error) =>
                error instanceof PolicyConfigError &&
                error.message === "Policy 'p' setting 'lowerBound' must be an integer between 1 and 1000; 0 given.",
        );
    });

    it("rejects a value outside its enum", () => {
        const resolve = () => resolveConfig("p", schema, { mode: "ignore" });

        assert.throws(resolve, /setting 'mode' must be one of "violation", "advisory"; "ignore" given/);
    });

    it("rejects a setting the policy does not have", () => {
        const resolve = () => resolveConfig("p", schema, { lowerbound: 2 });

        assert.throws(resolve, /Policy 'p' has no setting 'lowerbound'; its settings are: lowerBound, mode/);
    });
});
