// The queue rules on redrives whose ends are not both queues of the stack (unknown at preview,
// outside the stack), on values unknown at preview, and on the edges of what each rule reads.
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { lambdaEsmFifoBatching } from "../../policy/event-source-mapping";
import {
    sqsDlqAdmitsSource,
    sqsDlqMessageSizeNotSmaller,
    sqsDlqRetentionLonger,
    sqsDlqSameType,
    sqsMaxReceiveCount,
    sqsQueueEncryptedAtRest,
    sqsQueueHasDlq,
    sqsRedriveNoCycle,
} from "../../policy/sqs";
import { fakeResource, foreignResource, runResourcePolicy, runStackPolicy, UNKNOWN } from "./helpers/args";
import { assertNoViolations, assertOnlyViolation, assertViolation } from "./helpers/assertions";
import { buildLane, queueArn, queueUrl, laneWithUnknown } from "./helpers/lane";

const redrive = (target: string, maxReceiveCount = 5) => JSON.stringify({ deadLetterTargetArn: target, maxReceiveCount });
const byQueue = (...arns: string[]) => JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: arns });
const stackReference = foreignResource("pulumi:pulumi:StackReference", "shared");
/** An aws.sqs.RedrivePolicy onto the lane's DLQ whose source queue comes from another stack (unknown at preview). */
const redriveFromStackReference = (maxReceiveCount?: number) =>
    fakeResource(
        aws.sqs.RedrivePolicy,
        "shared-redrive",
        { queueUrl: UNKNOWN, redrivePolicy: redrive(queueArn("pager-dlq"), maxReceiveCount) },
        { propertyDependencies: { queueUrl: [stackReference] } },
    );

/** The rules that judge a redrive by both of its queues. */
const pairRules: readonly StackValidationPolicy[] = [
    sqsDlqSameType,
    sqsDlqRetentionLonger,
    sqsDlqMessageSizeNotSmaller,
    sqsRedriveNoCycle,
    sqsDlqAdmitsSource,
];

describe("queue rules: a redrive whose source queue is unknown at preview", () => {
    for (const rule of pairRules) {
        it(`${rule.name} passes over it`, async () => {
            const lane = buildLane({ dlq: { redriveAllowPolicy: byQueue(queueArn("pager")) } });
            const holder = redriveFromStackReference();

            const violations = await runStackPolicy(rule, [...lane.resources, stackReference, holder]);

            assertNoViolations(violations);
        });
    }

    it("sqs-max-receive-count gives no Lambda advice on it", async () => {
        const lane = buildLane();
        const holder = redriveFromStackReference(4);

        const violations = await runStackPolicy(sqsMaxReceiveCount, [...lane.resources, stackReference, holder]);

        assertNoViolations(violations);
    });

    it("sqs-queue-has-dlq does not report it when every queue has a DLQ", async () => {
        const lane = buildLane();
        const holder = redriveFromStackReference();

        const violations = await runStackPolicy(sqsQueueHasDlq, [...lane.resources, stackReference, holder]);

        assertNoViolations(violations);
    });
});

describe("queue rules: a redrive whose dead-letter queue is unknown at preview", () => {
    for (const rule of pairRules) {
        it(`${rule.name} passes over it`, async () => {
            const lane = laneWithUnknown("queue", "redrivePolicy", "role");

            const violations = await runStackPolicy(rule, lane.resources);

            assertNoViolations(violations);
        });
    }
});

describe("queue rules: a dead-letter queue outside the stack", () => {
    for (const rule of [sqsDlqMessageSizeNotSmaller, sqsRedriveNoCycle, sqsDlqAdmitsSource]) {
        it(`${rule.name} passes over it`, async () => {
            const lane = buildLane({ omit: ["dlq"], queue: { redrivePolicy: redrive(queueArn("shared-dlq")) } });

            const violations = await runStackPolicy(rule, lane.resources);

            assertNoViolations(violations);
        });
    }

    it("sqs-dlq-admits-source passes over it beside a queue of the stack with a redriveAllowPolicy", async () => {
        const lane = buildLane({
            omit: ["dlq"],
            queue: { redrivePolicy: redrive(queueArn("shared-dlq")), redriveAllowPolicy: byQueue(queueArn("other")) },
        });

        const violations = await runStackPolicy(sqsDlqAdmitsSource, lane.resources);

        assertNoViolations(violations);
    });

    it("sqs-dlq-retention-longer says it cannot check a DLQ of this account and region outside the stack", async () => {
        const lane = buildLane({ omit: ["dlq"], queue: { redrivePolicy: redrive(queueArn("shared-dlq")) } });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager' dead-letter queue must be declared in this stack so this rule can check it; found 'arn:aws:sqs:eu-west-1:123456789012:shared-dlq'.",
            resource: lane.queue,
        });
    });
});

describe("queue rules: values unknown at preview", () => {
    it("sqs-dlq-same-type reports a source whose fifoQueue is unknown, and nothing else", async () => {
        const lane = laneWithUnknown("queue", "fifoQueue", "role");

        const violations = await runStackPolicy(sqsDlqSameType, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager' fifoQueue is unknown at preview", resource: lane.queue });
    });

    it("sqs-dlq-retention-longer reports a source whose fifoQueue is unknown, and nothing else", async () => {
        const lane = laneWithUnknown("queue", "fifoQueue", "role");

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager' fifoQueue is unknown at preview", resource: lane.queue });
    });

    it("sqs-dlq-retention-longer reports a source retention unknown at preview beside a DLQ below 14 days, and nothing else", async () => {
        const lane = buildLane({
            queue: { messageRetentionSeconds: UNKNOWN },
            dlq: { messageRetentionSeconds: 1_000_000 },
            dependsOn: { queue: { messageRetentionSeconds: ["role"] } },
        });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' messageRetentionSeconds is unknown at preview",
            resource: lane.queue,
        });
    });

    it("sqs-dlq-retention-longer reports a source fifoQueue unknown at preview beside a DLQ below 14 days, and nothing else", async () => {
        const lane = buildLane({
            queue: { fifoQueue: UNKNOWN },
            dlq: { messageRetentionSeconds: 1_000_000 },
            dependsOn: { queue: { fifoQueue: ["role"] } },
        });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager' fifoQueue is unknown at preview", resource: lane.queue });
    });

    it("sqs-dlq-retention-longer reports a DLQ retention unknown at preview, and nothing else", async () => {
        const lane = laneWithUnknown("dlq", "messageRetentionSeconds", "role");

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager-dlq' messageRetentionSeconds is unknown at preview",
            resource: lane.dlq,
        });
    });

    it("sqs-dlq-message-size-not-smaller reports a source maxMessageSize unknown at preview, and nothing else", async () => {
        const lane = laneWithUnknown("queue", "maxMessageSize", "role");

        const violations = await runStackPolicy(sqsDlqMessageSizeNotSmaller, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager' maxMessageSize is unknown at preview", resource: lane.queue });
    });

    it("sqs-dlq-admits-source passes an unknown redriveAllowPolicy built from its source's ARN among other values", async () => {
        const lane = buildLane({ dlq: { redriveAllowPolicy: UNKNOWN } });
        const dlq = { ...lane.dlq, links: { propertyDependencies: { redriveAllowPolicy: [lane.role, lane.queue] } } };

        const violations = await runStackPolicy(
            sqsDlqAdmitsSource,
            lane.resources.map((r) => (r === lane.dlq ? dlq : r)),
        );

        assertNoViolations(violations);
    });
});

describe("queue rules: what each rule reads", () => {
    it("sqs-queue-has-dlq names what a DLQ takes", async () => {
        const lane = buildLane({ queue: { redrivePolicy: undefined } });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertViolation(violations, {
            message:
                "SQS queue 'pager' must have a dead-letter queue (a redrivePolicy with a deadLetterTargetArn, or an aws.sqs.RedrivePolicy); found none.",
            resource: lane.queue,
        });
    });

    it("sqs-queue-has-dlq reports an unknown target even when another redrive of the queue names none", async () => {
        const lane = buildLane({
            omit: ["dlq"],
            queue: { redrivePolicy: JSON.stringify({ maxReceiveCount: 5 }) },
            dependsOn: { queue: { redrivePolicy: [] } },
        });
        const holder = fakeResource(
            aws.sqs.RedrivePolicy,
            "pager-redrive",
            { queueUrl: queueUrl("pager"), redrivePolicy: UNKNOWN },
            { propertyDependencies: { queueUrl: [lane.queue], redrivePolicy: [stackReference] } },
        );

        const violations = await runStackPolicy(sqsQueueHasDlq, [...lane.resources, stackReference, holder]);

        assertOnlyViolation(violations, {
            message: "SQS redrive policy 'pager-redrive' redrivePolicy is unknown at preview",
            resource: holder,
        });
    });

    it("sqs-queue-has-dlq reports each unknown redrive target once, beside a queue that has none", async () => {
        const lane = buildLane({ omit: ["dlq"], queue: { redrivePolicy: UNKNOWN }, dependsOn: { queue: { redrivePolicy: ["role"] } } });
        const bare = fakeResource(aws.sqs.Queue, "bare", { name: "bare" });
        const other = fakeResource(aws.sqs.Queue, "other", { name: "other" });
        const holder = fakeResource(
            aws.sqs.RedrivePolicy,
            "other-redrive",
            { queueUrl: queueUrl("other"), redrivePolicy: UNKNOWN },
            { propertyDependencies: { queueUrl: [other], redrivePolicy: [stackReference] } },
        );

        const violations = await runStackPolicy(sqsQueueHasDlq, [...lane.resources, bare, other, stackReference, holder]);

        assert.deepEqual(
            violations.map((v) => [v.urn, v.message.split("\n")[1].split(";")[0]]).sort(),
            [
                [
                    bare.urn,
                    "SQS queue 'bare' must have a dead-letter queue (a redrivePolicy with a deadLetterTargetArn, or an aws.sqs.RedrivePolicy)",
                ],
                [lane.queue.urn, "SQS queue 'pager' redrivePolicy is unknown at preview"],
                [holder.urn, "SQS redrive policy 'other-redrive' redrivePolicy is unknown at preview"],
            ].sort(),
        );
    });

    it("sqs-max-receive-count accepts a lowerBound equal to the upperBound", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources, { lowerBound: 5, upperBound: 5 });

        assertNoViolations(violations);
    });

    it("sqs-max-receive-count gives the whole reason of its Lambda advice", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(queueArn("pager-dlq"), 4) } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager' maxReceiveCount 4 is within the bounds, but AWS advises at least 5 for queues consumed by Lambda: throttled receives count toward it, so a burst can send good messages to the dead-letter queue.",
        });
    });

    it("sqs-dlq-same-type takes a queue with fifoQueue true for FIFO whatever its name", async () => {
        const lane = buildLane({ queue: { name: undefined, fifoQueue: true } });

        const violations = await runStackPolicy(sqsDlqSameType, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' is FIFO, so its dead-letter queue SQS queue 'pager-dlq' must be FIFO too",
        });
    });

    it("lambda-esm-fifo-batching judges an event source written as a bare FIFO queue name by its suffix", async () => {
        const lane = buildLane({
            fifo: true,
            mapping: { eventSourceArn: "orders.fifo", maximumBatchingWindowInSeconds: 5 },
            linkByValueOnly: true,
        });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertOnlyViolation(violations, {
            message: "reads FIFO queue 'orders.fifo', so maximumBatchingWindowInSeconds must be unset or 0; found 5.",
        });
    });

    it("sqs-redrive-no-cycle finds a cycle behind a first dead-letter queue that ends", async () => {
        const end = fakeResource(aws.sqs.Queue, "a-end", { name: "a-end", arn: queueArn("a-end") });
        const a = fakeResource(aws.sqs.Queue, "a", { name: "a", arn: queueArn("a"), redrivePolicy: redrive(queueArn("a-end")) });
        const b = fakeResource(aws.sqs.Queue, "b", { name: "b", arn: queueArn("b"), redrivePolicy: redrive(queueArn("a")) });
        const second = fakeResource(aws.sqs.RedrivePolicy, "a-redrive", { queueUrl: queueUrl("a"), redrivePolicy: redrive(queueArn("b")) });

        const violations = await runStackPolicy(sqsRedriveNoCycle, [end, a, b, second]);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'a' redrives into a cycle: SQS queue 'a' -> SQS queue 'b' -> SQS queue 'a'; a failed message would never come to rest.",
        });
    });

    it("sqs-dlq-admits-source passes a byQueue policy that names its source among others", async () => {
        const lane = buildLane({ dlq: { redriveAllowPolicy: byQueue(queueArn("other"), queueArn("pager")) } });

        const violations = await runStackPolicy(sqsDlqAdmitsSource, lane.resources);

        assertNoViolations(violations);
    });

    it("sqs-dlq-admits-source passes an aws.sqs.RedriveAllowPolicy with an empty policy (allowAll)", async () => {
        const lane = buildLane();
        const holder = fakeResource(
            aws.sqs.RedriveAllowPolicy,
            "dlq-allow",
            { queueUrl: queueUrl("pager-dlq"), redriveAllowPolicy: "" },
            { propertyDependencies: { queueUrl: [lane.dlq] } },
        );

        const violations = await runStackPolicy(sqsDlqAdmitsSource, [...lane.resources, holder]);

        assertNoViolations(violations);
    });

    it("sqs-queue-encrypted-at-rest does not take an empty kmsMasterKeyId for a key", async () => {
        const queue = fakeResource(aws.sqs.Queue, "pager", { kmsMasterKeyId: "", sqsManagedSseEnabled: false });

        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, queue);

        assertOnlyViolation(violations, { message: "found sqsManagedSseEnabled false and no kmsMasterKeyId." });
    });

    it("sqs-queue-encrypted-at-rest does not take a null kmsMasterKeyId for a key", async () => {
        const queue = fakeResource(aws.sqs.Queue, "pager", { kmsMasterKeyId: null as never, sqsManagedSseEnabled: false });

        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, queue);

        assertOnlyViolation(violations, { message: "found sqsManagedSseEnabled false and no kmsMasterKeyId." });
    });
});
