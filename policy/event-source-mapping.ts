import { PolicyResource } from "@pulumi/policy";
import { AwsDefaults, AwsLimits } from "./aws-facts";
import { describe, describeTarget, seconds } from "./messages";
import { isFifoQueue, visibilityTimeoutOf } from "./queue-settings";
import { EventSourceMappingProps, FunctionProps, propsOf } from "./resource-props";
import { ResourceTypes } from "./resource-types";
import { Reporter, stackRule } from "./rule";
import { MappingLink, readsSqs, SqsMappingLink, StackIndex } from "./stack-index";
import { orDefault, Reading, readOutput } from "./unknown-values";

const REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";

function batchingWindowOf(mapping: PolicyResource): Reading<number> {
    return orDefault(
        readOutput(mapping, () => propsOf<EventSourceMappingProps>(mapping).maximumBatchingWindowInSeconds),
        AwsDefaults.batchingWindowSeconds,
    );
}

function batchSizeOf(mapping: PolicyResource): Reading<number> {
    return orDefault(
        readOutput(mapping, () => propsOf<EventSourceMappingProps>(mapping).batchSize),
        AwsDefaults.sqsBatchSize,
    );
}

function functionTimeoutOf(fn: PolicyResource): Reading<number> {
    return orDefault(
        readOutput(fn, () => propsOf<FunctionProps>(fn).timeout),
        AwsDefaults.functionTimeoutSeconds,
    );
}

/**
 * Runs `check` for every mapping whose source may be SQS: a queue of the stack, an SQS ARN
 * outside it, or a source unknown at preview (a check decides whether that matters).
 */
function forEachPossibleSqsMapping(index: StackIndex, report: Reporter, check: (link: MappingLink) => void): void {
    for (const link of index.mappings) {
        if (link.queue.kind !== "absent") {
            report.forResource(link.mapping, () => check(link));
        }
    }
}

/** Reports that a mapping's source, which may be an SQS queue, is unknown at preview. */
function reportUnknownSource(report: Reporter, link: MappingLink): void {
    report.unknown(link.mapping, link.queue.kind === "unknown" ? link.queue.path : "eventSourceArn");
}

/**
 * Whether the mapping reads SQS; a source unknown at preview is reported here, so a rule that has
 * found something to say asks this last and says it only of a known queue.
 */
function readsSqsOrReportUnknown(report: Reporter, link: MappingLink): link is SqsMappingLink {
    if (readsSqs(link)) {
        return true;
    }
    reportUnknownSource(report, link);
    return false;
}

/**
 * Runs `check` for every mapping that may read SQS whose batchSize and batching window (as AWS
 * applies them) are both known; knownValue reports the one unknown at preview.
 */
function forEachKnownBatching(
    index: StackIndex,
    report: Reporter,
    check: (link: MappingLink, batching: { readonly batchSize: number; readonly window: number }) => void,
): void {
    forEachPossibleSqsMapping(index, report, (link) => {
        const batchSize = report.knownValue(link.mapping, batchSizeOf(link.mapping));
        const window = report.knownValue(link.mapping, batchingWindowOf(link.mapping));
        if (batchSize !== undefined && window !== undefined) {
            check(link, { batchSize: batchSize.value, window: window.value });
        }
    });
}

/**
 * Whether the queue a mapping reads is FIFO: undefined (reported, on the queue of the stack or else
 * on the mapping) when that is unknown at preview.
 */
function knownFifoOf(report: Reporter, link: SqsMappingLink): boolean | undefined {
    return report.knownValue(link.queue.kind === "resource" ? link.queue.resource : link.mapping, isFifoQueue(link.queue))?.value;
}

interface VisibilityConfig {
    readonly timeoutMultiplier: number;
}

/**
 * Mandatory (mission rule): while a consumer still works on a batch, the message must stay
 * invisible; AWS advises 6 x the function timeout plus the batching window, or a slow batch is
 * delivered twice and the on-call person is paged twice.
 */
export const sqsVisibilityTimeoutCoversConsumers = stackRule<VisibilityConfig>({
    name: "sqs-visibility-timeout-covers-consumers",
    description:
        "An SQS queue's visibility timeout must be at least the multiplier x the timeout of every Lambda function consuming it, plus the mapping's batching window.",
    enforcementLevel: "mandatory",
    configSchema: {
        timeoutMultiplier: {
            type: "number",
            minimum: 1,
            maximum: 100,
            default: 6,
            description: "Multiple of the function timeout the visibility timeout must reach.",
        },
    },
    check: (index, report, { timeoutMultiplier }) => {
        for (const link of index.mappings) {
            report.forResource(link.mapping, () => {
                // A mapping whose queue cannot be found is a consumer whose queue goes unchecked.
                report.resourceOrReport(link.mapping, "event source queue", link.queue);
            });
        }
        for (const queue of index.ofType(ResourceTypes.queue)) {
            const consumers = index.consumersOf(queue);
            if (consumers.length === 0) {
                continue;
            }
            report.forResource(queue, () => {
                const visibility = report.knownValue(queue, visibilityTimeoutOf(queue));
                for (const consumer of consumers) {
                    const fn = report.resourceOrReport(consumer.mapping, "function", consumer.function);
                    const timeout = fn === undefined ? undefined : report.knownValue(fn, functionTimeoutOf(fn));
                    const window = report.knownValue(consumer.mapping, batchingWindowOf(consumer.mapping));
                    if (visibility === undefined || fn === undefined || timeout === undefined || window === undefined) {
                        continue;
                    }
                    const required = timeoutMultiplier * timeout.value + window.value;
                    if (visibility.value < required) {
                        report.violation(
                            queue,
                            `${describe(queue)} visibilityTimeoutSeconds must be at least ${timeoutMultiplier} x ` +
                                `${seconds(timeout.value)} (timeout of ${describe(fn)}) + ${seconds(window.value)} (batching window of ` +
                                `${describe(consumer.mapping)}) = ${seconds(required)}; found ${seconds(visibility.value)}.`,
                        );
                    }
                }
            });
        }
    },
});

/**
 * Mandatory: without ReportBatchItemFailures Lambda ignores the batchItemFailures our handlers
 * return: a batch with one failure is either retried whole (duplicate pages) or, when the
 * handler reports success, the failed message is deleted and lost.
 */
export const lambdaEsmReportsBatchItemFailures = stackRule({
    name: "lambda-esm-reports-batch-item-failures",
    description: "Event source mappings that read SQS must enable ReportBatchItemFailures.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        forEachPossibleSqsMapping(index, report, (link) => {
            const types = report.knownValue(
                link.mapping,
                readOutput(link.mapping, () => propsOf<EventSourceMappingProps>(link.mapping).functionResponseTypes),
            );
            if (types === undefined || (types.value ?? []).includes(REPORT_BATCH_ITEM_FAILURES)) {
                return;
            }
            // Only an SQS source needs it; a source we cannot identify must be identified first.
            if (link.queue.kind === "unknown") {
                report.unknown(link.mapping, link.queue.path);
                return;
            }
            report.violation(
                link.mapping,
                `${describe(link.mapping)} functionResponseTypes must include ` +
                    `"${REPORT_BATCH_ITEM_FAILURES}"; found ${JSON.stringify(types.value ?? [])}.`,
            );
        });
    },
});

/**
 * Mandatory: Lambda rejects a FIFO mapping with a batch above 10 or a batching window, so the
 * deployment would fail halfway; preview is the cheaper place to learn it.
 */
export const lambdaEsmFifoBatching = stackRule({
    name: "lambda-esm-fifo-batching",
    description: "Event source mappings that read a FIFO queue must use batchSize <= 10 and no batching window.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        forEachKnownBatching(index, report, (link, { batchSize, window }) => {
            const problems: string[] = [];
            if (batchSize > AwsLimits.batchSizeWithoutWindow) {
                problems.push(`batchSize must be at most ${AwsLimits.batchSizeWithoutWindow}; found ${batchSize}`);
            }
            if (window > 0) {
                problems.push(`maximumBatchingWindowInSeconds must be unset or 0; found ${window}`);
            }
            if (problems.length === 0) {
                return;
            }
            if (!readsSqsOrReportUnknown(report, link)) {
                return;
            }
            const fifo = knownFifoOf(report, link);
            if (fifo === true) {
                report.violation(
                    link.mapping,
                    `${describe(link.mapping)} reads FIFO queue ${describeTarget(link.queue)}, so ${problems.join("; and ")}.`,
                );
            }
        });
    },
});

/**
 * Mandatory: Lambda rejects an SQS mapping with batchSize above 10 and no batching window, a
 * batch above 10,000 or a window above 300 s. FIFO mappings are lambda-esm-fifo-batching's:
 * they may not have a window at all, so this rule never asks them for one.
 */
export const lambdaEsmBatchWindow = stackRule({
    name: "lambda-esm-batch-window",
    description:
        "Event source mappings that read SQS with batchSize above 10 must set a batching window; batchSize at most 10,000 and the window at most 300 s.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        forEachKnownBatching(index, report, (link, { batchSize, window }) => {
            const problems: string[] = [];
            if (batchSize > AwsLimits.sqsBatchSize.max) {
                problems.push(`batchSize must be at most ${AwsLimits.sqsBatchSize.max}; found ${batchSize}`);
            }
            if (window > AwsLimits.batchingWindowSeconds.max) {
                problems.push(`maximumBatchingWindowInSeconds must be at most ${AwsLimits.batchingWindowSeconds.max}; found ${window}`);
            }
            const needsWindow = batchSize > AwsLimits.batchSizeWithoutWindow && window < 1;
            if (problems.length === 0 && !needsWindow) {
                return;
            }
            if (!readsSqsOrReportUnknown(report, link)) {
                return;
            }
            const fifo = knownFifoOf(report, link);
            if (fifo !== false) {
                return;
            }
            if (needsWindow) {
                problems.push(
                    `batchSize is ${batchSize}, above ${AwsLimits.batchSizeWithoutWindow}, so maximumBatchingWindowInSeconds must be at least 1; found ${window}`,
                );
            }
            for (const problem of problems) {
                report.violation(link.mapping, `${describe(link.mapping)} ${problem}.`);
            }
        });
    },
});

const { min: MIN_MAXIMUM_CONCURRENCY, max: MAX_MAXIMUM_CONCURRENCY } = AwsLimits.maximumConcurrency;

/** The bound one SQS mapping puts on its function, as read from the mapping. */
interface MappingBound {
    readonly link: MappingLink;
    readonly maximumConcurrency: number | undefined;
    readonly pollers: boolean;
}

/** Checks one mapping's own bound (ranges, exclusive choice); undefined when a value is unknown. */
function mappingBound(link: MappingLink, report: Reporter): MappingBound | undefined {
    const props = propsOf<EventSourceMappingProps>(link.mapping);
    const maximum = report.knownValue(
        link.mapping,
        readOutput(link.mapping, () => props.scalingConfig?.maximumConcurrency),
    );
    const pollers = report.knownValue(
        link.mapping,
        readOutput(link.mapping, () => {
            const config = props.provisionedPollerConfig;
            return config === undefined ? undefined : { minimum: config.minimumPollers, maximum: config.maximumPollers };
        }),
    );
    if (maximum === undefined || pollers === undefined) {
        return undefined;
    }
    const where = describe(link.mapping);
    if (maximum.value !== undefined && pollers.value !== undefined) {
        report.violation(
            link.mapping,
            `${where} must not set both scalingConfig.maximumConcurrency and provisionedPollerConfig ` +
                "(AWS rejects the combination); choose one.",
        );
    }
    if (maximum.value !== undefined && (maximum.value < MIN_MAXIMUM_CONCURRENCY || maximum.value > MAX_MAXIMUM_CONCURRENCY)) {
        report.violation(
            link.mapping,
            `${where} scalingConfig.maximumConcurrency must be between ${MIN_MAXIMUM_CONCURRENCY} and ` +
                `${MAX_MAXIMUM_CONCURRENCY}; found ${maximum.value}.`,
        );
    }
    if (pollers.value !== undefined) {
        const { minimum, maximum: most } = pollers.value;
        const ranges = [
            ["minimumPollers", minimum, AwsLimits.minimumPollers],
            ["maximumPollers", most, AwsLimits.maximumPollers],
        ] as const;
        for (const [name, value, range] of ranges) {
            if (value !== undefined && (value < range.min || value > range.max)) {
                report.violation(
                    link.mapping,
                    `${where} provisionedPollerConfig.${name} must be between ${range.min} and ${range.max}; found ${value}.`,
                );
            }
        }
        if (minimum !== undefined && most !== undefined && minimum > most) {
            report.violation(
                link.mapping,
                `${where} provisionedPollerConfig.minimumPollers must not exceed maximumPollers (${most}); found ${minimum}.`,
            );
        }
    }
    return { link, maximumConcurrency: maximum.value, pollers: pollers.value !== undefined };
}

/**
 * Mandatory: an unbounded consumer of an agent-fed queue can take the account's whole Lambda
 * concurrency during a burst. The bound that works is the mapping's: scalingConfig
 * .maximumConcurrency (2..1000) or provisioned pollers (minimum/maximum pollers, 2025-11), never
 * both. Reserved concurrency alone does not slow the pollers: they keep receiving, Lambda
 * throttles the invocations, and those receives count toward maxReceiveCount, pushing healthy
 * messages into the DLQ; so with maximumConcurrency, a reservation (optional) must cover the sum
 * over all the function's SQS mappings, and a reservation of 0 throttles everything.
 */
export const lambdaConsumerConcurrencyBounded = stackRule({
    name: "lambda-consumer-concurrency-bounded",
    description:
        "A Lambda function consuming SQS must be bounded by its mappings (scalingConfig.maximumConcurrency 2..1000, or provisioned pollers), with any reserved concurrency at least the sum of maximumConcurrency over its SQS mappings and never 0.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        const byFunction = new Map<string, { fn: PolicyResource; bounds: MappingBound[] }>();
        for (const link of index.mappings) {
            if (!readsSqs(link)) {
                continue;
            }
            report.forResource(link.mapping, () => {
                const fn = report.resourceOrReport(link.mapping, "function", link.function);
                const bound = mappingBound(link, report);
                if (fn === undefined || bound === undefined) {
                    return;
                }
                const entry = byFunction.get(fn.urn) ?? { fn, bounds: [] };
                entry.bounds.push(bound);
                byFunction.set(fn.urn, entry);
            });
        }
        for (const { fn, bounds } of byFunction.values()) {
            report.forResource(fn, () => {
                const reserved = report.knownValue(
                    fn,
                    readOutput(fn, () => propsOf<FunctionProps>(fn).reservedConcurrentExecutions),
                );
                if (reserved === undefined) {
                    return;
                }
                // -1 is the provider's "no reserved concurrency".
                const reservation = reserved.value === undefined || reserved.value < 0 ? undefined : reserved.value;
                if (reservation === 0) {
                    report.violation(
                        fn,
                        `${describe(fn)} reservedConcurrentExecutions must not be 0 for a consumer of SQS (every ` +
                            "invocation is throttled); found 0.",
                    );
                    return;
                }
                for (const { link, maximumConcurrency, pollers } of bounds) {
                    if (maximumConcurrency !== undefined || pollers) {
                        continue;
                    }
                    report.violation(
                        link.mapping,
                        reservation === undefined
                            ? `${describe(link.mapping)} must bound the concurrency of ${describe(fn)} with scalingConfig.maximumConcurrency ` +
                                  `(${MIN_MAXIMUM_CONCURRENCY}..${MAX_MAXIMUM_CONCURRENCY}) or provisionedPollerConfig; found neither.`
                            : `${describe(link.mapping)} must set scalingConfig.maximumConcurrency (${MIN_MAXIMUM_CONCURRENCY}..${MAX_MAXIMUM_CONCURRENCY}, ` +
                                  `within the reserved ${reservation}) or provisionedPollerConfig: reservedConcurrentExecutions alone does not slow ` +
                                  `the pollers, and their throttled receives count toward maxReceiveCount; found reservedConcurrentExecutions ${reservation} and neither.`,
                    );
                }
                const limited = bounds.filter((bound) => bound.maximumConcurrency !== undefined);
                const sum = limited.reduce((total, bound) => total + (bound.maximumConcurrency ?? 0), 0);
                if (reservation !== undefined && limited.length > 0 && sum > reservation) {
                    const terms = limited.map((bound) => `'${bound.link.mapping.name}' ${bound.maximumConcurrency}`).join(", ");
                    report.violation(
                        fn,
                        `${describe(fn)} reservedConcurrentExecutions must be at least the sum of scalingConfig.maximumConcurrency ` +
                            `over its SQS mappings (${sum}: ${terms}); found ${reservation}.`,
                    );
                }
            });
        }
    },
});

/**
 * Advisory by default: with filterCriteria on an SQS source, Lambda deletes every message that
 * matches no filter; it reaches neither the consumer nor the DLQ, and no metric counts it. That
 * is sometimes the intent (a shared queue), so it only warns; prod.json makes it mandatory.
 */
export const lambdaEsmFilterDropsMessages = stackRule({
    name: "lambda-esm-filter-drops-messages",
    description: "Event source mappings that read SQS must not filter messages (Lambda deletes messages that match no filter).",
    enforcementLevel: "advisory",
    check: (index, report) => {
        forEachPossibleSqsMapping(index, report, (link) => {
            const filters = report.knownValue(
                link.mapping,
                readOutput(link.mapping, () => propsOf<EventSourceMappingProps>(link.mapping).filterCriteria?.filters),
            );
            if (filters === undefined || (filters.value ?? []).length === 0) {
                return;
            }
            if (!readsSqsOrReportUnknown(report, link)) {
                return;
            }
            report.violation(
                link.mapping,
                `${describe(link.mapping)} has filterCriteria on ${describeTarget(link.queue)}: ` +
                    "Lambda deletes every message that matches no filter, and it reaches neither the consumer nor the dead-letter queue; " +
                    "filter in the producer or the handler instead.",
            );
        });
    },
});
