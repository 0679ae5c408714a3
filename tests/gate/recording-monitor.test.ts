// The recording monitor keeps what the engine would hand a policy pack: parent, dependencies,
// property dependencies, and, in preview, outputs that are not known yet.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { rootStackType, unknownValue } from "../../gate/recorded-stack";
import { recordInline, resourceNamed, unitProject, unitStack } from "./helpers/record-inline";

/** The 1-based line of this file on which `text` first appears: the expectation follows the source, not a number kept by hand. */
function lineOf(text: string): number {
    const index = readFileSync(__filename, "utf8")
        .split("\n")
        .findIndex((line) => line.includes(text));
    assert.ok(index >= 0, `${text} is not in ${__filename}`);
    return index + 1;
}

class Lane extends pulumi.ComponentResource {
    constructor(name: string, topic: aws.sns.Topic, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Lane", name, {}, opts);
        const dlq = new aws.sqs.Queue(`${name}-dlq`, { name: `${name}-dlq` }, { parent: this });
        const key = new aws.kms.Key(`${name}-key`, {}, { parent: this });
        const queue = new aws.sqs.Queue(
            `${name}-queue`,
            {
                name: pulumi.interpolate`${name}-${aws.getRegionOutput().region}`,
                redrivePolicy: dlq.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 })),
                kmsMasterKeyId: key.arn,
            },
            { parent: this, dependsOn: [topic] },
        );
        new aws.sqs.Queue(`${name}-audit`, { fifoQueue: true }, { parent: this });
        this.registerOutputs({ queueName: queue.name });
    }
}

function laneProgram(): void {
    const topic = new aws.sns.Topic("alarms", { name: "alarms" });
    new Lane("orders", topic);
    aws.sqs.Queue.get("legacy", "https://sqs.eu-central-1.amazonaws.com/123456789012/legacy");
}

describe("recording monitor (preview mocks)", function () {
    this.timeout(60_000);

    it("records the root stack first, without a parent", async () => {
        const stack = await recordInline(laneProgram);

        assert.deepStrictEqual(
            { type: stack.resources[0].type, urn: stack.resources[0].urn, parent: stack.resources[0].parent },
            {
                type: rootStackType,
                urn: `urn:pulumi:${unitStack}::${unitProject}::${rootStackType}::${unitProject}-${unitStack}`,
                parent: undefined,
            },
        );
    });

    it("records a child's parent and builds its URN from the parent's type, as the engine does", async () => {
        const stack = await recordInline(laneProgram);

        const dlq = resourceNamed(stack, "orders-dlq");
        assert.deepStrictEqual(
            { parent: dlq.parent, urn: dlq.urn },
            {
                parent: resourceNamed(stack, "orders").urn,
                urn: `urn:pulumi:${unitStack}::${unitProject}::test:index:Lane$aws:sqs/queue:Queue::orders-dlq`,
            },
        );
    });

    it("records explicit dependsOn among the dependencies", async () => {
        const stack = await recordInline(laneProgram);

        assert.ok(resourceNamed(stack, "orders-queue").dependencies.includes(resourceNamed(stack, "alarms").urn));
    });

    it("records which resources each input came from (property dependencies)", async () => {
        const stack = await recordInline(laneProgram);

        assert.deepStrictEqual(resourceNamed(stack, "orders-queue").propertyDependencies.redrivePolicy, [
            resourceNamed(stack, "orders-dlq").urn,
        ]);
    });

    it("leaves a computed output it does not model unknown, so an input built from it is the unknown sentinel", async () => {
        const stack = await recordInline(laneProgram);

        assert.strictEqual(resourceNamed(stack, "orders-queue").inputs.kmsMasterKeyId, unknownValue);
    });

    it("knows a queue's arn from its name, as the provider computes it, so a redrive built from it is judged", async () => {
        const stack = await recordInline(laneProgram);

        assert.strictEqual(
            resourceNamed(stack, "orders-queue").inputs.redrivePolicy,
            JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:eu-central-1:123456789012:orders-dlq", maxReceiveCount: 5 }),
        );
    });

    it("gives a queue without a name the auto-name Pulumi would (logical name, 7-character suffix, .fifo for FIFO)", async () => {
        const stack = await recordInline(laneProgram);

        assert.match(String(resourceNamed(stack, "orders-audit").inputs.name), /^orders-audit-[0-9a-f]{7}\.fifo$/);
    });

    it("records where the program constructed each resource (file and line)", async () => {
        const stack = await recordInline(laneProgram);

        assert.deepStrictEqual(
            [resourceNamed(stack, "alarms").sourcePosition?.file, resourceNamed(stack, "alarms").sourcePosition?.line],
            [__filename, lineOf('new aws.sns.Topic("alarms"')],
        );
    });

    it("answers the region invoke from the aws:region config", async () => {
        const stack = await recordInline(laneProgram, { "aws:region": "ap-southeast-2" });

        assert.strictEqual(resourceNamed(stack, "orders-queue").inputs.name, "orders-ap-southeast-2");
    });

    it("records what a component registers as its outputs", async () => {
        const stack = await recordInline(laneProgram);

        assert.deepStrictEqual(resourceNamed(stack, "orders").outputs, { queueName: "orders-eu-central-1" });
    });

    it("records a resource read with .get as a read, not a registration", async () => {
        const stack = await recordInline(laneProgram);

        assert.strictEqual(resourceNamed(stack, "legacy").kind, "read");
    });
});
