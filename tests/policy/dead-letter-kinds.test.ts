import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { cloudwatchDlqDepthAlarm } from "../../policy/cloudwatch";
import { sqsQueueHasDlq } from "../../policy/sqs";
import { StackIndex } from "../../policy/stack-index";
import { createStackValidationArgs, fakeResource, FakeResource, runStackPolicy, UNKNOWN } from "../helpers/policy-args";
import { assertNoViolations, assertViolation } from "../helpers/policy-assertions";
import { deadLetterHolders, failureQueue } from "../helpers/policy-dead-letter-kinds";
import { buildLane, queueArn, queueUrl } from "../helpers/policy-lane";

const noPolicy: StackValidationPolicy = { name: "none", description: "none", validateStack: () => undefined };

function deadLetterNames(resources: readonly FakeResource[]): string[] {
    const args = createStackValidationArgs(noPolicy, resources);
    return new StackIndex(args.resources).deadLetterQueues.map((queue) => queue.name).sort();
}

describe("one notion of 'this queue is a dead-letter queue' (stack index)", () => {
    for (const [kind, { property, build }] of Object.entries(deadLetterHolders)) {
        it(`counts a queue named by ${kind}, by its ARN`, () => {
            const queue = failureQueue();

            const names = deadLetterNames([queue, build(queueArn("failures"))]);

            assert.deepEqual(names, ["failures"]);
        });

        it(`counts a queue named by ${kind} through the property dependency when the ARN is unknown`, () => {
            const queue = failureQueue();

            const names = deadLetterNames([queue, build(UNKNOWN, { propertyDependencies: { [property]: [queue] } })]);

            assert.deepEqual(names, ["failures"]);
        });
    }

    it("does not count an SNS topic as a Lambda function's dead-letter queue", () => {
        const queue = failureQueue();

        const names = deadLetterNames([queue, deadLetterHolders["a Lambda function's deadLetterConfig"].build("arn:aws:sns:eu-west-1:123456789012:failures")]);

        assert.deepEqual(names, []);
    });

    it("counts a queue whose own redriveAllowPolicy names its sources (byQueue)", () => {
        const queue = { ...failureQueue(), props: { ...failureQueue().props, redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn("orders")] }) } };

        const names = deadLetterNames([queue]);

        assert.deepEqual(names, ["failures"]);
    });

    it("counts a queue named a DLQ by an aws.sqs.RedriveAllowPolicy", () => {
        const queue = failureQueue();
        const allow = fakeResource(aws.sqs.RedriveAllowPolicy, "failures-allow", {
            queueUrl: queueUrl("failures"), redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn("orders")] }),
        });

        const names = deadLetterNames([queue, allow]);

        assert.deepEqual(names, ["failures"]);
    });

    it("does not count a queue whose redriveAllowPolicy is allowAll (AWS's default) or denyAll", () => {
        const allowAll = { ...failureQueue("a"), props: { ...failureQueue("a").props, redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) } };
        const denyAll = { ...failureQueue("d"), props: { ...failureQueue("d").props, redriveAllowPolicy: JSON.stringify({ redrivePermission: "denyAll" }) } };

        const names = deadLetterNames([allowAll, denyAll]);

        assert.deepEqual(names, []);
    });
});

describe("policy sqs-queue-has-dlq on dead-letter queues of other services", () => {
    for (const [kind, { build }] of Object.entries(deadLetterHolders)) {
        it(`exempts a queue that is ${kind}'s dead-letter queue`, async () => {
            const queue = failureQueue();

            const violations = await runStackPolicy(sqsQueueHasDlq, [queue, build(queueArn("failures"))]);

            assertNoViolations(violations);
        });
    }

    it("still reports a queue that nothing names as a dead-letter queue", async () => {
        const queue = failureQueue();

        const violations = await runStackPolicy(sqsQueueHasDlq, [queue]);

        assertViolation(violations, { message: "SQS queue 'failures' must have a dead-letter queue", resource: queue });
    });

    it("reports a dead-letter reference unknown at preview when a queue lacks a DLQ", async () => {
        const queue = failureQueue();
        const role = buildLane().role;
        const holder = deadLetterHolders["a Lambda function's deadLetterConfig"].build(UNKNOWN, { dependencies: [role] });

        const violations = await runStackPolicy(sqsQueueHasDlq, [queue, role, holder]);

        assertViolation(violations, { message: "Lambda function 'async-fn' deadLetterConfig.targetArn is unknown at preview", resource: holder });
    });
});

describe("policy cloudwatch-dlq-depth-alarm on dead-letter queues of other services", () => {
    for (const [kind, { build }] of Object.entries(deadLetterHolders)) {
        it(`asks for a depth alarm on ${kind}'s dead-letter queue`, async () => {
            const queue = failureQueue();

            const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [queue, build(queueArn("failures"))]);

            assertViolation(violations, { message: "SQS queue 'failures' is a dead-letter queue and must have a CloudWatch alarm", resource: queue });
        });
    }
});
