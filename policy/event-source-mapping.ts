import { PolicyResource } from "@pulumi/policy";
import { AwsDefaults, AwsLimits } from "./aws-facts";
import { describe, describeTarget, seconds } from "./messages";
import { isFifoQueue, visibilityTimeoutOf } from "./queue-settings";
import { EventSourceMappingProps, FunctionProps, propsOf } from "./resource-props";
import { ResourceTypes } from "./resource-types";
import { Reporter, stackRule } from "./rule";
import { MappingLink, readsSqs, StackIndex } from "./stack-index";
import { orDefault, Reading, readOutput } from "./unknown-values";

const REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";

function batchingWindowOf(mapping: PolicyResource): Reading<number> {
    return orDefault(readOutput(mapping, () => propsOf<EventSourceMappingProps>(mapping).maximumBatchingWindowInSeconds), AwsDefaults.batchingWindowSeconds);
}

function batchSizeOf(mapping: PolicyResource): Reading<number> {
    return orDefault(readOutput(mapping, () => propsOf<EventSourceMappingProps>(mapping).batchSize), AwsDefaults.sqsBatchSize);
}

function functionTimeoutOf(fn: PolicyResource): Reading<number> {
    return orDefault(readOutput(fn, () => propsOf<FunctionProps>(fn).timeout), AwsDefaults.functionTimeoutSeconds);
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
    description: "An SQS queue's visibility timeout must be at least the multiplier x the timeout of every Lambda function consuming it, plus the mapping's batching window.",
    enforcementLevel: "mandatory",
    configSchema: {
        timeoutMultiplier: { type: "number", minimum: 1, maximum: 100, default: 6, description: "Multiple of the function timeout the visibility timeout must reach." },
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
                        report.violation(queue, `${describe(queue)} visibilityTimeoutSeconds must be at least ${timeoutMultiplier} x ` +
                            `${seconds(timeout.value)} (timeout of ${describe(fn)}) + ${seconds(window.value)} (batching window of ` +
                            `${describe(consumer.mapping)}) = ${seconds(required)}; found ${seconds(visibility.value)}.`);
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
            const types = report.knownValue(link.mapping, readOutput(link.mapping, () => propsOf<EventSourceMappingProps>(link.mapping).functionResponseTypes));
            if (types === undefined || (types.value ?? []).includes(REPORT_BATCH_ITEM_FAILURES)) {
                return;
            }
            // Only an SQS source needs it; a source we cannot identify must be identified first.
            if (link.queue.kind === "unknown") {
                report.unknown(link.mapping, link.queue.path);
                return;
            }
            report.violation(link.mapping, `${describe(link.mapping)} functionResponseTypes must include ` +
                `"${REPORT_BATCH_ITEM_FAILURES}"; found ${JSON.stringify(types.value ?? [])}.`);
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
        forEachPossibleSqsMapping(index, report, (link) => {
            const batchSize = report.knownValue(link.mapping, batchSizeOf(link.mapping));
            const window = report.knownValue(link.mapping, batchingWindowOf(link.mapping));
            if (batchSize === undefined || window === undefined) {
                return;
            }
            const problems: string[] = [];
            if (batchSize.value > AwsLimits.batchSizeWithoutWindow) {
                problems.push(`batchSize must be at most ${AwsLimits.batchSizeWithoutWindow}; found ${batchSize.value}`);
            }
            if (window.value > 0) {
                problems.push(`maximumBatchingWindowInSeconds must be unset or 0; found ${window.value}`);
            }
            if (problems.length === 0) {
                return;
            }
            if (!readsSqs(link)) {
                report.unknown(link.mapping, link.queue.kind === "unknown" ? link.queue.path : "eventSourceArn");
                return;
            }
            const fifo = report.knownValue(link.queue.kind === "resource" ? link.queue.resource : link.mapping, isFifoQueue(link.queue));
            if (fifo?.value === true) {
                report.violation(link.mapping, `${describe(link.mapping)} reads FIFO queue ${describeTarget(link.queue)}, so ${problems.join("; and ")}.`);
            }
        });
    },
});

/** Mandatory: Lambda rejects an SQS mapping with batchSize above 10 and no batching window. */
export const lambdaEsmBatchWindow = stackRule({
    name: "lambda-esm-batch-window",
    description: "Event source mappings that read SQS with batchSize above 10 must set a batching window.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        forEachPossibleSqsMapping(index, report, (link) => {
            const batchSize = report.knownValue(link.mapping, batchSizeOf(link.mapping));
            if (batchSize === undefined || batchSize.value <= AwsLimits.batchSizeWithoutWindow) {
                return;
            }
            const window = report.knownValue(link.mapping, batchingWindowOf(link.mapping));
            if (window === undefined || window.value >= 1) {
                return;
            }
            if (link.queue.kind === "unknown") {
                report.unknown(link.mapping, link.queue.path);
                return;
            }
            report.violation(link.mapping, `${describe(link.mapping)} batchSize is ${batchSize.value}, above ` +
                `${AwsLimits.batchSizeWithoutWindow}, so maximumBatchingWindowInSeconds must be at least 1; found ${window.value}.`);
        });
    },
});

/**
 * Mandatory: an unbounded consumer of an agent-fed queue can take the account's whole Lambda
 * concurrency during a burst; and a maximumConcurrency above the reserved concurrency makes Lambda
 * throttle its own pollers, whose failed receives count toward maxReceiveCount and push healthy
 * messages into the DLQ.
 */
export const lambdaConsumerConcurrencyBounded = stackRule({
    name: "lambda-consumer-concurrency-bounded",
    description: "A Lambda function consuming SQS must have bounded concurrency (reservedConcurrentExecutions and/or the mapping's scalingConfig.maximumConcurrency, the latter not above the former).",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        for (const link of index.mappings) {
            if (!readsSqs(link)) {
                continue;
            }
            report.forResource(link.mapping, () => {
                const fn = report.resourceOrReport(link.mapping, "function", link.function);
                if (fn === undefined) {
                    return;
                }
                const reserved = report.knownValue(fn, readOutput(fn, () => propsOf<FunctionProps>(fn).reservedConcurrentExecutions));
                const maximum = report.knownValue(link.mapping, readOutput(link.mapping, () => propsOf<EventSourceMappingProps>(link.mapping).scalingConfig?.maximumConcurrency));
                if (reserved === undefined || maximum === undefined) {
                    return;
                }
                // -1 is the provider's "no reserved concurrency".
                const reservedValue = reserved.value === undefined || reserved.value < 0 ? undefined : reserved.value;
                if (reservedValue === undefined && maximum.value === undefined) {
                    report.violation(link.mapping, `${describe(fn)} consuming through ${describe(link.mapping)} must have bounded ` +
                        "concurrency (reservedConcurrentExecutions or scalingConfig.maximumConcurrency); found neither.");
                } else if (reservedValue !== undefined && maximum.value !== undefined && maximum.value > reservedValue) {
                    report.violation(link.mapping, `${describe(link.mapping)} scalingConfig.maximumConcurrency must not exceed ` +
                        `reservedConcurrentExecutions of ${describe(fn)} (${reservedValue}); found ${maximum.value}.`);
                }
            });
        }
    },
});
