import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { cloudwatchDlqDepthAlarm } from "../../policy/cloudwatch";
import { sqsQueueHasDlq } from "../../policy/sqs";
import { StackIndex } from "../../policy/stack-index";
import { createStackValidationArgs, fakeResource, FakeResource, runStackPolicy, UNKNOWN } from "./helpers/args";
import { assertNoViolations, assertViolation } from "./helpers/assertions";
import { deadLetterHolders, failureQueue } from "./helpers/dead-letter-kinds";
import { buildLane, queueArn, queueUrl } from "./helpers/lane";

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

        const names = deadLetterNames([
            queue,
            deadLetterHolders["a Lambda function's deadLetterConfig"].build("arn:aws:sns:eu-west-1:123456789012:failures"),
        ]);

        assert.deepEqual(names, []);
    });

    it("counts a queue whose own redriveAllowPolicy names its sources (byQueue)", () => {
        const queue = {
            ...failureQueue(),
            props: {
                ...failureQueue().props,
                redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn("orders")] }),
            },
        };

        const names = deadLetterNames([queue]);

        assert.deepEqual(names, ["failures"]);
    });

    it("counts a queue named a DLQ by an aws.sqs.RedriveAllowPolicy", () => {
        const queue = failureQueue();
        const allow = fakeResource(aws.sqs.RedriveAllowPolicy, "failures-allow", {
            queueUrl: queueUrl("failures"),
            redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn("orders")] }),
        });

        const names = deadLetterNames([queue, allow]);

        assert.deepEqual(names, ["failures"]);
    });

    it("does not count a queue whose redriveAllowPolicy is allowAll (AWS's default) or denyAll", () => {
        const allowAll = {
            ...failureQueue("a"),
            props: { ...failureQueue("a").props, redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) },
        };
        const denyAll = {
            ...failureQueue("d"),
            props: { ...failureQueue("d").props, redriveAllowPolicy: JSON.stringify({ redrivePermission: "denyAll" }) },
        };

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

        assertViolation(violations, {
            message: "Lambda function 'async-fn' deadLetterConfig.targetArn is unknown at preview",
            resource: holder,
        });
    });
});

describe("policy cloudwatch-dlq-depth-alarm on dead-letter queues of other services", () => {
    for (const [kind, { build }] of Object.entries(deadLetterHolders)) {
        it(`asks for a depth alarm on ${kind}'s dead-letter queue`, async () => {
            const queue = failureQueue();

            const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [queue, build(queueArn("failures"))]);

            assertViolation(violations, {
                message: "SQS queue 'failures' is a dead-letter queue and must have a CloudWatch alarm",
                resource: queue,
            });
        });
    }
});

describe("one notion of 'this queue is a dead-letter queue': the cases around the edges", () => {
    const byQueueAllow = JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn("orders")] });
    const withOwnAllow = () => ({ ...failureQueue(), props: { ...failureQueue().props, redriveAllowPolicy: byQueueAllow } });
    const allowResource = () =>
        fakeResource(aws.sqs.RedriveAllowPolicy, "failures-allow", { queueUrl: queueUrl("failures"), redriveAllowPolicy: byQueueAllow });

    it("exempts from sqs-queue-has-dlq a queue whose own redriveAllowPolicy names it a DLQ (byQueue)", async () => {
        const violations = await runStackPolicy(sqsQueueHasDlq, [withOwnAllow()]);

        assertNoViolations(violations);
    });

    it("exempts from sqs-queue-has-dlq a queue an aws.sqs.RedriveAllowPolicy names a DLQ", async () => {
        const violations = await runStackPolicy(sqsQueueHasDlq, [failureQueue(), allowResource()]);

        assertNoViolations(violations);
    });

    it("asks for a depth alarm on a queue whose own redriveAllowPolicy names it a DLQ", async () => {
        const queue = withOwnAllow();

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [queue]);

        assertViolation(violations, {
            message: "SQS queue 'failures' is a dead-letter queue and must have a CloudWatch alarm",
            resource: queue,
        });
    });

    it("asks for a depth alarm on a queue an aws.sqs.RedriveAllowPolicy names a DLQ", async () => {
        const queue = failureQueue();

        const violations = await runStackPolicy(cloudwatchDlqDepthAlarm, [queue, allowResource()]);

        assertViolation(violations, {
            message: "SQS queue 'failures' is a dead-letter queue and must have a CloudWatch alarm",
            resource: queue,
        });
    });

    it("counts a queue named by a Pipe's DynamoDB stream dead-letter config", () => {
        const pipe = fakeResource(aws.pipes.Pipe, "orders-pipe", {
            roleArn: "arn:aws:iam::123456789012:role/pipe",
            source: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
            target: "arn:aws:lambda:eu-west-1:123456789012:function:async-fn",
            sourceParameters: { dynamodbStreamParameters: { startingPosition: "LATEST", deadLetterConfig: { arn: queueArn("failures") } } },
        });

        const names = deadLetterNames([failureQueue(), pipe]);

        assert.deepEqual(names, ["failures"]);
    });

    it("does not count a FunctionEventInvokeConfig's onSuccess destination (it receives successes, not failures)", () => {
        const config = fakeResource(aws.lambda.FunctionEventInvokeConfig, "async-invoke", {
            functionName: "async-fn",
            destinationConfig: { onSuccess: { destination: queueArn("failures") } },
        });

        const names = deadLetterNames([failureQueue(), config]);

        assert.deepEqual(names, []);
    });

    for (const [kind, { build }] of Object.entries(deadLetterHolders)) {
        it(`reports ${kind} unknown at preview, from no queue, when a queue lacks a DLQ (it might name that queue)`, async () => {
            const role = buildLane().role;
            const holder = build(UNKNOWN, { dependencies: [role] });

            const violations = await runStackPolicy(sqsQueueHasDlq, [failureQueue(), role, holder]);

            assertViolation(violations, { message: "is unknown at preview", resource: holder });
        });
    }
});
