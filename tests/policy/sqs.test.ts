import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { PolicyConfigError } from "../../policy/config";
import {
    sqsDlqAdmitsSource,
    sqsDlqMessageSizeNotSmaller,
    sqsDlqRetentionLonger,
    sqsRedriveNoCycle,
    sqsDlqSameType,
    sqsMaxReceiveCount,
    sqsQueueEncryptedAtRest,
    sqsQueueHasDlq,
} from "../../policy/sqs";
import { fakeResource, foreignResource, runResourcePolicy, runStackPolicy, UNKNOWN } from "./helpers/args";
import { assertNoViolations, assertOnlyViolation, assertViolation } from "./helpers/assertions";
import { buildLane, queueArn, queueUrl, laneWithUnknown } from "./helpers/lane";

const redrive = (maxReceiveCount: unknown, target = queueArn("pager-dlq")) =>
    JSON.stringify({ deadLetterTargetArn: target, maxReceiveCount });

describe("policy sqs-queue-has-dlq", () => {
    it("passes a queue whose redrivePolicy targets a DLQ, and exempts the DLQ itself", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertNoViolations(violations);
    });

    it("passes a lane on a first preview, where the queues' unset redriveAllowPolicy output is unknown", async () => {
        const lane = buildLane({ queue: { redriveAllowPolicy: UNKNOWN }, dlq: { redriveAllowPolicy: UNKNOWN } });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a queue without a redrive policy", async () => {
        const lane = buildLane({ queue: { redrivePolicy: undefined } });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertViolation(violations, {
            message: "SQS queue 'pager' must have a dead-letter queue",
            resource: lane.queue,
            enforcementLevel: "mandatory",
        });
    });

    it("accepts a separate aws.sqs.RedrivePolicy resource as the queue's DLQ", async () => {
        const lane = buildLane({ queue: { redrivePolicy: undefined } });
        const separate = fakeResource(
            aws.sqs.RedrivePolicy,
            "pager-redrive",
            { queueUrl: UNKNOWN, redrivePolicy: UNKNOWN },
            { propertyDependencies: { queueUrl: [lane.queue], redrivePolicy: [lane.dlq] } },
        );

        const violations = await runStackPolicy(sqsQueueHasDlq, [...lane.resources, separate]);

        assertNoViolations(violations);
    });

    it("links a redrive to its DLQ by the ARN's queue name when no dependency records it", async () => {
        const lane = buildLane({ linkByValueOnly: true });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertNoViolations(violations);
    });

    it("follows propertyDependencies when the redrivePolicy is unknown at preview", async () => {
        const lane = buildLane({ queue: { redrivePolicy: UNKNOWN } });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a redrivePolicy that is unknown and depends on no queue of the stack", async () => {
        const shared = foreignResource("pulumi:pulumi:StackReference", "shared");
        const lane = buildLane({ queue: { redrivePolicy: UNKNOWN } });
        const queue = { ...lane.queue, links: { propertyDependencies: { redrivePolicy: [shared] } } };
        const resources = lane.resources.map((r) => (r === lane.queue ? queue : r));

        const violations = await runStackPolicy(sqsQueueHasDlq, [...resources, shared]);

        assertViolation(violations, {
            message: "SQS queue 'pager' redrivePolicy is unknown at preview; it must be known so this rule can be checked.",
            enforcementLevel: "mandatory",
        });
    });
});

describe("policy sqs-max-receive-count", () => {
    it("passes maxReceiveCount 5", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertNoViolations(violations);
    });

    it("reports maxReceiveCount above the upper bound", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(10) } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' maxReceiveCount must be between 3 and 5; found 10.",
            resource: lane.queue,
        });
    });

    it("reports maxReceiveCount below the lower bound", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(2) } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertOnlyViolation(violations, { message: "maxReceiveCount must be between 3 and 5; found 2." });
    });

    it("accepts maxReceiveCount written as a string", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive("5") } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertNoViolations(violations);
    });

    it("rejects 6, one above the upper bound", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(6) } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' maxReceiveCount must be between 3 and 5; found 6.",
            resource: lane.queue,
            enforcementLevel: "mandatory",
        });
    });

    for (const count of [3, 4]) {
        it(`accepts ${count} within the bounds, with an advisory note that AWS advises at least 5 for Lambda consumers`, async () => {
            const lane = buildLane({ queue: { redrivePolicy: redrive(count) } });

            const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

            const note = assertOnlyViolation(violations, {
                message: `SQS queue 'pager' maxReceiveCount ${count} is within the bounds, but AWS advises at least 5 for queues consumed by Lambda`,
                enforcementLevel: "advisory",
            });
            assert.deepEqual(
                violations.filter((v) => v !== note),
                [],
            );
        });
    }

    it("gives no advisory note on 3 when advisedMinimumForLambda is 3 (dev.json: fast feedback on purpose)", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(3) } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources, { advisedMinimumForLambda: 3 });

        assertNoViolations(violations);
    });

    it("gives no advisory note on 3 for a queue that no Lambda consumes", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(3) }, omit: ["mapping"] });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a redrive policy without maxReceiveCount", async () => {
        const lane = buildLane({ queue: { redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("pager-dlq") }) } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertOnlyViolation(violations, { message: "maxReceiveCount must be between 3 and 5; found none." });
    });

    it("checks an aws.sqs.RedrivePolicy resource", async () => {
        const lane = buildLane({ queue: { redrivePolicy: undefined } });
        const separate = fakeResource(aws.sqs.RedrivePolicy, "pager-redrive", { queueUrl: queueUrl("pager"), redrivePolicy: redrive(7) });

        const violations = await runStackPolicy(sqsMaxReceiveCount, [...lane.resources, separate]);

        assertOnlyViolation(violations, {
            message: "SQS redrive policy 'pager-redrive' maxReceiveCount must be between 3 and 5; found 7.",
            resource: separate,
        });
    });

    it("reports a redrivePolicy that is not JSON", async () => {
        const lane = buildLane({ queue: { redrivePolicy: "maxReceiveCount=5" } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager' redrivePolicy is not valid JSON" });
    });

    it("uses configured bounds: 2 passes within 2..4", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(2) } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources, { lowerBound: 2, upperBound: 4 });

        assertNoViolations(violations.filter((v) => v.enforcementLevel === "mandatory"));
    });

    it("uses configured bounds: 5 fails within 2..4", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources, { lowerBound: 2, upperBound: 4 });

        assertOnlyViolation(violations, { message: "maxReceiveCount must be between 2 and 4; found 5." });
    });

    it("rejects a configuration whose lower bound exceeds its upper bound", async () => {
        const lane = buildLane();

        const run = runStackPolicy(sqsMaxReceiveCount, lane.resources, { lowerBound: 5, upperBound: 3 });

        await assert.rejects(
            run,
            (error: Error) =>
                error instanceof PolicyConfigError && /'lowerBound' must not exceed 'upperBound' \(3\); 5 given/.test(error.message),
        );
    });

    it("reports a redrivePolicy unknown at preview as a violation at the policy's level", async () => {
        const lane = buildLane({ queue: { redrivePolicy: UNKNOWN } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' redrivePolicy is unknown at preview",
            resource: lane.queue,
            enforcementLevel: "mandatory",
        });
    });

    it("reports an unknown redrivePolicy as advisory when unknownValues is 'advisory'", async () => {
        const lane = buildLane({ queue: { redrivePolicy: UNKNOWN } });

        const violations = await runStackPolicy(sqsMaxReceiveCount, lane.resources, { unknownValues: "advisory" });

        assertOnlyViolation(violations, { message: "redrivePolicy is unknown at preview", enforcementLevel: "advisory" });
    });
});

describe("policy sqs-dlq-same-type", () => {
    it("passes a FIFO queue with a FIFO DLQ", async () => {
        const lane = buildLane({ fifo: true });

        const violations = await runStackPolicy(sqsDlqSameType, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a FIFO queue whose DLQ is a standard queue", async () => {
        const lane = buildLane({ fifo: true, dlq: { fifoQueue: undefined, name: "pager-dlq" } });

        const violations = await runStackPolicy(sqsDlqSameType, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' is FIFO, so its dead-letter queue SQS queue 'pager-dlq' must be FIFO too; found a standard queue.",
            resource: lane.queue,
        });
    });

    it("reports a DLQ whose fifoQueue is unknown at preview", async () => {
        const lane = laneWithUnknown("dlq", "fifoQueue", "queue");

        const violations = await runStackPolicy(sqsDlqSameType, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager-dlq' fifoQueue is unknown at preview", resource: lane.dlq });
    });
});

describe("policy sqs-dlq-retention-longer", () => {
    it("passes a FIFO DLQ with the same retention as its FIFO source (a FIFO DLQ resets the enqueue time)", async () => {
        const lane = buildLane({ fifo: true, dlq: { messageRetentionSeconds: 345_600 } });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a FIFO DLQ that keeps messages shorter than its FIFO source", async () => {
        const lane = buildLane({ fifo: true, dlq: { messageRetentionSeconds: 86_400 } });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager-dlq' messageRetentionSeconds must be at least that of its FIFO source SQS queue 'pager' (345600); found 86400.",
            resource: lane.dlq,
        });
    });

    it("passes a DLQ at the 14-day maximum behind a source at 14 days (it cannot be longer)", async () => {
        const lane = buildLane({ queue: { messageRetentionSeconds: 1_209_600 } });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertNoViolations(violations);
    });

    it("says a DLQ in another account is in another account, not 'must be declared in this stack'", async () => {
        const lane = buildLane({
            queue: { redrivePolicy: redrive(5, "arn:aws:sqs:eu-west-1:999999999999:central-dlq") },
            linkByValueOnly: true,
        });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager' dead-letter queue 'arn:aws:sqs:eu-west-1:999999999999:central-dlq' is in account 999999999999, not this stack's 123456789012: this rule cannot read its settings",
            resource: lane.queue,
        });
    });

    it("says a DLQ in another region is in another region", async () => {
        const lane = buildLane({
            queue: { redrivePolicy: redrive(5, "arn:aws:sqs:us-east-1:123456789012:central-dlq") },
            linkByValueOnly: true,
        });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, { message: "is in region us-east-1, not this stack's eu-west-1" });
    });

    it("passes a DLQ that keeps messages 14 days behind a 4-day queue", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a DLQ that keeps messages no longer than its source (AWS default on both)", async () => {
        const lane = buildLane({ dlq: { messageRetentionSeconds: undefined }, queue: { messageRetentionSeconds: undefined } });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager-dlq' messageRetentionSeconds must be longer than that of its source SQS queue 'pager' (345600); found 345600.",
            resource: lane.dlq,
        });
    });

    it("reports a retention unknown at preview", async () => {
        const lane = laneWithUnknown("queue", "messageRetentionSeconds", "dlq");

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' messageRetentionSeconds is unknown at preview",
            resource: lane.queue,
        });
    });
});

describe("policy sqs-queue-encrypted-at-rest", () => {
    const queue = (props: Parameters<typeof fakeResource<aws.sqs.Queue, aws.sqs.QueueArgs>>[2]) =>
        fakeResource(aws.sqs.Queue, "pager", props);

    it("passes a queue with SQS-managed encryption", async () => {
        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, queue({ sqsManagedSseEnabled: true }));

        assertNoViolations(violations);
    });

    it("passes a queue with a KMS key", async () => {
        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, queue({ kmsMasterKeyId: "alias/escalations" }));

        assertNoViolations(violations);
    });

    it("passes a queue whose KMS key id is unknown at preview (a key created in the same deployment)", async () => {
        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, queue({ kmsMasterKeyId: UNKNOWN }));

        assertNoViolations(violations);
    });

    it("reports a queue that sets neither", async () => {
        const resource = queue({ visibilityTimeoutSeconds: 30 });

        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, resource);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager' must be encrypted at rest (sqsManagedSseEnabled true or a kmsMasterKeyId); found sqsManagedSseEnabled unset",
            resource,
            enforcementLevel: "advisory",
        });
    });

    it("reports sqsManagedSseEnabled false", async () => {
        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, queue({ sqsManagedSseEnabled: false }));

        assertOnlyViolation(violations, { message: "found sqsManagedSseEnabled false and no kmsMasterKeyId." });
    });

    it("reports sqsManagedSseEnabled unknown at preview", async () => {
        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, queue({ sqsManagedSseEnabled: UNKNOWN }));

        assertOnlyViolation(violations, { message: "SQS queue 'pager' sqsManagedSseEnabled is unknown at preview" });
    });

    it("uses the configured enforcement level", async () => {
        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, queue({}), { enforcementLevel: "mandatory" });

        assertOnlyViolation(violations, { message: "must be encrypted at rest", enforcementLevel: "mandatory" });
    });

    it("does not apply to other resource types", async () => {
        const fn = fakeResource(aws.lambda.Function, "pager-fn", { role: "r" });

        const violations = await runResourcePolicy(sqsQueueEncryptedAtRest, fn);

        assertNoViolations(violations);
    });
});

describe("policy sqs-queue-has-dlq with unresolved redrives", () => {
    it("reports an aws.sqs.RedrivePolicy whose queue is unknown when a queue lacks a DLQ", async () => {
        const lane = buildLane({ queue: { redrivePolicy: undefined } });
        const separate = fakeResource(
            aws.sqs.RedrivePolicy,
            "pager-redrive",
            { queueUrl: UNKNOWN, redrivePolicy: redrive(5) },
            { dependencies: [lane.role] },
        );

        const violations = await runStackPolicy(sqsQueueHasDlq, [...lane.resources, separate]);

        assertViolation(violations, { message: "SQS redrive policy 'pager-redrive' queueUrl is unknown at preview", resource: separate });
    });
});

describe("policy sqs-queue-has-dlq on a deadLetterTargetArn that is no SQS queue ARN", () => {
    const STRINGIFIED_OUTPUT =
        "Calling [toJSON] on an [Output<T>] is not supported.\n\nTo get the value of an Output as a JSON value or JSON string consider either:\n    1: o.apply(v => v.toJSON())\n    2: o.apply(v => JSON.stringify(v))";

    it("reports 'not-an-arn', quoting it and saying it is not an ARN", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(5, "not-an-arn") }, linkByValueOnly: true });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertViolation(violations, {
            message:
                "SQS queue 'pager' redrivePolicy deadLetterTargetArn must be the ARN of an SQS queue; found 'not-an-arn': it is not an ARN.",
            resource: lane.queue,
            enforcementLevel: "mandatory",
        });
    });

    it("reports the text of a stringified Output, saying where it comes from", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(5, STRINGIFIED_OUTPUT) }, linkByValueOnly: true });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertViolation(violations, { message: "it is the text JSON.stringify gives for a Pulumi Output", resource: lane.queue });
    });

    it("reports an SNS topic ARN as a redrive target", async () => {
        const lane = buildLane({
            queue: { redrivePolicy: redrive(5, "arn:aws:sns:eu-west-1:123456789012:pager-dlq") },
            linkByValueOnly: true,
        });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertViolation(violations, { message: "it is the ARN of another service, not of an SQS queue" });
    });

    it("accepts a well-formed SQS ARN outside the stack", async () => {
        const lane = buildLane({
            queue: { redrivePolicy: redrive(5, "arn:aws:sqs:eu-west-1:123456789012:shared-dlq") },
            linkByValueOnly: true,
        });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertNoViolations(violations.filter((v) => v.urn === lane.queue.urn));
    });

    it("reports a queue ARN with a malformed account", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(5, "arn:aws:sqs:eu-west-1:1234:shared-dlq") }, linkByValueOnly: true });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertViolation(violations, { message: "it is not a well-formed SQS queue ARN" });
    });

    it("reports an unknown target the same way as before: unknown, not malformed", async () => {
        const shared = foreignResource("pulumi:pulumi:StackReference", "shared");
        const lane = buildLane({ queue: { redrivePolicy: UNKNOWN } });
        const queue = { ...lane.queue, links: { propertyDependencies: { redrivePolicy: [shared] } } };

        const violations = await runStackPolicy(sqsQueueHasDlq, [...lane.resources.filter((r) => r !== lane.queue), queue, shared]);

        assertViolation(violations, { message: "redrivePolicy is unknown at preview" });
    });
});

describe("policy sqs-queue-has-dlq on FIFO queues", () => {
    it("reports a FIFO queue without a DLQ", async () => {
        const lane = buildLane({ fifo: true, queue: { redrivePolicy: undefined } });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertViolation(violations, {
            message: "SQS queue 'pager' must have a dead-letter queue",
            resource: lane.queue,
            enforcementLevel: "mandatory",
        });
    });

    it("passes a FIFO queue with a FIFO DLQ", async () => {
        const lane = buildLane({ fifo: true });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertNoViolations(violations);
    });
});

describe("policy sqs-dlq-message-size-not-smaller", () => {
    it("passes a DLQ with the same maxMessageSize as its source (AWS default on both)", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsDlqMessageSizeNotSmaller, lane.resources);

        assertNoViolations(violations);
    });

    it("passes a 1 MiB DLQ behind a 1 MiB source", async () => {
        const lane = buildLane({ queue: { maxMessageSize: 1_048_576 }, dlq: { maxMessageSize: 1_048_576 } });

        const violations = await runStackPolicy(sqsDlqMessageSizeNotSmaller, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a DLQ left at 256 KiB behind a 1 MiB source", async () => {
        const lane = buildLane({ queue: { maxMessageSize: 1_048_576 } });

        const violations = await runStackPolicy(sqsDlqMessageSizeNotSmaller, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager-dlq' maxMessageSize must be at least that of its source SQS queue 'pager' (1048576 bytes); found 262144 bytes.",
            resource: lane.dlq,
            enforcementLevel: "mandatory",
        });
    });

    it("reports a maxMessageSize unknown at preview", async () => {
        const lane = laneWithUnknown("dlq", "maxMessageSize", "queue");

        const violations = await runStackPolicy(sqsDlqMessageSizeNotSmaller, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager-dlq' maxMessageSize is unknown at preview", resource: lane.dlq });
    });
});

describe("policy sqs-redrive-no-cycle", () => {
    it("passes a queue -> DLQ chain", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsRedriveNoCycle, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a queue that is its own dead-letter queue", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive(5, queueArn("pager")) }, linkByValueOnly: true });

        const violations = await runStackPolicy(sqsRedriveNoCycle, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager' redrives into a cycle: SQS queue 'pager' -> SQS queue 'pager'; a failed message would never come to rest.",
            resource: lane.queue,
            enforcementLevel: "mandatory",
        });
    });

    it("reports A <-> B", async () => {
        const lane = buildLane({ dlq: { redrivePolicy: redrive(5, queueArn("pager")) }, linkByValueOnly: true });

        const violations = await runStackPolicy(sqsRedriveNoCycle, lane.resources);

        assertOnlyViolation(violations, {
            message: "redrives into a cycle: SQS queue 'pager' -> SQS queue 'pager-dlq' -> SQS queue 'pager'",
        });
    });

    it("reports a cycle once, not once per member", async () => {
        const lane = buildLane({ dlq: { redrivePolicy: redrive(5, queueArn("pager")) }, linkByValueOnly: true });

        const violations = await runStackPolicy(sqsRedriveNoCycle, lane.resources);

        assert.equal(violations.length, 1);
    });
});

describe("policy sqs-dlq-admits-source", () => {
    const allow = (policy: object) => JSON.stringify(policy);

    it("passes a DLQ whose redriveAllowPolicy names its source (byQueue)", async () => {
        const lane = buildLane({
            dlq: { redriveAllowPolicy: allow({ redrivePermission: "byQueue", sourceQueueArns: [queueArn("pager")] }) },
        });

        const violations = await runStackPolicy(sqsDlqAdmitsSource, lane.resources);

        assertNoViolations(violations);
    });

    it("passes a DLQ without a redriveAllowPolicy (allowAll is AWS's default)", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsDlqAdmitsSource, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a DLQ whose redriveAllowPolicy is denyAll", async () => {
        const lane = buildLane({ dlq: { redriveAllowPolicy: allow({ redrivePermission: "denyAll" }) } });

        const violations = await runStackPolicy(sqsDlqAdmitsSource, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager-dlq' redriveAllowPolicy must admit its source SQS queue 'pager'; found denyAll.",
            resource: lane.dlq,
            enforcementLevel: "mandatory",
        });
    });

    it("reports a byQueue redriveAllowPolicy (aws.sqs.RedriveAllowPolicy) that names other queues only", async () => {
        const lane = buildLane();
        const policy = fakeResource(aws.sqs.RedriveAllowPolicy, "pager-dlq-allow", {
            queueUrl: queueUrl("pager-dlq"),
            redriveAllowPolicy: allow({ redrivePermission: "byQueue", sourceQueueArns: [queueArn("orders")] }),
        });

        const violations = await runStackPolicy(sqsDlqAdmitsSource, [...lane.resources, policy]);

        assertOnlyViolation(violations, {
            resource: policy,
            message: `SQS redrive allow policy 'pager-dlq-allow' redriveAllowPolicy must admit its source SQS queue 'pager'; found byQueue with ${JSON.stringify([queueArn("orders")])}.`,
        });
    });

    it("follows the source ARN's dependency when sourceQueueArns is unknown at preview", async () => {
        const lane = laneWithUnknown("dlq", "redriveAllowPolicy", "queue");

        const violations = await runStackPolicy(sqsDlqAdmitsSource, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a redriveAllowPolicy unknown at preview that depends on no source", async () => {
        const lane = laneWithUnknown("dlq", "redriveAllowPolicy", "role");

        const violations = await runStackPolicy(sqsDlqAdmitsSource, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager-dlq' redriveAllowPolicy is unknown at preview", resource: lane.dlq });
    });
});

describe("policy sqs-redrive-no-cycle: redrives written as aws.sqs.RedrivePolicy", () => {
    it("reports A <-> B where B's redrive back to A is an aws.sqs.RedrivePolicy resource", async () => {
        const lane = buildLane({ linkByValueOnly: true });
        const back = fakeResource(aws.sqs.RedrivePolicy, "pager-dlq-back", {
            queueUrl: queueUrl("pager-dlq"),
            redrivePolicy: redrive(5, queueArn("pager")),
        });

        const violations = await runStackPolicy(sqsRedriveNoCycle, [...lane.resources, back]);

        assertViolation(violations, { message: "redrives into a cycle: SQS queue 'pager' -> SQS queue 'pager-dlq' -> SQS queue 'pager'" });
    });

    it("reports a three-queue cycle A -> B -> C -> A once", async () => {
        const lane = buildLane({ dlq: { redrivePolicy: redrive(5, queueArn("pager-last")) }, linkByValueOnly: true });
        const last = fakeResource(aws.sqs.Queue, "pager-last", {
            name: "pager-last",
            arn: queueArn("pager-last"),
            url: queueUrl("pager-last"),
            redrivePolicy: redrive(5, queueArn("pager")),
        });

        const violations = await runStackPolicy(sqsRedriveNoCycle, [...lane.resources, last]);

        assert.deepEqual(
            violations.map((v) => v.message.split("\n")[1]),
            [
                "SQS queue 'pager' redrives into a cycle: SQS queue 'pager' -> SQS queue 'pager-dlq' -> SQS queue 'pager-last' -> SQS queue 'pager'; a failed message would never come to rest.",
            ],
        );
    });
});
