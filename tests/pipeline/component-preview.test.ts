import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { buildPipeline, ResourceTypes } from "../helpers/pipeline-fixture";
import { MockResource, MockStack } from "../helpers/pulumi-mocks";

/**
 * On a brand-new stack's first `pulumi preview` every computed output (ARNs, URLs, ids) is
 * unknown. CrossGuard turns a mandatory policy that reads an unknown value into an advisory
 * "can't run" and the gate passes. These tests run the component in preview mode, where the
 * mocks return no computed outputs, and assert that every value the policy pack reads is known.
 */
function unknownPaths(value: unknown, path: string): string[] {
    if (pulumi.isUnknown(value)) {
        return [path];
    }
    if (Array.isArray(value)) {
        return value.flatMap((element, index) => unknownPaths(element, `${path}[${index}]`));
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([key, element]) => unknownPaths(element, `${path}.${key}`));
    }
    return [];
}

function assertKnown(resource: MockResource, properties: string[]): void {
    for (const property of properties) {
        assert.notEqual(resource.inputs[property], undefined, `${resource.name}.${property} is missing`);
        assert.deepEqual(unknownPaths(resource.inputs[property], `${resource.name}.${property}`), []);
    }
}

describe("values the policy pack reads are known at preview", () => {
    let stack: MockStack;

    before(async () => {
        // Reserved concurrency is optional; set it so the test sees it when it is there.
        const lane = { reservedConcurrency: 4, maximumConcurrency: 4 };
        ({ stack } = await buildPipeline(
            { options: { escalation: { ...lane, batchingWindowSeconds: 2 }, toolCall: lane } },
            { preview: true },
        ));
    });

    it("leaves computed outputs unknown, as a first preview does (the test would catch a leak)", () => {
        const topicArnInAlarm = stack.ofType(ResourceTypes.metricAlarm)[0].inputs.alarmActions;

        assert.notDeepEqual(unknownPaths(topicArnInAlarm, "alarmActions"), []);
    });

    it("knows every queue's name, visibility timeout and retention", () => {
        stack
            .ofType(ResourceTypes.queue)
            .forEach((queue) => assertKnown(queue, ["name", "visibilityTimeoutSeconds", "messageRetentionSeconds"]));
    });

    it("knows each source queue's redrive policy: DLQ ARN and maxReceiveCount", () => {
        const sources = stack.ofType(ResourceTypes.queue).filter((queue) => queue.inputs.redriveAllowPolicy === undefined);

        assert.equal(sources.length, 2);
        sources.forEach((queue) => assertKnown(queue, ["redrivePolicy"]));
    });

    it("knows each DLQ's redrive-allow policy", () => {
        stack
            .ofType(ResourceTypes.queue)
            .filter((queue) => queue.inputs.redrivePolicy === undefined)
            .forEach((dlq) => assertKnown(dlq, ["redriveAllowPolicy"]));
    });

    it("knows each function's name, timeout, role, reserved concurrency, tracing and logging", () => {
        stack
            .ofType(ResourceTypes.function)
            .forEach((fn) =>
                assertKnown(fn, ["name", "timeout", "role", "reservedConcurrentExecutions", "tracingConfig", "loggingConfig", "runtime"]),
            );
    });

    it("knows each mapping's queue ARN, function name, batch settings and concurrency", () => {
        const [standard, fifo] = stack.ofType(ResourceTypes.eventSourceMapping);

        assertKnown(standard, [
            "eventSourceArn",
            "functionName",
            "batchSize",
            "maximumBatchingWindowInSeconds",
            "functionResponseTypes",
            "scalingConfig",
        ]);
        assertKnown(fifo, ["eventSourceArn", "functionName", "batchSize", "functionResponseTypes", "scalingConfig"]);
    });

    it("knows each queue policy's target and document", () => {
        stack.ofType(ResourceTypes.queuePolicy).forEach((policy) => assertKnown(policy, ["queueUrl", "policy"]));
    });

    it("knows each role's name and inline policy", () => {
        stack.ofType(ResourceTypes.role).forEach((role) => assertKnown(role, ["name", "assumeRolePolicy"]));
        stack.ofType(ResourceTypes.rolePolicy).forEach((policy) => assertKnown(policy, ["role", "policy"]));
    });

    it("knows each consumer's role policy when the stack creates its key (whose ARN is unknown at preview)", async () => {
        const { stack: withKey } = await buildPipeline({ options: { encryption: "stackKey" } }, { preview: true });

        ["main-escalation-permissions", "main-tool-call-permissions"].forEach((name) => assertKnown(withKey.named(name), ["policy"]));
    });

    it("knows each alarm's metric and dimensions", () => {
        stack
            .ofType(ResourceTypes.metricAlarm)
            .forEach((alarm) => assertKnown(alarm, ["namespace", "metricName", "dimensions", "threshold"]));
    });

    it("knows each log group's name and retention", () => {
        stack.ofType(ResourceTypes.logGroup).forEach((logGroup) => assertKnown(logGroup, ["name", "retentionInDays"]));
    });
});
