/**
 * The local queues are the component's queues: every attribute and policy the component registers
 * (under Pulumi mocks) is what the local runtime creates on the emulator, ARNs aside (the mocks'
 * account is the gate's placeholder, the emulator's is 000000000000).
 */
import { GetQueueAttributesCommand, ListQueueTagsCommand } from "@aws-sdk/client-sqs";
import * as assert from "node:assert/strict";
import { EscalationPipeline } from "../../pipeline";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import type { PipelineOptions } from "../../pipeline/options";
import { LOCAL_ACCOUNT_ID } from "../../local/lambda/lambda-context";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime";
import { ResourceTypes } from "../helpers/pipeline-fixture";
import { runWithMocks, TEST_ACCOUNT_ID, TEST_REGION, type MockResource } from "../helpers/pulumi-mocks";

const OPTIONS: PipelineOptions = {
    escalation: { functionTimeoutSeconds: 7, batchingWindowSeconds: 2, maxReceiveCount: 4 },
    toolCall: { functionTimeoutSeconds: 9, deduplication: "contentBased", highThroughput: true },
};
const NAME_PREFIX = "parity";
const TAGS = { team: "platform" };

/** The component's queue inputs as the SQS attributes they become (the provider's mapping). */
const ATTRIBUTE_OF_INPUT: Readonly<Record<string, string>> = {
    fifoQueue: "FifoQueue",
    contentBasedDeduplication: "ContentBasedDeduplication",
    deduplicationScope: "DeduplicationScope",
    fifoThroughputLimit: "FifoThroughputLimit",
    visibilityTimeoutSeconds: "VisibilityTimeout",
    messageRetentionSeconds: "MessageRetentionPeriod",
    receiveWaitTimeSeconds: "ReceiveMessageWaitTimeSeconds",
    maxMessageSize: "MaximumMessageSize",
    redrivePolicy: "RedrivePolicy",
    redriveAllowPolicy: "RedriveAllowPolicy",
    sqsManagedSseEnabled: "SqsManagedSseEnabled",
    kmsMasterKeyId: "KmsMasterKeyId",
};
const JSON_ATTRIBUTES = new Set(["RedrivePolicy", "RedriveAllowPolicy", "Policy"]);

function normalise(name: string, value: string): unknown {
    const text = value.replaceAll(TEST_ACCOUNT_ID, LOCAL_ACCOUNT_ID);
    return JSON_ATTRIBUTES.has(name) ? JSON.parse(text) : text;
}

interface QueueShape {
    readonly attributes: Record<string, unknown>;
    readonly tags: Record<string, string>;
}

async function componentQueues(): Promise<Record<string, QueueShape>> {
    const { stack } = await runWithMocks(() => new EscalationPipeline("main", { options: OPTIONS, namePrefix: NAME_PREFIX, tags: TAGS }));
    const policies = stack.ofType(ResourceTypes.queuePolicy);
    const queues: Record<string, QueueShape> = {};
    for (const queue of stack.ofType(ResourceTypes.queue)) {
        const name = String(queue.inputs.name);
        const attributes: Record<string, unknown> = {};
        for (const [input, attribute] of Object.entries(ATTRIBUTE_OF_INPUT)) {
            if (queue.inputs[input] !== undefined) {
                attributes[attribute] = normalise(attribute, String(queue.inputs[input]));
            }
        }
        const policy = policies.find((candidate: MockResource) => String(candidate.inputs.queueUrl).endsWith(`/${name}`));
        attributes.Policy = policy === undefined ? undefined : normalise("Policy", String(policy.inputs.policy));
        queues[name] = { attributes, tags: queue.inputs.tags as Record<string, string> };
    }
    return queues;
}

describe("local queues against the component's", function () {
    this.timeout(60_000);
    let runtime: LocalRuntime;

    before(async () => {
        runtime = await startLocalRuntime({
            settings: resolvePipelineSettings(OPTIONS),
            namePrefix: NAME_PREFIX,
            tags: TAGS,
            region: TEST_REGION,
            startConsumers: false,
        });
    });
    after(async () => {
        await runtime.stop();
    });

    it("gives every lane queue the attributes, the TLS-only policy and the tags the component registers", async () => {
        // Prepare
        const expected = await componentQueues();

        // Act
        const actual: Record<string, QueueShape> = {};
        for (const lane of Object.values(runtime.lanes)) {
            for (const queueUrl of [lane.queueUrl, lane.deadLetterQueueUrl]) {
                const { Attributes = {} }: { Attributes?: Record<string, string> } = await runtime.sqs.send(
                    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }),
                );
                const { Tags = {} } = await runtime.sqs.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }));
                const name = queueUrl.split("/").pop()!;
                const attributeNames = Object.keys(expected[name]?.attributes ?? {});
                actual[name] = {
                    attributes: Object.fromEntries(
                        attributeNames.map((attribute) => [
                            attribute,
                            Attributes[attribute] === undefined ? undefined : normalise(attribute, Attributes[attribute]),
                        ]),
                    ),
                    tags: Tags,
                };
            }
        }

        // Assess: the lanes' queues (the alarm notifier's DLQ has no local counterpart: the notifier does not run locally)
        const expectedLaneQueues = Object.fromEntries(Object.entries(expected).filter(([name]) => name in actual));
        assert.deepEqual([Object.keys(expectedLaneQueues).length, actual], [4, expectedLaneQueues]);
    });

    it("puts the stack's region in queue ARNs, as the component does", async () => {
        // Act
        const { Attributes = {} } = await runtime.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: runtime.lanes.escalation.queueUrl, AttributeNames: ["QueueArn"] }),
        );

        // Assess
        assert.match(Attributes.QueueArn ?? "", new RegExp(`^arn:aws:sqs:${TEST_REGION}:`));
    });
});
