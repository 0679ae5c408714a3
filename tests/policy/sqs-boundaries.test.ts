/**
 * Cases of the queue rules that mutation testing (issue 18, `npm run test:mutation`) found
 * untested: FIFO by name or by an outside ARN, retentions and sizes between the edges, an
 * explicit allowAll, a redrive cycle that does not pass through the first queue.
 */
import * as aws from "@pulumi/aws";
import {
    sqsDlqAdmitsSource,
    sqsDlqMessageSizeNotSmaller,
    sqsDlqRetentionLonger,
    sqsDlqSameType,
    sqsQueueHasDlq,
    sqsRedriveNoCycle,
} from "../../policy/sqs";
import { fakeResource, runStackPolicy } from "./helpers/args";
import { assertNoViolations, assertOnlyViolation } from "./helpers/assertions";
import { buildLane, queueArn, queueUrl } from "./helpers/lane";

const redrive = (target: string) => JSON.stringify({ deadLetterTargetArn: target, maxReceiveCount: 5 });

describe("policy sqs-dlq-same-type: which queues are FIFO", () => {
    it("takes a DLQ named '.fifo' as FIFO though it leaves fifoQueue unset", async () => {
        const lane = buildLane({ fifo: true, dlq: { fifoQueue: undefined } });

        const violations = await runStackPolicy(sqsDlqSameType, lane.resources);

        assertNoViolations(violations);
    });

    it("takes a DLQ outside the stack as FIFO by its ARN's '.fifo' name", async () => {
        const lane = buildLane({ fifo: true, queue: { redrivePolicy: redrive(queueArn("shared-dlq.fifo")) }, linkByValueOnly: true });

        const violations = await runStackPolicy(sqsDlqSameType, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a FIFO queue whose DLQ outside the stack has a standard queue's ARN", async () => {
        const lane = buildLane({ fifo: true, queue: { redrivePolicy: redrive(queueArn("shared-dlq")) }, linkByValueOnly: true });

        const violations = await runStackPolicy(sqsDlqSameType, lane.resources);

        assertOnlyViolation(violations, { message: "is FIFO, so its dead-letter queue", resource: lane.queue });
    });
});

describe("policy sqs-dlq-retention-longer between the edges", () => {
    it("passes a standard DLQ that keeps messages 7 days behind a 4-day queue (below the 14-day maximum)", async () => {
        const lane = buildLane({ dlq: { messageRetentionSeconds: 604_800 } });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a standard DLQ one second short of its source's retention", async () => {
        const lane = buildLane({ dlq: { messageRetentionSeconds: 345_599 } });

        const violations = await runStackPolicy(sqsDlqRetentionLonger, lane.resources);

        assertOnlyViolation(violations, {
            message: "must be longer than that of its source SQS queue 'pager' (345600); found 345599.",
            resource: lane.dlq,
        });
    });
});

describe("policy sqs-dlq-message-size-not-smaller between the edges", () => {
    it("passes a 1 MiB DLQ behind a 256 KiB source", async () => {
        const lane = buildLane({ dlq: { maxMessageSize: 1_048_576 } });

        const violations = await runStackPolicy(sqsDlqMessageSizeNotSmaller, lane.resources);

        assertNoViolations(violations);
    });
});

describe("policy sqs-dlq-admits-source: the permissions", () => {
    it("passes a DLQ whose redriveAllowPolicy says allowAll", async () => {
        const lane = buildLane({ dlq: { redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) } });

        const violations = await runStackPolicy(sqsDlqAdmitsSource, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a redriveAllowPolicy that is not JSON, quoting it", async () => {
        const lane = buildLane({ dlq: { redriveAllowPolicy: "byQueue" } });

        const violations = await runStackPolicy(sqsDlqAdmitsSource, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager-dlq' redriveAllowPolicy is not valid JSON; found \"byQueue\".",
            resource: lane.dlq,
            enforcementLevel: "mandatory",
        });
    });
});

describe("policy sqs-queue-has-dlq on a malformed target", () => {
    it("says the target is malformed, not also that the queue has no dead-letter queue", async () => {
        const lane = buildLane({ queue: { redrivePolicy: redrive("not-an-arn") }, linkByValueOnly: true });

        const violations = await runStackPolicy(sqsQueueHasDlq, lane.resources);

        assertNoViolations(
            violations.filter((v) => v.urn === lane.queue.urn && v.message.includes("or an aws.sqs.RedrivePolicy); found none.")),
        );
    });
});

describe("policy sqs-redrive-no-cycle off the first queue", () => {
    // a -> b -> c -> b: the cycle is b <-> c; a only leads into it.
    const queue = (name: string, target: string) =>
        fakeResource(aws.sqs.Queue, name, { name, arn: queueArn(name), url: queueUrl(name), redrivePolicy: redrive(queueArn(target)) });

    it("reports the cycle b -> c -> b once, on b, and not on a that leads into it", async () => {
        const [a, b, c] = [queue("a", "b"), queue("b", "c"), queue("c", "b")];

        const violations = await runStackPolicy(sqsRedriveNoCycle, [a, b, c]);

        assertOnlyViolation(violations, {
            message: "SQS queue 'b' redrives into a cycle: SQS queue 'b' -> SQS queue 'c' -> SQS queue 'b';",
            resource: b,
        });
    });
});
