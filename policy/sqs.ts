import * as aws from "@pulumi/aws";
import { AwsLimits } from "./aws-facts";
import { ConfigProperty, PolicyConfigError } from "./config";
import { describe, describeTarget, outsideStackMessage } from "./messages";
import { isFifoQueue, queueKind, retentionSecondsOf } from "./queue-settings";
import { maxReceiveCountOf } from "./redrive";
import { whyNotSqsArn } from "./references";
import { ResourceTypes } from "./resource-types";
import { resourceRule, stackRule } from "./rule";
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
                        report.violation(edge.holder, `${describe(edge.holder)} redrivePolicy deadLetterTargetArn must be the ARN of an SQS ` +
                            `queue; found '${edge.deadLetter.reference}': ${whyNotSqsArn(edge.deadLetter.reference)}.`);
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
                report.violation(queue, `${describe(queue)} must have a dead-letter queue (a redrivePolicy with a ` +
                    "deadLetterTargetArn, or an aws.sqs.RedrivePolicy); found none.");
            });
        }
        // A redrive whose source is unknown, or a dead-letter reference whose queue is unknown,
        // might be what a queue lacks: say so.
        if (someQueueLacksDlq) {
            report.unknownReferences(index.redrives.flatMap((edge) =>
                edge.source.kind === "unknown" ? [{ resource: edge.holder, path: edge.source.path }] : []));
            report.unknownReferences(index.unresolvedDeadLetterReferences.filter(({ resource }) => resource.type !== ResourceTypes.queue && resource.type !== ResourceTypes.redrivePolicy));
        }
    },
});

interface MaxReceiveCountConfig {
    readonly lowerBound: number;
    readonly upperBound: number;
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
    },
    validateConfig: ({ lowerBound, upperBound }) => {
        if (lowerBound > upperBound) {
            throw new PolicyConfigError(`Policy 'sqs-max-receive-count' setting 'lowerBound' must not exceed 'upperBound' (${upperBound}); ${lowerBound} given.`);
        }
    },
    check: (index, report, { lowerBound, upperBound }) => {
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
                    report.violation(edge.holder, `${describe(edge.holder)} maxReceiveCount must be between ${lowerBound} and ${upperBound}; found ${found}.`);
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
                const deadLetterFifo = report.knownValue(deadLetter.kind === "resource" ? deadLetter.resource : edge.holder, isFifoQueue(deadLetter));
                if (sourceFifo === undefined || deadLetterFifo === undefined || sourceFifo.value === deadLetterFifo.value) {
                    return;
                }
                report.violation(source.resource, `${describe(source.resource)} is ${queueKind(sourceFifo.value)}, so its dead-letter ` +
                    `queue ${describeTarget(deadLetter)} must be ${queueKind(sourceFifo.value)} too; found a ${queueKind(deadLetterFifo.value)} queue.`);
            });
        }
    },
});

/**
 * Mandatory: a standard queue keeps a message's original enqueue time when it moves to the DLQ,
 * so a DLQ that keeps messages no longer than the source silently deletes them on arrival or
 * soon after: the one loss this pipeline promises never happens.
 */
export const sqsDlqRetentionLonger = stackRule({
    name: "sqs-dlq-retention-longer",
    description: "A dead-letter queue must retain messages longer than its source queue.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        for (const { source, deadLetter, holder } of index.redrives) {
            if (source.kind !== "resource") {
                continue;
            }
            if (deadLetter.kind === "external") {
                report.violation(holder, outsideStackMessage(holder, "dead-letter queue", deadLetter.reference));
                continue;
            }
            if (deadLetter.kind !== "resource") {
                continue;
            }
            report.forResource(deadLetter.resource, () => {
                const sourceRetention = report.knownValue(source.resource, retentionSecondsOf(source.resource));
                const dlqRetention = report.knownValue(deadLetter.resource, retentionSecondsOf(deadLetter.resource));
                if (sourceRetention === undefined || dlqRetention === undefined || dlqRetention.value > sourceRetention.value) {
                    return;
                }
                report.violation(deadLetter.resource, `${describe(deadLetter.resource)} messageRetentionSeconds must be longer than ` +
                    `that of its source ${describe(source.resource)} (${sourceRetention.value}); found ${dlqRetention.value}.`);
            });
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
    resourceClass: aws.sqs.Queue,
    check: (queue, resource, report) => {
        // A KMS key created in the same deployment has an unknown id at preview, yet it is set:
        // presence is what this rule needs, so an unknown key id counts as encryption.
        if ("kmsMasterKeyId" in queue) {
            const keyId = read(() => queue.kmsMasterKeyId);
            if (!keyId.known || (keyId.value ?? "") !== "") {
                return;
            }
        }
        const sse = report.knownValue(resource, read(() => queue.sqsManagedSseEnabled));
        if (sse !== undefined && sse.value !== true) {
            report.violation(resource, `${describe(resource)} must be encrypted at rest (sqsManagedSseEnabled true or a ` +
                `kmsMasterKeyId); found sqsManagedSseEnabled ${sse.value ?? "unset"} and no kmsMasterKeyId.`);
        }
    },
});
