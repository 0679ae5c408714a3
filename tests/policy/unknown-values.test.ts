import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isUnknownValueError, read, readOutput } from "../../policy/unknown-values";
import { createStackValidationArgs, fakeResource, FakeLinks, PropsOf, UNKNOWN } from "../helpers/policy-args";

const noPolicy: StackValidationPolicy = { name: "none", description: "none", validateStack: () => undefined };

/** The queue as a stack policy sees it, with other resources its links may name. */
function stackQueue(props: PropsOf<aws.sqs.QueueArgs>, links: (other: ReturnType<typeof fakeResource>) => FakeLinks = () => ({})) {
    const other = fakeResource(aws.lambda.Function, "fn", { role: "r" });
    const queue = fakeResource(aws.sqs.Queue, "q", props, links(other));
    return createStackValidationArgs(noPolicy, [queue, other]).resources[0];
}

describe("unknown value handling", () => {
    it("reads a known value", () => {
        const queue = stackQueue({ visibilityTimeoutSeconds: 60 });

        const reading = read(() => queue.props.visibilityTimeoutSeconds);

        assert.deepEqual(reading, { known: true, value: 60 });
    });

    it("turns the proxy's UnknownValueError into an unknown reading with the property path", () => {
        const queue = stackQueue({ visibilityTimeoutSeconds: UNKNOWN });

        const reading = read(() => queue.props.visibilityTimeoutSeconds);

        assert.deepEqual(reading, { known: false, path: "visibilityTimeoutSeconds" });
    });

    it("rethrows errors that are not about unknown values", () => {
        const failing = () =>
            read(() => {
                throw new RangeError("boom");
            });

        assert.throws(failing, RangeError);
    });

    it("reads an unknown output nobody set (no property dependency) as unset", () => {
        const queue = stackQueue({ policy: UNKNOWN, redrivePolicy: "{}" }, (other) => ({
            propertyDependencies: { redrivePolicy: [other] },
        }));

        const reading = readOutput(queue, () => queue.props.policy);

        assert.deepEqual(reading, { known: true, value: undefined });
    });

    it("keeps an unknown output with a property dependency unknown", () => {
        const queue = stackQueue({ policy: UNKNOWN }, (other) => ({ propertyDependencies: { policy: [other] } }));

        const reading = readOutput(queue, () => queue.props.policy);

        assert.deepEqual(reading, { known: false, path: "policy" });
    });

    it("stays strict when the producer reported dependencies but no property dependencies", () => {
        const queue = stackQueue({ policy: UNKNOWN }, (other) => ({ dependencies: [other] }));

        const reading = readOutput(queue, () => queue.props.policy);

        assert.equal(reading.known, false);
    });

    it("keeps a nested unknown unknown when its top-level property has a dependency", () => {
        const fn = fakeResource(aws.lambda.Function, "fn", { role: "r", loggingConfig: { logFormat: "JSON", logGroup: UNKNOWN } });
        const other = fakeResource(aws.cloudwatch.LogGroup, "logs", { name: "logs" });
        const resource = createStackValidationArgs(noPolicy, [
            { ...fn, links: { propertyDependencies: { loggingConfig: [other] } } },
            other,
        ]).resources[0];

        const reading = readOutput(resource, () => (resource.props.loggingConfig as { logGroup: unknown }).logGroup);

        assert.deepEqual(reading, { known: false, path: "loggingConfig.logGroup" });
    });

    it("reads an unknown output as unset on a resource that reports no dependencies of either kind", () => {
        const queue = stackQueue({ policy: UNKNOWN });
        const bare = { type: queue.type, name: queue.name, urn: queue.urn, props: queue.props } as unknown as PolicyResource;

        const reading = readOutput(bare, () => bare.props.policy);

        assert.deepEqual(reading, { known: true, value: undefined });
    });
});

describe("unknown value errors from another copy of @pulumi/policy", () => {
    /** An error shaped like the proxy's UnknownValueError but of another class, as a second copy in the tree throws. */
    function lookalike(fields: Record<string, unknown>): Error {
        return Object.assign(new Error("unknown"), fields);
    }

    it("recognises an Error with the property path and the sentinel", () => {
        assert.equal(isUnknownValueError(lookalike({ props: ["policy"], unknownTypeSentinel: UNKNOWN })), true);
    });

    it("reads such an error as an unknown reading with its path", () => {
        const reading = read(() => {
            throw lookalike({ props: ["loggingConfig", "logGroup"], unknownTypeSentinel: UNKNOWN });
        });

        assert.deepEqual(reading, { known: false, path: "loggingConfig.logGroup" });
    });

    it("does not take an Error without the sentinel for one", () => {
        assert.equal(isUnknownValueError(lookalike({ props: ["policy"] })), false);
    });

    it("does not take an Error whose sentinel is no string for one", () => {
        assert.equal(isUnknownValueError(lookalike({ props: ["policy"], unknownTypeSentinel: 1 })), false);
    });

    it("does not take an Error without a property path for one", () => {
        assert.equal(isUnknownValueError(lookalike({ unknownTypeSentinel: UNKNOWN })), false);
    });

    it("does not take a plain object of the same shape for one", () => {
        assert.equal(isUnknownValueError({ props: ["policy"], unknownTypeSentinel: UNKNOWN }), false);
    });

    it("does not take undefined for one", () => {
        assert.equal(isUnknownValueError(undefined), false);
    });
});
