/**
 * One lane's options, checked and resolved without Pulumi (pipeline/lane-settings.ts): the field
 * each problem names, the edges of the cross-field checks, and the derived settings the component
 * tests (tests/pipeline/component-*.test.ts) see only through resources. Found untested by the
 * `pipeline` mutation scope (issue 18).
 */
import assert from "node:assert/strict";
import {
    computeLaneSettings,
    consumerConcurrencyBound,
    consumerEnvironment,
    DEAD_LETTER_RETENTION_SECONDS,
    LaneKind,
    validatePipelineOptions,
} from "../../pipeline";

/** Every problem of `options` given to the standard lane (escalation). */
function escalationProblems(options: unknown): readonly string[] {
    return validatePipelineOptions({ escalation: options });
}

/** Every problem of `options` given to the FIFO lane (toolCall). */
function toolCallProblems(options: unknown): readonly string[] {
    return validatePipelineOptions({ toolCall: options });
}

describe("lane options", () => {
    describe("the field each range problem names", () => {
        for (const [field, value, range] of [
            ["memorySizeMb", 64, "128 and 10240"],
            ["oldestMessageAgeSlaSeconds", 30, "60 and 1209600"],
            ["reservedConcurrency", 1, "2 and 1000"],
            ["maximumMessageSizeBytes", 1024, "8192 and 1048576"],
        ] as const) {
            it(`names '${field}' with its range`, () => {
                assert.deepEqual(escalationProblems({ [field]: value }), [
                    `'pipeline.escalation.${field}' must be an integer between ${range}, ${value} given`,
                ]);
            });
        }

        it("keeps a lane's retention below the DLQ's, so a redriven message cannot outlive its copy", () => {
            assert.deepEqual(escalationProblems({ messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS }), [
                `'pipeline.escalation.messageRetentionSeconds' must be an integer between 60 and ${DEAD_LETTER_RETENTION_SECONDS - 1}, ${DEAD_LETTER_RETENTION_SECONDS} given`,
            ]);
        });
    });

    describe("maximumConcurrency against reservedConcurrency", () => {
        it("accepts maximumConcurrency without reservedConcurrency", () => {
            assert.deepEqual(escalationProblems({ maximumConcurrency: 3 }), []);
        });

        it("accepts maximumConcurrency equal to reservedConcurrency", () => {
            assert.deepEqual(escalationProblems({ maximumConcurrency: 10, reservedConcurrency: 10 }), []);
        });

        it("rejects maximumConcurrency above reservedConcurrency", () => {
            assert.deepEqual(escalationProblems({ maximumConcurrency: 11, reservedConcurrency: 10 }), [
                "'pipeline.escalation.maximumConcurrency' must be at most reservedConcurrency (10), or throttled messages drift into the DLQ; 11 given",
            ]);
        });

        it("reports only the range of a maximumConcurrency out of range, not its comparison too", () => {
            assert.deepEqual(escalationProblems({ maximumConcurrency: 5000, reservedConcurrency: 10 }), [
                "'pipeline.escalation.maximumConcurrency' must be an integer between 2 and 1000, 5000 given",
            ]);
        });
    });

    describe("provisioned pollers", () => {
        it("accepts pollers with reserved concurrency", () => {
            assert.deepEqual(
                escalationProblems({ provisionedPollers: { minimumPollers: 5, maximumPollers: 50 }, reservedConcurrency: 50 }),
                [],
            );
        });

        it("refuses pollers that are not an object", () => {
            assert.deepEqual(escalationProblems({ provisionedPollers: 5, reservedConcurrency: 10 }), [
                "'pipeline.escalation.provisionedPollers' must be an object, 5 given",
            ]);
        });

        it("names each poller count out of range", () => {
            assert.deepEqual(
                escalationProblems({ provisionedPollers: { minimumPollers: 1, maximumPollers: 3000 }, reservedConcurrency: 10 }),
                [
                    "'pipeline.escalation.provisionedPollers.minimumPollers' must be an integer between 2 and 200, 1 given",
                    "'pipeline.escalation.provisionedPollers.maximumPollers' must be an integer between 2 and 2000, 3000 given",
                ],
            );
        });

        it("accepts as many maximum pollers as minimum", () => {
            assert.deepEqual(
                escalationProblems({ provisionedPollers: { minimumPollers: 100, maximumPollers: 100 }, reservedConcurrency: 10 }),
                [],
            );
        });

        it("rejects fewer maximum pollers than minimum", () => {
            assert.deepEqual(
                escalationProblems({ provisionedPollers: { minimumPollers: 150, maximumPollers: 100 }, reservedConcurrency: 10 }),
                ["'pipeline.escalation.provisionedPollers.maximumPollers' must be at least minimumPollers (150), 100 given"],
            );
        });

        it("compares a given maximum with the default minimum", () => {
            assert.deepEqual(escalationProblems({ provisionedPollers: { maximumPollers: 2 }, reservedConcurrency: 10 }), []);
        });

        it("does not compare a poller count that is out of range", () => {
            assert.deepEqual(
                escalationProblems({ provisionedPollers: { minimumPollers: 250, maximumPollers: 100 }, reservedConcurrency: 10 }),
                ["'pipeline.escalation.provisionedPollers.minimumPollers' must be an integer between 2 and 200, 250 given"],
            );
        });

        it("requires reserved concurrency with pollers", () => {
            assert.deepEqual(escalationProblems({ provisionedPollers: {} }), [
                "'pipeline.escalation.reservedConcurrency' must be set with 'pipeline.escalation.provisionedPollers': provisioned pollers replace maximumConcurrency, so reserved concurrency (2..1000) is what bounds the consumer; nothing given",
            ]);
        });

        it("refuses maximumConcurrency beside pollers, naming the value", () => {
            const problems = escalationProblems({ provisionedPollers: {}, reservedConcurrency: 10, maximumConcurrency: 5 });

            assert.equal(problems.length, 1);
            assert.match(
                problems[0]!,
                /^'pipeline\.escalation\.maximumConcurrency' cannot be combined with 'pipeline\.escalation\.provisionedPollers': AWS accepts one or the other on an SQS event source mapping \(maximumConcurrency caps .*remove one of them, 5 given for maximumConcurrency$/,
            );
        });
    });

    describe("lane alarms", () => {
        it("refuses alarms that are not an object", () => {
            assert.deepEqual(escalationProblems({ alarms: [] }), ["'pipeline.escalation.alarms' must be an object, [] given"]);
        });

        it("names an unknown alarm setting", () => {
            assert.deepEqual(escalationProblems({ alarms: { depth: 1 } }), [
                "'pipeline.escalation.alarms.depth' is not a known setting; known settings are deadLetterQueueDepthMinutes, routes",
            ]);
        });

        it("names the DLQ depth minutes out of range", () => {
            assert.deepEqual(escalationProblems({ alarms: { deadLetterQueueDepthMinutes: 0 } }), [
                "'pipeline.escalation.alarms.deadLetterQueueDepthMinutes' must be an integer between 1 and 60, 0 given",
            ]);
        });

        it("names a route that is neither page nor slack", () => {
            assert.deepEqual(escalationProblems({ alarms: { routes: { functionErrors: "email" } } }), [
                `'pipeline.escalation.alarms.routes.functionErrors' must be one of "page", "slack", "email" given`,
            ]);
        });

        it("reports an unknown alarm kind once, as unknown", () => {
            assert.deepEqual(escalationProblems({ alarms: { routes: { latency: "email" } } }), [
                "'pipeline.escalation.alarms.routes.latency' is not a known setting; known settings are deadLetterQueueDepth, oldestMessageAge, functionErrors, functionThrottles",
            ]);
        });

        it("refuses routes that are not an object", () => {
            assert.deepEqual(escalationProblems({ alarms: { routes: "page" } }), [
                "'pipeline.escalation.alarms.routes' must be an object, \"page\" given",
            ]);
        });
    });

    describe("batching", () => {
        it("accepts a batching window of 0 on a FIFO lane", () => {
            assert.deepEqual(toolCallProblems({ batchingWindowSeconds: 0 }), []);
        });

        it("refuses a batching window on a FIFO lane without also holding the visibility to it", () => {
            assert.deepEqual(toolCallProblems({ batchingWindowSeconds: 5, visibilityTimeoutSeconds: 180 }), [
                "'pipeline.toolCall.batchingWindowSeconds' must be 0 on a FIFO lane (FIFO event source mappings accept no batching window), 5 given",
            ]);
        });

        it("accepts a batch of 10 without a window", () => {
            assert.deepEqual(escalationProblems({ batchSize: 10 }), []);
        });

        it("refuses a batch of 11 without a window", () => {
            assert.deepEqual(escalationProblems({ batchSize: 11 }), [
                "'pipeline.escalation.batchSize' must be at most 10 unless 'pipeline.escalation.batchingWindowSeconds' is at least 1, 11 given with a window of 0",
            ]);
        });

        it("reports only the range of a batch size out of range", () => {
            assert.deepEqual(escalationProblems({ batchSize: 20_000 }), [
                "'pipeline.escalation.batchSize' must be an integer between 1 and 10000, 20000 given",
            ]);
        });
    });

    describe("visibility timeout", () => {
        it("measures the minimum from the function timeout given", () => {
            assert.deepEqual(escalationProblems({ functionTimeoutSeconds: 60, visibilityTimeoutSeconds: 300 }), [
                "'pipeline.escalation.visibilityTimeoutSeconds' must be an integer between 360 (6 x functionTimeoutSeconds 60 + batchingWindowSeconds 0) and 43200, 300 given",
            ]);
        });

        it("accepts SQS's longest visibility timeout, 43,200 s", () => {
            assert.deepEqual(escalationProblems({ visibilityTimeoutSeconds: 43_200 }), []);
        });

        it("refuses a visibility timeout that is not a whole number", () => {
            assert.match(
                escalationProblems({ visibilityTimeoutSeconds: 200.5 })[0]!,
                /visibilityTimeoutSeconds' must be an integer between 180 .* 200\.5 given$/,
            );
        });
    });

    describe("backoff tiers", () => {
        it("refuses an empty list of tiers", () => {
            assert.deepEqual(escalationProblems({ backoffTiersSeconds: [] }), [
                "'pipeline.escalation.backoffTiersSeconds' must list at least one tier, [] given",
            ]);
        });

        it("accepts tiers that stay the same or grow", () => {
            assert.deepEqual(escalationProblems({ backoffTiersSeconds: [5, 5, 30] }), []);
        });

        it("refuses tiers that decrease", () => {
            assert.deepEqual(escalationProblems({ backoffTiersSeconds: [30, 5] }), [
                "'pipeline.escalation.backoffTiersSeconds' must not decrease from one attempt to the next, [30,5] given",
            ]);
        });
    });

    describe("FIFO-only options", () => {
        it("names a highThroughput that is no boolean", () => {
            assert.deepEqual(toolCallProblems({ highThroughput: "yes" }), [
                "'pipeline.toolCall.highThroughput' must be true or false, \"yes\" given",
            ]);
        });

        it("reports a FIFO option on the standard lane once, as unknown", () => {
            const problems = escalationProblems({ highThroughput: "yes" });

            assert.equal(problems.length, 1);
            assert.match(problems[0]!, /^'pipeline\.escalation\.highThroughput' is not a known setting/);
        });
    });

    describe("resolved settings", () => {
        it("scopes deduplication and throughput per message group on a high-throughput FIFO lane", () => {
            const { queue } = computeLaneSettings(LaneKind.fifo, { highThroughput: true });

            assert.deepEqual([queue.deduplicationScope, queue.fifoThroughputLimit], ["messageGroup", "perMessageGroupId"]);
        });

        it("scopes deduplication and throughput per queue on a FIFO lane by default", () => {
            const { queue } = computeLaneSettings(LaneKind.fifo);

            assert.deepEqual([queue.deduplicationScope, queue.fifoThroughputLimit], ["queue", "perQueue"]);
        });

        it("takes the memory, batch size and maximum message size given", () => {
            const settings = computeLaneSettings(LaneKind.standard, { memorySizeMb: 512, batchSize: 3, maximumMessageSizeBytes: 65_536 });

            assert.deepEqual(
                [
                    settings.consumer.memorySizeMb,
                    settings.mapping.batchSize,
                    settings.queue.maximumMessageSizeBytes,
                    settings.deadLetterQueue.maximumMessageSizeBytes,
                ],
                [512, 3, 65_536, 65_536],
            );
        });

        it("fills in the default poller counts and sets no maximumConcurrency with pollers", () => {
            const { mapping } = computeLaneSettings(LaneKind.standard, {
                provisionedPollers: { minimumPollers: 5 },
                reservedConcurrency: 20,
            });

            assert.deepEqual(mapping, {
                batchSize: 10,
                maximumBatchingWindowSeconds: 0,
                provisionedPollers: { minimumPollers: 5, maximumPollers: 200 },
            });
        });

        it("takes both poller counts given", () => {
            const { mapping } = computeLaneSettings(LaneKind.standard, {
                provisionedPollers: { minimumPollers: 3, maximumPollers: 30 },
                reservedConcurrency: 20,
            });

            assert.deepEqual(mapping.provisionedPollers, { minimumPollers: 3, maximumPollers: 30 });
        });

        it("takes the DLQ depth minutes given and merges the routes given over the defaults", () => {
            const { alarms } = computeLaneSettings(LaneKind.standard, {
                alarms: { deadLetterQueueDepthMinutes: 10, routes: { functionErrors: "page" } },
            });

            assert.deepEqual(alarms, {
                deadLetterQueueDepthMinutes: 10,
                routes: { deadLetterQueueDepth: "page", oldestMessageAge: "page", functionErrors: "page", functionThrottles: "slack" },
            });
        });

        it("bounds a lane's concurrency by its reserved concurrency first", () => {
            assert.equal(
                consumerConcurrencyBound(computeLaneSettings(LaneKind.standard, { reservedConcurrency: 20, maximumConcurrency: 7 })),
                20,
            );
        });

        it("bounds a lane without reserved concurrency by its mapping's maximumConcurrency", () => {
            assert.equal(consumerConcurrencyBound(computeLaneSettings(LaneKind.standard, { maximumConcurrency: 7 })), 7);
        });

        it("bounds a provisioned lane without reserved concurrency by the default maximumConcurrency", () => {
            assert.equal(consumerConcurrencyBound(computeLaneSettings(LaneKind.standard, { provisionedPollers: {} })), 5);
        });
    });

    describe("the consumer's environment", () => {
        it("tells a consumer its lane's numbers and resources, one variable each", () => {
            const settings = computeLaneSettings(LaneKind.standard, {
                maxReceiveCount: 4,
                visibilityTimeoutSeconds: 600,
                backoffTiersSeconds: [5, 60],
                maximumMessageSizeBytes: 65_536,
            });

            const environment = consumerEnvironment({
                settings,
                functionName: "p-escalation-pager",
                logLevel: "WARN",
                handlerVersion: "v9",
                queueUrl: "https://sqs/q",
                deadLetterQueueUrl: "https://sqs/q-dlq",
                idempotencyTableName: "p-idempotency",
                payloadBucketName: "p-payloads",
            });

            assert.deepEqual(environment, {
                QUEUE_URL: "https://sqs/q",
                DEAD_LETTER_QUEUE_URL: "https://sqs/q-dlq",
                MAX_RECEIVE_COUNT: "4",
                VISIBILITY_TIMEOUT_SECONDS: "600",
                BACKOFF_TIERS_SECONDS: "5,60",
                IDEMPOTENCY_TABLE_NAME: "p-idempotency",
                IDEMPOTENCY_EXPIRY_SECONDS: "86400",
                PAYLOAD_BUCKET_NAME: "p-payloads",
                MAXIMUM_MESSAGE_SIZE_BYTES: "65536",
                DEAD_LETTER_MAXIMUM_MESSAGE_SIZE_BYTES: "65536",
                HANDLER_VERSION: "v9",
                POWERTOOLS_SERVICE_NAME: "p-escalation-pager",
                POWERTOOLS_LOG_LEVEL: "WARN",
            });
        });
    });
});
