import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { read, readOutput } from "../../policy/unknown-values";
import { createStackValidationArgs, fakeResource, FakeLinks, PropsOf, UNKNOWN } from "./helpers/args";

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
});
