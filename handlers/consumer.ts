/**
 * The SQS consumer every lane is built on: Powertools batch processing with partial batch
 * responses, and the defaults a consumer takes from its surroundings (resolveConsumerOptions).
 */
import {
    BatchProcessor,
    EventType as BatchEventType,
    FullBatchFailureError,
    processPartialResponse,
    SqsFifoPartialProcessorAsync,
} from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { createAwsClients } from "./aws";
import { readConsumerConfig } from "./config";
import { InvocationDeadline, remainingTimeOf } from "./deadline";
import { changeVisibility, handleHeldBack } from "./failure-policy";
import type { EventType } from "./messages";
import { createConsumerMetrics, createLogger } from "./observability";
import { handleRecord } from "./record-handler";
import type { ConsumerDependencies, ConsumerOptions, LaneDefinition, ProcessMessage, SqsConsumerHandler } from "./types";

/**
 * Builds a Lambda handler for a lane: Powertools batch processing with partial batch responses,
 * every record through the failure policy (record-handler.ts).
 *
 * Standard lanes use BatchProcessor (records in parallel). FIFO lanes use
 * SqsFifoPartialProcessorAsync with `skipGroupOnError`: records run in order, and once a record
 * fails, the rest of *its* group in the batch is failed unprocessed (order within a call holds)
 * while other groups go on. Those held-back group mates get the failed record's backoff too:
 * SQS delivers nothing more of a FIFO group while any of its messages is in flight, so leaving
 * them at the full visibility timeout would delay the retry the backoff promised.
 *
 * A new processor per invocation: processors keep per-batch state, and the local runtime may
 * run several batches of one handler at once in one process.
 *
 * Every record starts only with the invocation's safety margin left (InvocationDeadline): near
 * the deadline the rest of the batch is handed back unstarted and the invocation answers with a
 * partial batch response, instead of timing out with every message of the batch, done or not.
 *
 * When every record fails, the handler throws FullBatchFailureError (Powertools' default, used as
 * is on standard lanes; the FIFO lane throws it itself after giving held-back group mates their
 * backoff): Lambda then retries the whole batch exactly as batchItemFailures would, and an outage
 * downstream shows in the function's Errors metric and alarm.
 */
export function createSqsConsumer(lane: LaneDefinition, dependencies: ConsumerDependencies): SqsConsumerHandler {
    return async (event, context) => {
        if (context !== undefined) {
            dependencies.logger.addContext(context);
        }
        const deadline = InvocationDeadline.of(context);
        const processMessage = lane.prepare(context, deadline);
        const invocationDependencies: ConsumerDependencies = {
            ...dependencies,
            remainingTime: remainingTimeOf(context),
            deadline,
        };
        try {
            if (!lane.fifo) {
                // Batch's own full-batch-failure behaviour: it throws FullBatchFailureError when every record failed.
                return await processPartialResponse(
                    event,
                    (record: SQSRecord) => handleRecord(record, lane.eventType, processMessage, invocationDependencies),
                    new BatchProcessor(BatchEventType.SQS),
                    { context },
                );
            }
            const response = await processFifoBatch(event, lane.eventType, processMessage, invocationDependencies, context);
            if (event.Records.length > 0 && response.batchItemFailures.length === event.Records.length) {
                throw new FullBatchFailureError(
                    response.batchItemFailures.map(({ itemIdentifier }) => new Error(`record ${itemIdentifier} failed`)),
                );
            }
            return response;
        } finally {
            dependencies.metrics.flush();
        }
    };
}

async function processFifoBatch(
    event: SQSEvent,
    eventType: EventType,
    processMessage: ProcessMessage,
    dependencies: ConsumerDependencies,
    context: Context | undefined,
): Promise<SQSBatchResponse> {
    const backoffByGroup = new Map<string, number>();
    const handled = new Set<string>();
    const response = await processPartialResponse(
        event,
        (record: SQSRecord) => {
            handled.add(record.messageId);
            return handleRecord(record, eventType, processMessage, dependencies, (failed, seconds) =>
                backoffByGroup.set(groupOf(failed), seconds),
            );
        },
        new SqsFifoPartialProcessorAsync(),
        { context, skipGroupOnError: true, throwOnFullBatchFailure: false },
    );
    const failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    // Failed without running: skipped behind a failing (or cut-off) group mate.
    const heldBack = event.Records.filter((record) => failedIds.has(record.messageId) && !handled.has(record.messageId));
    // Held back on SQS's last allowed receive: forwarded with a reason now (handleHeldBack), not moved by SQS without one.
    const forwarded = new Set<string>();
    await Promise.all(
        heldBack.map(async (record) => {
            if (await handleHeldBack(record, dependencies, dependencies.logger).catch(() => false)) {
                forwarded.add(record.messageId);
            } else if (backoffByGroup.has(groupOf(record))) {
                await changeVisibility(
                    dependencies.clients.sqs,
                    dependencies.config.queueUrl,
                    record,
                    backoffByGroup.get(groupOf(record))!,
                    dependencies.logger,
                );
            }
        }),
    );
    return forwarded.size === 0
        ? response
        : { batchItemFailures: response.batchItemFailures.filter((failure) => !forwarded.has(failure.itemIdentifier)) };
}

function groupOf(record: SQSRecord): string {
    return record.attributes.MessageGroupId ?? "";
}

/** Applies the defaults and reads the shared settings (throws HandlerConfigError on bad ones). */
export function resolveConsumerOptions(options: ConsumerOptions, serviceName: string): ConsumerDependencies {
    const environment = options.environment ?? process.env;
    return {
        environment,
        config: readConsumerConfig(environment),
        clients: options.clients ?? createAwsClients(environment),
        logger: options.logger ?? createLogger(serviceName, environment),
        metrics: options.metrics ?? createConsumerMetrics(serviceName, environment),
    };
}
