import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import {
    lambdaEsmFilterDropsMessages,
    lambdaConsumerConcurrencyBounded,
    lambdaEsmBatchWindow,
    lambdaEsmFifoBatching,
    lambdaEsmReportsBatchItemFailures,
    sqsVisibilityTimeoutCoversConsumers,
} from "../../policy/event-source-mapping";
import { fakeResource, PropsOf, runStackPolicy, UNKNOWN } from "./helpers/args";
import { assertNoViolations, assertOnlyViolation, assertViolation, type ExpectedViolation } from "./helpers/assertions";
import { buildLane, functionArn, queueArn, unknownAliasOf, mappingThroughAlias, laneWithUnknown, type Lane } from "./helpers/lane";

const KINESIS_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks";

/** A lane whose mapping invokes a function declared outside the stack. */
const laneWithForeignConsumer = (): Lane =>
    buildLane({
        omit: ["fn"],
        mapping: { functionName: functionArn("elsewhere") },
        dependsOn: { mapping: { functionName: [] } },
    });

/** A second mapping of the lane's function, reading the lane's DLQ with the first one's settings. */
const secondMappingOnDlq = (lane: Lane) =>
    fakeResource(
        aws.lambda.EventSourceMapping,
        "pager-mapping-2",
        { ...lane.mapping.props, eventSourceArn: queueArn("pager-dlq") },
        { propertyDependencies: { functionName: [lane.fn] } },
    );

describe("policy sqs-visibility-timeout-covers-consumers", () => {
    it("passes a visibility of 6 x the function timeout + the batching window", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a visibility below 6 x timeout + window, naming every number", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: 60 } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager' visibilityTimeoutSeconds must be at least 6 x 30 s (timeout of Lambda function 'pager-fn') + 5 s (batching window of Event source mapping 'pager-mapping') = 185 s; found 60 s.",
            resource: lane.queue,
            enforcementLevel: "mandatory",
        });
    });

    it("applies AWS defaults where unset: 30 s visibility against 6 x 3 s passes", async () => {
        const lane = buildLane({
            queue: { visibilityTimeoutSeconds: undefined },
            fn: { timeout: undefined },
            mapping: { maximumBatchingWindowInSeconds: undefined },
        });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertNoViolations(violations);
    });

    it("applies the AWS default visibility of 30 s against a 30 s function", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: undefined } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, { message: "= 185 s; found 30 s." });
    });

    it("checks every consumer of the queue", async () => {
        const lane = buildLane();
        const slow = fakeResource(aws.lambda.Function, "audit-fn", { name: "audit-fn", role: "r", timeout: 60 });
        const second = fakeResource(
            aws.lambda.EventSourceMapping,
            "audit-mapping",
            { eventSourceArn: UNKNOWN, functionName: UNKNOWN },
            { propertyDependencies: { eventSourceArn: [lane.queue], functionName: [slow] } },
        );

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, [...lane.resources, slow, second]);

        assertOnlyViolation(violations, { message: "at least 6 x 60 s (timeout of Lambda function 'audit-fn') + 0 s" });
    });

    it("uses the configured multiplier", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: 100 } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources, { timeoutMultiplier: 3 });

        assertNoViolations(violations);
    });

    it("links mapping, queue and function by ARN when no dependency records them", async () => {
        const lane = buildLane({ linkByValueOnly: true, queue: { visibilityTimeoutSeconds: 60 } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager' visibilityTimeoutSeconds must be at least" });
    });

    it("reports a visibility timeout unknown at preview", async () => {
        const lane = laneWithUnknown("queue", "visibilityTimeoutSeconds", "fn");

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' visibilityTimeoutSeconds is unknown at preview; it must be known so this rule can be checked.",
            resource: lane.queue,
            enforcementLevel: "mandatory",
        });
    });

    it("reports a mapping whose queue is unknown at preview and not linked by dependency", async () => {
        const lane = laneWithUnknown("mapping", "eventSourceArn", "role");

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, {
            message: "Event source mapping 'pager-mapping' eventSourceArn is unknown at preview",
            resource: lane.mapping,
        });
    });

    it("reports a consumer function declared outside the stack", async () => {
        const lane = laneWithForeignConsumer();

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' function must be declared in this stack so this rule can check it; found 'arn:aws:lambda:eu-west-1:123456789012:function:elsewhere'.",
        });
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

        assertOnlyViolation(violations, {
            message: "Event source mapping 'pager-mapping' functionResponseTypes must include \"ReportBatchItemFailures\"; found [].",
            resource: lane.mapping,
        });
    });

    it("leaves a Kinesis mapping alone", async () => {
        const lane = buildLane({
            mapping: { eventSourceArn: KINESIS_ARN, functionResponseTypes: undefined },
            dependsOn: { mapping: { eventSourceArn: [] } },
        });

        const violations = await runStackPolicy(lambdaEsmReportsBatchItemFailures, lane.resources);

        assertNoViolations(violations);
    });

    it("reports functionResponseTypes unknown at preview", async () => {
        const lane = laneWithUnknown("mapping", "functionResponseTypes", "fn");

        const violations = await runStackPolicy(lambdaEsmReportsBatchItemFailures, lane.resources);

        assertOnlyViolation(violations, { message: "functionResponseTypes is unknown at preview" });
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

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' reads FIFO queue SQS queue 'pager', so maximumBatchingWindowInSeconds must be unset or 0; found 5.",
            resource: lane.mapping,
        });
    });

    it("reports a FIFO mapping with batchSize above 10", async () => {
        const lane = buildLane({ fifo: true, mapping: { batchSize: 20 } });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertOnlyViolation(violations, { message: "so batchSize must be at most 10; found 20." });
    });

    it("leaves a standard queue's mapping with a window alone", async () => {
        const lane = buildLane({ mapping: { batchSize: 100, maximumBatchingWindowInSeconds: 5 } });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a batchSize unknown at preview", async () => {
        const lane = buildLane({ fifo: true, mapping: { batchSize: UNKNOWN }, dependsOn: { mapping: { batchSize: ["queue"] } } });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertOnlyViolation(violations, { message: "Event source mapping 'pager-mapping' batchSize is unknown at preview" });
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

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' batchSize is 100, above 10, so maximumBatchingWindowInSeconds must be at least 1; found 0.",
            resource: lane.mapping,
        });
    });

    it("leaves a Kinesis mapping with batchSize 100 alone", async () => {
        const lane = buildLane({
            mapping: { eventSourceArn: KINESIS_ARN, batchSize: 100, maximumBatchingWindowInSeconds: undefined },
            dependsOn: { mapping: { eventSourceArn: [] } },
        });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a batching window unknown at preview", async () => {
        const lane = buildLane({
            mapping: { batchSize: 100, maximumBatchingWindowInSeconds: UNKNOWN },
            dependsOn: { mapping: { maximumBatchingWindowInSeconds: ["fn"] } },
        });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertOnlyViolation(violations, { message: "maximumBatchingWindowInSeconds is unknown at preview" });
    });
});

describe("policy lambda-consumer-concurrency-bounded", () => {
    it("passes maximumConcurrency equal to reserved concurrency", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });

    it("passes maximumConcurrency alone (no reserved concurrency)", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: undefined } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });

    it("passes provisioned pollers alone", async () => {
        const lane = buildLane({
            fn: { reservedConcurrentExecutions: -1 },
            mapping: { scalingConfig: undefined, provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 10 } },
        });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });

    it("reports reserved concurrency alone: the pollers ignore it and throttled receives count", async () => {
        const lane = buildLane({ mapping: { scalingConfig: undefined } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' must set scalingConfig.maximumConcurrency (2..1000, within the reserved 5) or provisionedPollerConfig: reservedConcurrentExecutions alone does not slow the pollers, and their throttled receives count toward maxReceiveCount; found reservedConcurrentExecutions 5 and neither.",
            resource: lane.mapping,
            enforcementLevel: "mandatory",
        });
    });

    it("reports a consumer with neither bound (-1 means no reservation)", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: -1 }, mapping: { scalingConfig: undefined } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' must bound the concurrency of Lambda function 'pager-fn' with scalingConfig.maximumConcurrency (2..1000) or provisionedPollerConfig; found neither.",
            resource: lane.mapping,
        });
    });

    it("reports reserved concurrency 0 (every invocation throttles)", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: 0 } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Lambda function 'pager-fn' reservedConcurrentExecutions must not be 0 for a consumer of SQS (every invocation is throttled); found 0.",
            resource: lane.fn,
        });
    });

    it("reports maximumConcurrency 1, below AWS's range 2..1000", async () => {
        const lane = buildLane({ mapping: { scalingConfig: { maximumConcurrency: 1 } } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertOnlyViolation(violations, {
            message: "Event source mapping 'pager-mapping' scalingConfig.maximumConcurrency must be between 2 and 1000; found 1.",
            resource: lane.mapping,
        });
    });

    it("reports maximumConcurrency above reserved concurrency", async () => {
        const lane = buildLane({ mapping: { scalingConfig: { maximumConcurrency: 10 } } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Lambda function 'pager-fn' reservedConcurrentExecutions must be at least the sum of scalingConfig.maximumConcurrency over its SQS mappings (10: 'pager-mapping' 10); found 5.",
            resource: lane.fn,
        });
    });

    it("reports reserved concurrency below the sum over two mappings, each within it", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: 8 } });
        const second = secondMappingOnDlq(lane);

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, [...lane.resources, second]);

        assertOnlyViolation(violations, {
            message:
                "Lambda function 'pager-fn' reservedConcurrentExecutions must be at least the sum of scalingConfig.maximumConcurrency over its SQS mappings (10: 'pager-mapping' 5, 'pager-mapping-2' 5); found 8.",
        });
    });

    it("passes reserved concurrency equal to the sum over two mappings", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: 10 } });
        const second = secondMappingOnDlq(lane);

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, [...lane.resources, second]);

        assertNoViolations(violations);
    });

    it("reports maximumConcurrency combined with provisioned pollers (AWS rejects it)", async () => {
        const lane = buildLane({ mapping: { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 10 } } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' must not set both scalingConfig.maximumConcurrency and provisionedPollerConfig (AWS rejects the combination); choose one.",
            resource: lane.mapping,
        });
    });

    for (const [config, message] of [
        [{ minimumPollers: 0, maximumPollers: 10 }, "provisionedPollerConfig.minimumPollers must be between 1 and 200; found 0."],
        [{ minimumPollers: 1, maximumPollers: 2001 }, "provisionedPollerConfig.maximumPollers must be between 1 and 2000; found 2001."],
        [
            { minimumPollers: 20, maximumPollers: 10 },
            "provisionedPollerConfig.minimumPollers must not exceed maximumPollers (10); found 20.",
        ],
    ] as const) {
        it(`reports provisioned pollers ${JSON.stringify(config)}`, async () => {
            const lane = buildLane({ mapping: { scalingConfig: undefined, provisionedPollerConfig: config } });

            const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

            assertOnlyViolation(violations, { message, resource: lane.mapping });
        });
    }

    it("reports a reserved concurrency unknown at preview", async () => {
        const lane = laneWithUnknown("fn", "reservedConcurrentExecutions", "queue");

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertOnlyViolation(violations, {
            message: "Lambda function 'pager-fn' reservedConcurrentExecutions is unknown at preview",
            resource: lane.fn,
        });
    });

    it("reports provisioned pollers unknown at preview", async () => {
        const lane = buildLane({
            mapping: { scalingConfig: undefined, provisionedPollerConfig: UNKNOWN },
            dependsOn: { mapping: { provisionedPollerConfig: ["queue"] } },
        });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertOnlyViolation(violations, {
            message: "Event source mapping 'pager-mapping' provisionedPollerConfig is unknown at preview",
            resource: lane.mapping,
        });
    });

    it("follows a mapping whose functionName is an alias ARN (unknown at preview) to the function", async () => {
        const lane = buildLane({ mapping: { scalingConfig: { maximumConcurrency: 10 } } });
        const alias = unknownAliasOf(lane.fn);
        const mapping = mappingThroughAlias(lane, alias);

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, [
            ...lane.resources.filter((r) => r !== lane.mapping),
            alias,
            mapping,
        ]);

        assertOnlyViolation(violations, {
            message: "Lambda function 'pager-fn' reservedConcurrentExecutions must be at least the sum",
            resource: lane.fn,
        });
    });
});

describe("policy lambda-esm-batch-window: AWS's limits", () => {
    it("does not tell a FIFO mapping to set a batching window (FIFO forbids one)", async () => {
        const lane = buildLane({ fifo: true, mapping: { batchSize: 20 } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertNoViolations(violations);
    });

    it("reports batchSize 10,001, above AWS's 10,000", async () => {
        const lane = buildLane({ mapping: { batchSize: 10_001 } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertOnlyViolation(violations, {
            message: "Event source mapping 'pager-mapping' batchSize must be at most 10000; found 10001.",
            resource: lane.mapping,
        });
    });

    it("passes batchSize 10,000 with a window", async () => {
        const lane = buildLane({ mapping: { batchSize: 10_000 } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a batching window of 301 s, above AWS's 300", async () => {
        const lane = buildLane({ mapping: { maximumBatchingWindowInSeconds: 301 }, queue: { visibilityTimeoutSeconds: 600 } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertOnlyViolation(violations, {
            message: "Event source mapping 'pager-mapping' maximumBatchingWindowInSeconds must be at most 300; found 301.",
            resource: lane.mapping,
        });
    });
});

describe("policy sqs-visibility-timeout-covers-consumers: the batching window counts", () => {
    it("reports a visibility of exactly 6 x timeout, short of 6 x timeout + window", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: 180 } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, { message: "= 185 s; found 180 s.", resource: lane.queue });
    });

    it("reports one second short of 6 x timeout + window", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: 184 } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, { message: "found 184 s." });
    });

    it("follows a mapping whose functionName is a qualified name 'fn:live'", async () => {
        const lane = buildLane({ linkByValueOnly: true, mapping: { functionName: "pager-fn:live" }, fn: { timeout: 60 } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, { message: "at least 6 x 60 s (timeout of Lambda function 'pager-fn')", resource: lane.queue });
    });
});

describe("policy lambda-esm-filter-drops-messages", () => {
    it("passes a mapping without filterCriteria", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaEsmFilterDropsMessages, lane.resources);

        assertNoViolations(violations);
    });

    it("reports, as advisory, an SQS mapping with filterCriteria (Lambda deletes what matches no filter)", async () => {
        const lane = buildLane({
            mapping: { filterCriteria: { filters: [{ pattern: JSON.stringify({ body: { severity: ["high"] } }) }] } },
        });

        const violations = await runStackPolicy(lambdaEsmFilterDropsMessages, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' has filterCriteria on SQS queue 'pager': Lambda deletes every message that matches no filter, and it reaches neither the consumer nor the dead-letter queue; filter in the producer or the handler instead.",
            resource: lane.mapping,
            enforcementLevel: "advisory",
        });
    });

    it("leaves a Kinesis mapping with filterCriteria alone", async () => {
        const lane = buildLane({
            mapping: { eventSourceArn: KINESIS_ARN, filterCriteria: { filters: [{ pattern: "{}" }] } },
            linkByValueOnly: true,
        });

        const violations = await runStackPolicy(lambdaEsmFilterDropsMessages, lane.resources);

        assertNoViolations(violations);
    });

    it("reports filterCriteria unknown at preview", async () => {
        const lane = laneWithUnknown("mapping", "filterCriteria", "queue");

        const violations = await runStackPolicy(lambdaEsmFilterDropsMessages, lane.resources);

        assertOnlyViolation(violations, { message: "filterCriteria is unknown at preview" });
    });
});

describe("policy lambda-consumer-concurrency-bounded and lambda-esm-batch-window at AWS's edges", () => {
    it("passes maximumConcurrency 1000, the top of AWS's range (reserved concurrency as high)", async () => {
        const lane = buildLane({ mapping: { scalingConfig: { maximumConcurrency: 1000 } }, fn: { reservedConcurrentExecutions: 1000 } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });

    it("passes provisioned pollers at both ends of AWS's ranges, minimum equal to maximum", async () => {
        const lane = buildLane({
            mapping: { scalingConfig: undefined, provisionedPollerConfig: { minimumPollers: 200, maximumPollers: 200 } },
        });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });

    it("passes provisioned pollers 1..2000", async () => {
        const lane = buildLane({
            mapping: { scalingConfig: undefined, provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 2000 } },
        });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });

    it("passes batchSize 10 without a window (the most Lambda allows without one)", async () => {
        const lane = buildLane({ mapping: { batchSize: 10, maximumBatchingWindowInSeconds: undefined } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertNoViolations(violations);
    });

    it("reports batchSize 11 without a window", async () => {
        const lane = buildLane({ mapping: { batchSize: 11, maximumBatchingWindowInSeconds: undefined } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertOnlyViolation(violations, {
            message: "batchSize is 11, above 10, so maximumBatchingWindowInSeconds must be at least 1; found 0.",
            resource: lane.mapping,
        });
    });

    it("passes batchSize 11 with a window of 1 s", async () => {
        const lane = buildLane({ mapping: { batchSize: 11, maximumBatchingWindowInSeconds: 1 } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertNoViolations(violations);
    });
});

describe("policy lambda-consumer-concurrency-bounded: the edges of AWS's ranges", () => {
    it("reports maximumConcurrency 1001, above AWS's range 2..1000", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: 2000 }, mapping: { scalingConfig: { maximumConcurrency: 1001 } } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertViolation(violations, {
            message: "Event source mapping 'pager-mapping' scalingConfig.maximumConcurrency must be between 2 and 1000; found 1001.",
            resource: lane.mapping,
        });
    });

    it("passes maximumConcurrency 2, the bottom of AWS's range", async () => {
        const lane = buildLane({ mapping: { scalingConfig: { maximumConcurrency: 2 } } });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });

    it("sums maximumConcurrency over a mapping on the function and one on its alias", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: 8 } });
        const alias = unknownAliasOf(lane.fn);
        const second = fakeResource(
            aws.lambda.EventSourceMapping,
            "pager-mapping-2",
            { ...lane.mapping.props, eventSourceArn: queueArn("pager-dlq"), functionName: UNKNOWN },
            { propertyDependencies: { eventSourceArn: [lane.dlq], functionName: [alias] } },
        );

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, [...lane.resources, alias, second]);

        assertViolation(violations, {
            message:
                "Lambda function 'pager-fn' reservedConcurrentExecutions must be at least the sum of scalingConfig.maximumConcurrency over its SQS mappings (10: 'pager-mapping' 5, 'pager-mapping-2' 5); found 8.",
            resource: lane.fn,
        });
    });
});

describe("policy lambda-esm-batch-window: at AWS's limits", () => {
    it("passes a batching window of 300 s, AWS's maximum", async () => {
        const lane = buildLane({ mapping: { batchSize: 100, maximumBatchingWindowInSeconds: 300 } });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertNoViolations(violations);
    });
});

describe("event source mapping rules: a mapping whose queue is unknown at preview", () => {
    /** A lane whose mapping's eventSourceArn is unknown and came from no queue (a role stands in for another stack). */
    const unknownSource = (mapping: PropsOf<aws.lambda.EventSourceMappingArgs> = {}) =>
        buildLane({ mapping: { eventSourceArn: UNKNOWN, ...mapping }, dependsOn: { mapping: { eventSourceArn: ["role"] } } });
    const unknownSourceViolation = (lane: ReturnType<typeof buildLane>) => ({
        message: "Event source mapping 'pager-mapping' eventSourceArn is unknown at preview",
        resource: lane.mapping,
    });

    it("reports the unknown source, not a missing ReportBatchItemFailures", async () => {
        const lane = unknownSource({ functionResponseTypes: [] });

        const violations = await runStackPolicy(lambdaEsmReportsBatchItemFailures, lane.resources);

        assertOnlyViolation(violations, unknownSourceViolation(lane));
    });

    it("reports the unknown source of a mapping with a batching window to the FIFO rule", async () => {
        const lane = unknownSource();

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertOnlyViolation(violations, unknownSourceViolation(lane));
    });

    it("reports the unknown source of a mapping with batchSize 100 and no window to the batch-window rule", async () => {
        const lane = unknownSource({ batchSize: 100, maximumBatchingWindowInSeconds: 0 });

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertOnlyViolation(violations, unknownSourceViolation(lane));
    });

    it("passes a mapping of unknown source whose batch needs no window", async () => {
        const lane = unknownSource();

        const violations = await runStackPolicy(lambdaEsmBatchWindow, lane.resources);

        assertNoViolations(violations);
    });

    it("reports the unknown source of a mapping with filterCriteria", async () => {
        const lane = unknownSource({ filterCriteria: { filters: [{ pattern: "{}" }] } });

        const violations = await runStackPolicy(lambdaEsmFilterDropsMessages, lane.resources);

        assertOnlyViolation(violations, unknownSourceViolation(lane));
    });

    it("leaves the concurrency of a mapping of unknown source to the rules that report the source", async () => {
        const lane = unknownSource({ scalingConfig: undefined });

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertNoViolations(violations);
    });
});

/**
 * One case of a value unknown at preview: the lane that holds it, the rule that reads it, and what
 * that rule reports (nothing, when the value is not one it needs).
 */
interface UnknownValueCase {
    readonly title: string;
    readonly lane: () => Lane;
    readonly rule: StackValidationPolicy;
    readonly expected?: (lane: Lane) => ExpectedViolation;
}

const UNKNOWN_VALUE_CASES: readonly UnknownValueCase[] = [
    {
        title: "reports a function timeout unknown at preview, and nothing else",
        lane: () => laneWithUnknown("fn", "timeout", "role"),
        rule: sqsVisibilityTimeoutCoversConsumers,
        expected: (lane) => ({ message: "Lambda function 'pager-fn' timeout is unknown at preview", resource: lane.fn }),
    },
    {
        title: "reports a batching window unknown at preview to the visibility rule, and nothing else",
        lane: () => laneWithUnknown("mapping", "maximumBatchingWindowInSeconds", "role"),
        rule: sqsVisibilityTimeoutCoversConsumers,
        expected: (lane) => ({
            message: "Event source mapping 'pager-mapping' maximumBatchingWindowInSeconds is unknown at preview",
            resource: lane.mapping,
        }),
    },
    {
        title: "does not ask a queue nobody consumes for its visibility timeout",
        lane: () => laneWithUnknown("dlq", "visibilityTimeoutSeconds", "role"),
        rule: sqsVisibilityTimeoutCoversConsumers,
    },
    {
        title: "reports a FIFO mapping's batching window unknown at preview, and nothing else",
        lane: () =>
            buildLane({
                fifo: true,
                mapping: { maximumBatchingWindowInSeconds: UNKNOWN },
                dependsOn: { mapping: { maximumBatchingWindowInSeconds: ["role"] } },
            }),
        rule: lambdaEsmFifoBatching,
        expected: (lane) => ({ message: "maximumBatchingWindowInSeconds is unknown at preview", resource: lane.mapping }),
    },
    {
        title: "reports on the queue whether it is FIFO when its fifoQueue is unknown (FIFO rule)",
        lane: () => laneWithUnknown("queue", "fifoQueue", "role"),
        rule: lambdaEsmFifoBatching,
        expected: (lane) => ({ message: "SQS queue 'pager' fifoQueue is unknown at preview", resource: lane.queue }),
    },
    {
        title: "reports on the queue whether it is FIFO when its fifoQueue is unknown (batch-window rule)",
        lane: () =>
            buildLane({
                queue: { fifoQueue: UNKNOWN },
                mapping: { batchSize: 100, maximumBatchingWindowInSeconds: 0 },
                dependsOn: { queue: { fifoQueue: ["role"] } },
            }),
        rule: lambdaEsmBatchWindow,
        expected: (lane) => ({ message: "SQS queue 'pager' fifoQueue is unknown at preview", resource: lane.queue }),
    },
    {
        title: "reports a batchSize unknown at preview to the batch-window rule, and nothing else",
        lane: () => laneWithUnknown("mapping", "batchSize", "role"),
        rule: lambdaEsmBatchWindow,
        expected: (lane) => ({ message: "Event source mapping 'pager-mapping' batchSize is unknown at preview", resource: lane.mapping }),
    },
    {
        title: "reports a maximumConcurrency unknown at preview, and nothing else",
        lane: () =>
            buildLane({
                mapping: { scalingConfig: { maximumConcurrency: UNKNOWN } },
                dependsOn: { mapping: { scalingConfig: ["role"] } },
            }),
        rule: lambdaConsumerConcurrencyBounded,
        expected: (lane) => ({
            message: "Event source mapping 'pager-mapping' scalingConfig.maximumConcurrency is unknown at preview",
            resource: lane.mapping,
        }),
    },
];

describe("event source mapping rules: other values unknown at preview", () => {
    for (const { title, lane: laneOf, rule, expected } of UNKNOWN_VALUE_CASES) {
        it(title, async () => {
            const lane = laneOf();

            const violations = await runStackPolicy(rule, lane.resources);

            if (expected === undefined) {
                assertNoViolations(violations);
            } else {
                assertOnlyViolation(violations, expected(lane));
            }
        });
    }
});

describe("event source mapping rules: messages", () => {
    it("reports a mapping on a queue outside the stack, which the visibility rule cannot check", async () => {
        const lane = buildLane({ mapping: { eventSourceArn: queueArn("elsewhere") }, dependsOn: { mapping: { eventSourceArn: [] } } });

        const violations = await runStackPolicy(sqsVisibilityTimeoutCoversConsumers, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' event source queue must be declared in this stack so this rule can check it; found 'arn:aws:sqs:eu-west-1:123456789012:elsewhere'.",
            resource: lane.mapping,
        });
    });

    it("names both problems of a FIFO mapping with a batch above 10 and a window", async () => {
        const lane = buildLane({ fifo: true, mapping: { batchSize: 11, maximumBatchingWindowInSeconds: 5 } });

        const violations = await runStackPolicy(lambdaEsmFifoBatching, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' reads FIFO queue SQS queue 'pager', so batchSize must be at most 10; found 11; and maximumBatchingWindowInSeconds must be unset or 0; found 5.",
        });
    });

    it("reports a consumer function outside the stack to the concurrency rule", async () => {
        const lane = laneWithForeignConsumer();

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "Event source mapping 'pager-mapping' function must be declared in this stack so this rule can check it; found 'arn:aws:lambda:eu-west-1:123456789012:function:elsewhere'.",
        });
    });

    it("sums maximumConcurrency only over the mappings that set it, beside one with provisioned pollers", async () => {
        const lane = buildLane({ fn: { reservedConcurrentExecutions: 4 } });
        const pollers = fakeResource(
            aws.lambda.EventSourceMapping,
            "pager-mapping-pollers",
            {
                ...lane.mapping.props,
                eventSourceArn: queueArn("pager-dlq"),
                scalingConfig: undefined,
                provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 2 },
            },
            { propertyDependencies: { functionName: [lane.fn] } },
        );

        const violations = await runStackPolicy(lambdaConsumerConcurrencyBounded, [...lane.resources, pollers]);

        assertOnlyViolation(violations, {
            message:
                "Lambda function 'pager-fn' reservedConcurrentExecutions must be at least the sum of scalingConfig.maximumConcurrency over its SQS mappings (5: 'pager-mapping' 5); found 4.",
        });
    });
});
