import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { StackIndex } from "../../policy/stack-index";
import { createStackValidationArgs, FakeResource, fakeResource, UNKNOWN } from "./helpers/args";
import { buildLane, unknownAliasOf, mappingThroughAlias } from "./helpers/lane";

const noPolicy: StackValidationPolicy = { name: "none", description: "none", validateStack: () => undefined };

function indexOf(resources: readonly FakeResource[]) {
    const args = createStackValidationArgs(noPolicy, resources);
    return { index: new StackIndex(args.resources), resources: args.resources };
}

describe("stack index", () => {
    it("links a mapping to its queue and function through propertyDependencies when both ARNs are unknown", () => {
        const lane = buildLane({ mapping: { eventSourceArn: UNKNOWN, functionName: UNKNOWN } });
        const { index } = indexOf(lane.resources);

        const [link] = index.mappings;

        assert.deepEqual(
            [link.queue.kind === "resource" && link.queue.resource.name, link.function.kind === "resource" && link.function.resource.name],
            ["pager", "pager-fn"],
        );
    });

    it("prefers the property dependency over a value naming another queue", () => {
        const lane = buildLane({ mapping: { eventSourceArn: "arn:aws:sqs:eu-west-1:123456789012:pager-dlq" } });
        const { index } = indexOf(lane.resources);

        const [link] = index.mappings;

        assert.equal(link.queue.kind === "resource" && link.queue.resource.name, "pager");
    });

    it("links by the ARN's queue name and the function's name when no dependency is recorded", () => {
        const lane = buildLane({ linkByValueOnly: true, mapping: { functionName: "pager-fn" } });
        const { index } = indexOf(lane.resources);

        const [link] = index.mappings;

        assert.deepEqual(
            [link.queue.kind === "resource" && link.queue.resource.name, link.function.kind === "resource" && link.function.resource.name],
            ["pager", "pager-fn"],
        );
    });

    it("falls back to the only dependency of the right type when no property dependencies are reported", () => {
        const queue = fakeResource(aws.sqs.Queue, "q", { name: "q" });
        const mapping = fakeResource(
            aws.lambda.EventSourceMapping,
            "m",
            { eventSourceArn: UNKNOWN, functionName: "f" },
            { dependencies: [queue] },
        );
        const { index } = indexOf([queue, mapping]);

        const [link] = index.mappings;

        assert.equal(link.queue.kind === "resource" && link.queue.resource.name, "q");
    });

    it("marks a queue ARN outside the stack as external", () => {
        const mapping = fakeResource(aws.lambda.EventSourceMapping, "m", {
            eventSourceArn: "arn:aws:sqs:eu-west-1:123456789012:elsewhere",
            functionName: "f",
        });
        const { index } = indexOf([mapping]);

        const [link] = index.mappings;

        assert.deepEqual(link.queue, { kind: "external", reference: "arn:aws:sqs:eu-west-1:123456789012:elsewhere" });
    });

    it("finds dead-letter queues through redrives", () => {
        const lane = buildLane();
        const { index } = indexOf(lane.resources);

        const names = index.deadLetterQueues.map((queue) => queue.name);

        assert.deepEqual(names, ["pager-dlq"]);
    });

    it("groups queue policies by the queue they protect", () => {
        const lane = buildLane();
        const { index } = indexOf(lane.resources);

        const names = (index.queuePolicies.byTarget.get(lane.dlq.urn) ?? []).map((policy) => policy.name);

        assert.deepEqual(names, ["pager-dlq-policy"]);
    });
});

describe("stack index: a mapping's function through aliases and qualifiers", () => {
    function functionOf(resources: readonly FakeResource[]): string | undefined {
        const { index } = indexOf(resources);
        const link = index.mappings[0].function;
        return link.kind === "resource" ? link.resource.name : link.kind;
    }

    it("follows an aws.lambda.Alias ARN (unknown at preview) to the alias's function", () => {
        const lane = buildLane();
        const alias = unknownAliasOf(lane.fn);
        const mapping = mappingThroughAlias(lane, alias);

        const name = functionOf([...lane.resources.filter((r) => r !== lane.mapping), alias, mapping]);

        assert.equal(name, "pager-fn");
    });

    for (const reference of [
        "pager-fn:live",
        "123456789012:function:pager-fn:live",
        "arn:aws:lambda:eu-west-1:123456789012:function:pager-fn:7",
    ]) {
        it(`parses the qualified reference ${reference} as AWS does`, () => {
            const lane = buildLane({ linkByValueOnly: true, mapping: { functionName: reference } });

            const name = functionOf(lane.resources);

            assert.equal(name, "pager-fn");
        });
    }
});

describe("stack index: a reference the engine says came from another kind of resource", () => {
    it("leads nowhere when a mapping's unknown eventSourceArn came from a Kinesis stream", () => {
        const stream = fakeResource(aws.kinesis.Stream, "clicks", { name: "clicks", shardCount: 1 });
        const lane = buildLane();
        const mapping = fakeResource(
            aws.lambda.EventSourceMapping,
            "clicks-mapping",
            { eventSourceArn: UNKNOWN, functionName: "pager-fn", startingPosition: "LATEST" },
            { propertyDependencies: { eventSourceArn: [stream], functionName: [lane.fn] } },
        );
        const { index } = indexOf([...lane.resources, stream, mapping]);

        const link = index.mappings.find((m) => m.mapping.name === "clicks-mapping")?.queue;

        assert.deepEqual(link, { kind: "absent" });
    });

    it("stays unknown when the value came from another stack (a StackReference)", () => {
        const shared = {
            type: "pulumi:pulumi:StackReference",
            name: "shared",
            urn: "urn:pulumi:test::p::pulumi:pulumi:StackReference::shared",
            props: {},
            links: {},
        };
        const mapping = fakeResource(
            aws.lambda.EventSourceMapping,
            "m",
            { eventSourceArn: UNKNOWN, functionName: "f" },
            { propertyDependencies: { eventSourceArn: [shared] } },
        );
        const { index } = indexOf([shared, mapping]);

        const [link] = index.mappings;

        assert.equal(link.queue.kind, "unknown");
    });
});
