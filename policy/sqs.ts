// The queue class from its own module (see lambda.ts: `@pulumi/aws` loads all of its services).
import { Queue } from "@pulumi/aws/sqs/queue";
import { PolicyResource } from "@pulumi/policy";
import { AwsAdvice, AwsLimits } from "./aws-facts";
import { ConfigProperty, PolicyConfigError } from "./config";
import { describe, describeTarget, outsideStackMessage } from "./messages";
import { isFifoQueue, maxMessageSizeOf, queueKind, retentionSecondsOf } from "./queue-settings";
import { maxReceiveCountOf } from "./redrive";
import { whyNotSqsArn } from "./references";
import { ResourceTypes } from "./resource-types";
import { Reporter, resourceRule, stackRule } from "./rule";
import { Link, RedriveEdge, StackIndex } from "./stack-index";
import { read } from "./unknown-values";

/**
 * Mandatory (mission rule): without a DLQ a poison message is retried until its retention ends
 * and then lost, and nobody is told. A queue that anything names as its dead-letter or failure
 * queue (see StackIndex.deadLetterReferences) is exempt, as serverless-rules ES6000 exempts DLQs.
 */
export const sqsQueueHasDlq = stackRule({
    name: "sqs-queue-has-dlq",
    description: "Every SQS queue must have a dead-letter queue, unless it is itself a dead-letter queue.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        let someQueueLacksDlq = false;
        for (const queue of index.ofType(ResourceTypes.queue)) {
            report.forResource(queue, () => {
                const redrives = index.redrivesFrom(queue);
                // A target SQS would reject is no DLQ, even on a queue that is itself one.
                for (const edge of redrives) {
                    if (edge.deadLetter.kind === "malformed") {
                        report.violation(
                            edge.holder,
                            `${describe(edge.holder)} redrivePolicy deadLetterTargetArn must be the ARN of an SQS ` +
                                `queue; found '${edge.deadLetter.reference}': ${whyNotSqsArn(edge.deadLetter.reference)}.`,
                        );
                    }
                }
                if (index.isDeadLetterQueue(queue)) {
                    return;
                }
                if (redrives.some((edge) => edge.deadLetter.kind === "resource" || edge.deadLetter.kind === "external")) {
                    return;
                }
                if (redrives.some((edge) => edge.deadLetter.kind === "malformed")) {
                    return;
                }
                const unknownTarget = redrives.find((edge) => edge.deadLetter.kind === "unknown");
                if (unknownTarget !== undefined && unknownTarget.deadLetter.kind === "unknown") {
                    report.unknown(unknownTarget.holder, unknownTarget.deadLetter.path);
                    return;
                }
                someQueueLacksDlq = true;
                report.violation(
                    queue,
                    `${describe(queue)} must have a dead-letter queue (a redrivePolicy with a ` +
                        "deadLetterTargetArn, or an aws.sqs.RedrivePolicy); found none.",
                );
            });
        }
        // A redrive whose source is unknown, or a dead-letter reference whose queue is unknown,
        // might be what a queue lacks: say so.
        if (someQueueLacksDlq) {
            report.unknownReferences(
                index.redrives.flatMap((edge) =>
                    edge.source.kind === "unknown" ? [{ resource: edge.holder, path: edge.source.path }] : [],
                ),
            );
            report.unknownReferences(
                index.unresolvedDeadLetterReferences.filter(
                    ({ resource }) => resource.type !== ResourceTypes.queue && resource.type !== ResourceTypes.redrivePolicy,
                ),
            );
        }
    },
});

interface MaxReceiveCountConfig {
    readonly lowerBound: number;
    readonly upperBound: number;
    readonly advisedMinimumForLambda: number;
}

const receiveCountBound = (fallback: number, description: string): ConfigProperty => ({
    type: "integer",
    minimum: AwsLimits.maxReceiveCount.min,
    maximum: AwsLimits.maxReceiveCount.max,
    default: fallback,
    description,
});

/**
 * Mandatory (mission rule): below 3 a brief downstream outage (or Lambda throttling, whose
 * receives count too) sends good messages to the DLQ; above 5 a poison message keeps a consumer
 * busy and delays the page.
 */
export const sqsMaxReceiveCount = stackRule<MaxReceiveCountConfig>({
    name: "sqs-max-receive-count",
    description: "The maxReceiveCount of every SQS redrive policy must lie within the configured bounds.",
    enforcementLevel: "mandatory",
    configSchema: {
        lowerBound: receiveCountBound(3, "Smallest maxReceiveCount allowed."),
        upperBound: receiveCountBound(5, "Largest maxReceiveCount allowed."),
        advisedMinimumForLambda: receiveCountBound(
            AwsAdvice.lambdaMaxReceiveCount,
            "Below this (within the bounds), a queue consumed by Lambda gets an advisory note; AWS advises 5.",
        ),
    },
    validateConfig: ({ lowerBound, upperBound }) => {
        if (lowerBound > upperBound) {
            throw new PolicyConfigError(
                `Policy 'sqs-max-receive-count' setting 'lowerBound' must not exceed 'upperBound' (${upperBound}); ${lowerBound} given.`,
            );
        }
    },
    check: (index, report, { lowerBound, upperBound, advisedMinimumForLambda }) => {
        for (const edge of index.redrives) {
            report.forResource(edge.holder, () => {
                const parsed = report.knownValue(edge.holder, edge.settings);
                if (parsed === undefined) {
                    return;
                }
                if (!parsed.value.ok) {
                    report.violation(edge.holder, `${describe(edge.holder)} redrivePolicy ${parsed.value.problem}.`);
                    return;
                }
                const raw = parsed.value.settings?.maxReceiveCount;
                const count = parsed.value.settings === undefined ? undefined : maxReceiveCountOf(parsed.value.settings);
                if (count === undefined || count < lowerBound || count > upperBound) {
                    const found = raw === undefined ? "none" : JSON.stringify(raw);
                    report.violation(
                        edge.holder,
                        `${describe(edge.holder)} maxReceiveCount must be between ${lowerBound} and ${upperBound}; found ${found}.`,
                    );
                    return;
                }
                // Within the bounds, but throttled receives count too: AWS's advice, never a block.
                const consumedByLambda = edge.source.kind === "resource" && index.consumersOf(edge.source.resource).length > 0;
                if (consumedByLambda && count < advisedMinimumForLambda) {
                    report.advisory(
                        edge.holder,
                        `${describe(edge.holder)} maxReceiveCount ${count} is within the bounds, but AWS advises at ` +
                            `least ${advisedMinimumForLambda} for queues consumed by Lambda: throttled receives count toward it, so a burst ` +
                            "can send good messages to the dead-letter queue.",
                    );
                }
            });
        }
    },
});

/**
 * Mandatory: SQS rejects a dead-letter queue of the other type when the redrive is applied, so
 * failing at preview only moves the same failure earlier, before half a stack is deployed.
 */
export const sqsDlqSameType = stackRule({
    name: "sqs-dlq-same-type",
    description: "A dead-letter queue must be of the same type as its source queue (FIFO -> FIFO, standard -> standard).",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        for (const edge of index.redrives) {
            const { source, deadLetter } = edge;
            if (source.kind !== "resource" || (deadLetter.kind !== "resource" && deadLetter.kind !== "external")) {
                continue;
            }
            report.forResource(source.resource, () => {
                const sourceFifo = report.knownValue(source.resource, isFifoQueue(source));
                const deadLetterFifo = report.knownValue(
                    deadLetter.kind === "resource" ? deadLetter.resource : edge.holder,
                    isFifoQueue(deadLetter),
                );
                if (sourceFifo === undefined || deadLetterFifo === undefined || sourceFifo.value === deadLetterFifo.value) {
                    return;
                }
                report.violation(
                    source.resource,
                    `${describe(source.resource)} is ${queueKind(sourceFifo.value)}, so its dead-letter ` +
                        `queue ${describeTarget(deadLetter)} must be ${queueKind(sourceFifo.value)} too; found a ${queueKind(deadLetterFifo.value)} queue.`,
                );
            });
        }
    },
});

/**
 * A violation for a dead-letter queue outside the stack: where it is (another account or region)
 * when its ARN says so, and that the rule cannot read it.
 */
function reportExternalDeadLetter(index: StackIndex, report: Reporter, edge: RedriveEdge, reference: string): void {
    const elsewhere = index.elsewhere(reference);
    if (elsewhere === undefined) {
        report.violation(edge.holder, outsideStackMessage(edge.holder, "dead-letter queue", reference));
        return;
    }
    report.violation(
        edge.holder,
        `${describe(edge.holder)} dead-letter queue '${reference}' is ${elsewhere}: this rule cannot read its ` +
            "settings there; check that queue with the pack in its own stack and exempt this one, or move the DLQ into this stack.",
    );
}

/**
 * Mandatory: a standard queue keeps a message's original enqueue time when it moves to the DLQ,
 * so a DLQ that keeps messages no longer than the source silently deletes them on arrival or
 * soon after: the one loss this pipeline promises never happens. A FIFO DLQ resets the enqueue
 * time, so equal retention is safe there; and a DLQ already at SQS's 14-day maximum cannot be
 * longer, so it passes.
 */
export const sqsDlqRetentionLonger = stackRule({
    name: "sqs-dlq-retention-longer",
    description:
        "A dead-letter queue must retain messages longer than its source queue (FIFO: at least as long; 14 days, the maximum, always passes).",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        for (const edge of index.redrives) {
            const { source, deadLetter } = edge;
            if (source.kind !== "resource") {
                continue;
            }
            if (deadLetter.kind === "external") {
                reportExternalDeadLetter(index, report, edge, deadLetter.reference);
                continue;
            }
            if (deadLetter.kind !== "resource") {
                continue;
            }
            report.forResource(deadLetter.resource, () => {
                const sourceRetention = report.knownValue(source.resource, retentionSecondsOf(source.resource));
                const dlqRetention = report.knownValue(deadLetter.resource, retentionSecondsOf(deadLetter.resource));
                const fifo = report.knownValue(source.resource, isFifoQueue(source));
                if (sourceRetention === undefined || dlqRetention === undefined || fifo === undefined) {
                    return;
                }
                if (dlqRetention.value >= AwsLimits.messageRetentionSeconds.max) {
                    return;
                }
                if (fifo.value) {
                    if (dlqRetention.value < sourceRetention.value) {
                        report.violation(
                            deadLetter.resource,
                            `${describe(deadLetter.resource)} messageRetentionSeconds must be at least that ` +
                                `of its FIFO source ${describe(source.resource)} (${sourceRetention.value}); found ${dlqRetention.value}.`,
                        );
                    }
                    return;
                }
                if (dlqRetention.value <= sourceRetention.value) {
                    report.violation(
                        deadLetter.resource,
                        `${describe(deadLetter.resource)} messageRetentionSeconds must be longer than ` +
                            `that of its source ${describe(source.resource)} (${sourceRetention.value}); found ${dlqRetention.value}.`,
                    );
                }
            });
        }
    },
});

/**
 * Mandatory: SQS moves a message to the DLQ whole; a DLQ whose maxMessageSize is below its
 * source's cannot take the largest messages the source accepts (1 MiB queues since 2026), and
 * those are the ones that fail most.
 */
export const sqsDlqMessageSizeNotSmaller = stackRule({
    name: "sqs-dlq-message-size-not-smaller",
    description: "A dead-letter queue's maxMessageSize must not be below its source queue's.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        for (const { source, deadLetter } of index.redrives) {
            if (source.kind !== "resource" || deadLetter.kind !== "resource") {
                continue;
            }
            report.forResource(deadLetter.resource, () => {
                const sourceSize = report.knownValue(source.resource, maxMessageSizeOf(source.resource));
                const dlqSize = report.knownValue(deadLetter.resource, maxMessageSizeOf(deadLetter.resource));
                if (sourceSize === undefined || dlqSize === undefined || dlqSize.value >= sourceSize.value) {
                    return;
                }
                report.violation(
                    deadLetter.resource,
                    `${describe(deadLetter.resource)} maxMessageSize must be at least that of its ` +
                        `source ${describe(source.resource)} (${sourceSize.value} bytes); found ${dlqSize.value} bytes.`,
                );
            });
        }
    },
});

/**
 * Mandatory: a queue that is its own DLQ, or two queues that are each other's, pass every other
 * redrive rule, yet a failed message circles for ever and is never at rest for the on-call.
 */
export const sqsRedriveNoCycle = stackRule({
    name: "sqs-redrive-no-cycle",
    description: "SQS redrives must not form a cycle (a queue that is its own dead-letter queue, A -> B -> A).",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        const next = new Map<string, PolicyResource[]>();
        for (const { source, deadLetter } of index.redrives) {
            if (source.kind === "resource" && deadLetter.kind === "resource") {
                next.set(source.resource.urn, [...(next.get(source.resource.urn) ?? []), deadLetter.resource]);
            }
        }
        const reported = new Set<string>();
        for (const queue of index.ofType(ResourceTypes.queue)) {
            if (reported.has(queue.urn)) {
                continue;
            }
            const cycle = cycleFrom(queue, next);
            if (cycle === undefined) {
                continue;
            }
            cycle.forEach((member) => reported.add(member.urn));
            report.violation(
                queue,
                `${describe(queue)} redrives into a cycle: ${[...cycle, queue].map(describe).join(" -> ")}; ` +
                    "a failed message would never come to rest.",
            );
        }
    },
});

/** The queues of a redrive cycle through `start` (beginning with it), or undefined. */
function cycleFrom(start: PolicyResource, next: ReadonlyMap<string, readonly PolicyResource[]>): PolicyResource[] | undefined {
    const path: PolicyResource[] = [];
    const visit = (queue: PolicyResource, seen: Set<string>): PolicyResource[] | undefined => {
        path.push(queue);
        seen.add(queue.urn);
        for (const target of next.get(queue.urn) ?? []) {
            if (target.urn === start.urn) {
                return [...path];
            }
            if (!seen.has(target.urn)) {
                const found = visit(target, seen);
                if (found !== undefined) {
                    return found;
                }
            }
        }
        path.pop();
        return undefined;
    };
    return visit(start, new Set());
}

/** True when the source queue is among the ARNs a byQueue redriveAllowPolicy names. */
function admits(index: StackIndex, arns: readonly string[], source: Link & { kind: "resource" }): boolean {
    return arns.some((arn) => index.findQueueByArn(arn)?.urn === source.resource.urn);
}

/**
 * Mandatory: SQS refuses to move a message into a DLQ whose redriveAllowPolicy does not admit
 * the source (denyAll, or byQueue without it); the message then stays in the source until its
 * retention ends, and is lost with no alarm.
 */
export const sqsDlqAdmitsSource = stackRule({
    name: "sqs-dlq-admits-source",
    description: "A dead-letter queue's redriveAllowPolicy must admit every queue that redrives into it.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        for (const { source, deadLetter } of index.redrives) {
            if (source.kind !== "resource" || deadLetter.kind !== "resource") {
                continue;
            }
            for (const { holder, settings } of index.redriveAllowOf(deadLetter.resource)) {
                report.forResource(holder, () => {
                    if (!settings.known) {
                        // Built from the source's ARN output: the engine records that as a dependency.
                        const key = settings.path.split(".")[0];
                        if ((holder.propertyDependencies?.[key] ?? []).some((r) => r.urn === source.resource.urn)) {
                            return;
                        }
                        report.unknown(holder, settings.path);
                        return;
                    }
                    const parsed = settings.value;
                    if (!parsed.ok) {
                        report.violation(holder, `${describe(holder)} redriveAllowPolicy ${parsed.problem}.`);
                        return;
                    }
                    const allow = parsed.settings;
                    if (allow === undefined || allow.permission === "allowAll") {
                        return;
                    }
                    if (allow.permission === "byQueue" && admits(index, allow.sourceQueueArns, source)) {
                        return;
                    }
                    const found = allow.permission === "denyAll" ? "denyAll" : `byQueue with ${JSON.stringify(allow.sourceQueueArns)}`;
                    report.violation(
                        holder,
                        `${describe(holder)} redriveAllowPolicy must admit its source ${describe(source.resource)}; found ${found}.`,
                    );
                });
            }
        }
    },
});

/**
 * Advisory by default: AWS has turned SSE-SQS on for new queues since 2022, so an unset value is
 * usually encrypted anyway; the rule asks for it to be explicit. prod.json makes it mandatory.
 */
export const sqsQueueEncryptedAtRest = resourceRule({
    name: "sqs-queue-encrypted-at-rest",
    description: "SQS queues must be encrypted at rest (sqsManagedSseEnabled or a KMS key).",
    enforcementLevel: "advisory",
    resourceClass: Queue,
    check: (queue, resource, report) => {
        // A KMS key created in the same deployment has an unknown id at preview, yet it is set:
        // presence is what this rule needs, so an unknown key id counts as encryption.
        if ("kmsMasterKeyId" in queue) {
            const keyId = read(() => queue.kmsMasterKeyId);
            if (!keyId.known || (keyId.value ?? "") !== "") {
                return;
            }
        }
        const sse = report.knownValue(
            resource,
            read(() => queue.sqsManagedSseEnabled),
        );
        if (sse !== undefined && sse.value !== true) {
            report.violation(
                resource,
                `${describe(resource)} must be encrypted at rest (sqsManagedSseEnabled true or a ` +
                    `kmsMasterKeyId); found sqsManagedSseEnabled ${sse.value ?? "unset"} and no kmsMasterKeyId.`,
            );
        }
    },
});
