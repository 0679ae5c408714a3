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

    it("names the error class PolicyConfigError", () => {
        const resolve = () => resolveConfig("p", schema, { lowerBound: 0 });

        assert.throws(resolve, { name: "PolicyConfigError" });
    });

    it("accepts a value at the minimum", () => {
        const config = resolveConfig<{ lowerBound: number }>("p", schema, { lowerBound: 1 });

        assert.equal(config.lowerBound, 1);
    });

    it("rejects a value above the maximum", () => {
        const resolve = () => resolveConfig("p", schema, { lowerBound: 1001 });

        assert.throws(resolve, /setting 'lowerBound' must be an integer between 1 and 1000; 1001 given/);
    });

    it("rejects a fraction where an integer is required", () => {
        const resolve = () => resolveConfig("p", schema, { lowerBound: 1.5 });

        assert.throws(resolve, /setting 'lowerBound' must be an integer between 1 and 1000; 1.5 given/);
    });

    it("rejects a string where an integer is required", () => {
        const resolve = () => resolveConfig("p", schema, { lowerBound: "2" });

        assert.throws(resolve, /setting 'lowerBound' must be an integer between 1 and 1000; "2" given/);
    });
});

describe("policy config: number settings", () => {
    const numbers: Record<string, ConfigProperty> = { ratio: { type: "number", minimum: 0, maximum: 1, default: 0.5 } };
    const unbounded: Record<string, ConfigProperty> = { offset: { type: "number", default: 0 } };

    it("accepts a fraction for a number setting", () => {
        const config = resolveConfig<{ ratio: number }>("p", numbers, { ratio: 0.25 });

        assert.equal(config.ratio, 0.25);
    });

    it("rejects a number setting out of range, saying 'a number'", () => {
        const resolve = () => resolveConfig("p", numbers, { ratio: 2 });

        assert.throws(resolve, /^PolicyConfigError: Policy 'p' setting 'ratio' must be a number between 0 and 1; 2 given\.$/);
    });

    it("rejects a string for a number setting", () => {
        const resolve = () => resolveConfig("p", numbers, { ratio: "0.5" });

        assert.throws(resolve, /setting 'ratio' must be a number between 0 and 1; "0.5" given/);
    });

    it("rejects NaN for a number setting", () => {
        const resolve = () => resolveConfig("p", unbounded, { offset: Number.NaN });

        assert.throws(resolve, /setting 'offset' must be a number between -Infinity and Infinity/);
    });

    it("accepts any finite number when no bounds are given", () => {
        const config = resolveConfig<{ offset: number }>("p", unbounded, { offset: -5 });

        assert.equal(config.offset, -5);
    });
});
