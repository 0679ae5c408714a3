import * as aws from "@pulumi/aws";
import {
    lambdaConsumerConcurrencyBounded,
    lambdaEsmBatchWindow,
    lambdaEsmFifoBatching,
    lambdaEsmReportsBatchItemFailures,
    sqsVisibilityTimeoutCoversConsumers,
} from "../../policy/event-source-mapping";
import { fakeResource, runStackPolicy, UNKNOWN } from "../helpers/policy-args";
import { assertNoViolations, assertViolation } from "../helpers/policy-assertions";
import { buildLane, functionArn } from "../helpers/policy-lane";

const KINESIS_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks";

describe("policy sqs-visibility-timeout-covers-consumers", () => {
    it("passes a visibility of 6 x the function timeout + the batching window", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a visibility below 6 x timeout + window, naming every number", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: 60 } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertViolation(violations, {
            message: "SQS queue 'pager' visibilityTimeoutSeconds must be at least 6 x 30 s (timeout of Lambda function 'pager-fn') + 5 s (batching window of Event source mapping 'pager-mapping') = 185 s; found 60 s.",
            resource: lane.queue,
            enforcementLevel: "mandatory",
        });
    });

    it("applies AWS defaults where unset: 30 s visibility against 6 x 3 s passes", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: undefined }, fn: { timeout: undefined }, mapping: { maximumBatchingWindowInSeconds: undefined } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertNoViolations(violations);
    });

    it("applies the AWS default visibility of 30 s against a 30 s function", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: undefined } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertViolation(violations, { message: "= 185 s; found 30 s." });
    });

    it("checks every consumer of the queue", async () => {
        const lane = buildLane();
        const slow = fakeResource(aws.lambda.Function, "audit-fn", { name: "audit-fn", role: "r", timeout: 60 });
        const second = fakeResource(aws.lambda.EventSourceMapping, "audit-mapping", { eventSourceArn: UNKNOWN, functionName: UNKNOWN },
            { propertyDependencies: { eventSourceArn: [lane.queue], functionName: [slow] } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, [...lane.resources, slow, second]);

        assertViolation(violations, { message: "at least 6 x 60 s (timeout of Lambda function 'audit-fn') + 0 s" });
    });

    it("uses the configured multiplier", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: 100 } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources, { timeoutMultiplier: 3 });

        assertNoViolations(violations);
    });

    it("links mapping, queue and function by ARN when no dependency records them", async () => {
        const lane = buildLane({ linkByValueOnly: true, queue: { visibilityTimeoutSeconds: 60 } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertViolation(violations, { message: "SQS queue 'pager' visibilityTimeoutSeconds must be at least" });
    });

    it("reports a visibility timeout unknown at preview", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: UNKNOWN }, dependsOn: { queue: { visibilityTimeoutSeconds: ["fn"] } } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertViolation(violations, { message: "SQS queue 'pager' visibilityTimeoutSeconds is unknown at preview; it must be known so this rule can be checked.", resource: lane.queue, enforcementLevel: "mandatory" });
    });

    it("reports a mapping whose queue is unknown at preview and not linked by dependency", async () => {
        const lane = buildLane({ mapping: { eventSourceArn: UNKNOWN }, dependsOn: { mapping: { eventSourceArn: ["role"] } } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertViolation(violations, { message: "Event source mapping 'pager-mapping' eventSourceArn is unknown at preview", resource: lane.mapping });
    });

    it("reports a consumer function declared outside the stack", async () => {
        const lane = buildLane({ omit: ["fn"], mapping: { functionName: functionArn("elsewhere") }, dependsOn: { mapping: { functionName: [] } } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertViolation(violations, { message: "Event source mapping 'pager-mapping' function must be declared in this stack so this rule can check it; found 'arn:aws:lambda:eu-west-1:123456789012:function:elsewhere'." });
    });
});

describe("policy lambda-esm-reports-batch-item-failures", () => {
    it("passes a mapping with ReportBatchItemFailures", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaEsmReportsBatchItemFailures, lane.resources);

        assertNoViolations(violations);
    });

    it("reports an SQS mapping without it", async () => {
        const lane = buildLane({ mapping: { functionResponseTypes: undefined } });

        const violations = await runStackPolicy(lambdaEsmReportsBatchItemFailures, lane.resources);

        assertViolation(violations, { message: "Event source mapping 'pager-mapping' functionResponseTypes must include \"ReportBatchItemFailures\"; found [].", resource: lane.mapping });
    });

    it("leaves a Kinesis mapping alone", async () => {
        const lane = buildLane({ mapping: { eventSourceArn: KINESIS_ARN, functionResponseTypes: undefined }, dependsOn: { mapping: { eventSourceArn: [] } } });

        const violations = await runStackPolicy(lambdaEsmReportsBatchItemFailures, lane.resources);

        assertNoViolations(violations);
    });

    it("reports functionResponseTypes unknown at preview", async () => {
        const lane = buildLane({ mapping: { functionResponseTypes: UNKNOWN }, dependsOn: { mapping: { functionResponseTypes: ["fn"] } } });

        const violations = await runStackPolicy(lambdaEsmReportsBatchItemFailures, lane.resources);

        assertViolation(violations, { message: "functionResponseTypes is unknown at preview" });
    });
});

describe("policy lambda-esm-fifo-batching", () => {
    it("passes a FIFO mapping with batch 10 and no window", async () => {
        const lane = buildLane({ fifo: true });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a FIFO mapping with a batching window", async () => {
        const lane = buildLane({ fifo: true, mapping: { maximumBatchingWindowInSeconds: 5 } });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertViolation(violations, { message: "Event source mapping 'pager-mapping' reads FIFO queue SQS queue 'pager', so maximumBatchingWindowInSeconds must be unset or 0; found 5.", resource: lane.mapping });
    });

    it("reports a FIFO mapping with batchSize above 10", async () => {
        const lane = buildLane({ fifo: true, mapping: { batchSize: 20 } });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertViolation(violations, { message: "so batchSize must be at most 10; found 20." });
    });

    it("leaves a standard queue's mapping with a window alone", async () => {
        const lane = buildLane({ mapping: { batchSize: 100, maximumBatchingWindowInSeconds: 5 } });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a batchSize unknown at preview", async () => {
        const lane = buildLane({ fifo: true, mapping: { batchSize: UNKNOWN }, dependsOn: { mapping: { batchSize: ["queue"] } } });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertViolation(violations, { message: "Event source mapping 'pager-mapping' batchSize is unknown at preview" });
    });
});

describe("policy lambda-esm-batch-window", () => {
    it("passes batchSize 100 with a batching window", async () => {
        const lane = buildLane({ mapping: { batchSize: 100, maximumBatchingWindowInSeconds: 5 } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertNoViolations(violations);
    });

    it("reports batchSize 100 without a batching window", async () => {
        const lane = buildLane({ mapping: { batchSize: 100, maximumBatchingWindowInSeconds: undefined } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertViolation(violations, { message: "Event source mapping 'pager-mapping' batchSize is 100, above 10, so maximumBatchingWindowInSeconds must be at least 1; found 0.", resource: lane.mapping });
    });

    it("leaves a Kinesis mapping with batchSize 100 alone", async () => {
        const lane = buildLane({ mapping: { eventSourceArn: KINESIS_ARN, batchSize: 100, maximumBatchingWindowInSeconds: undefined }, dependsOn: { mapping: { eventSourceArn: [] } } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a batching window unknown at preview", async () => {
        const lane = buildLane({ mapping: { batchSize: 100, maximumBatchingWindowInSeconds: UNKNOWN }, dependsOn: { mapping: { maximumBatchingWindowInSeconds: ["fn"] } } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertViolation(violations, { message: "maximumBatchingWindowInSeconds is unknown at preview" });
    });
});

describe("policy lambda-consumer-concurrency-bounded", () => {
    it("passes maximumConcurrency equal to reserved concurrency", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });

    it("passes reserved concurrency alone", async () => {
        const lane = buildLane({ mapping: { scalingConfig: undefined } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a consumer with neither bound (-1 means no reservation)", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: -1 }, mapping: { scalingConfig: undefined } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertViolation(violations, { message: "Lambda function 'pager-fn' consuming through Event source mapping 'pager-mapping' must have bounded concurrency (reservedConcurrentExecutions or scalingConfig.maximumConcurrency); found neither." });
    });

    it("reports maximumConcurrency above reserved concurrency", async () => {
        const lane = buildLane({ mapping: { scalingConfig: { maximumConcurrency: 10 } } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertViolation(violations, { message: "Event source mapping 'pager-mapping' scalingConfig.maximumConcurrency must not exceed reservedConcurrentExecutions of Lambda function 'pager-fn' (5); found 10.", resource: lane.mapping });
    });

    it("reports a reserved concurrency unknown at preview", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: UNKNOWN }, dependsOn: { fn: { reservedConcurrentExecutions: ["queue"] } } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertViolation(violations, { message: "Lambda function 'pager-fn' reservedConcurrentExecutions is unknown at preview", resource: lane.fn });
    });
});
