import type { SQSClient } from "@aws-sdk/client-sqs";
import { EventSourceMapping, EventSourceMappingOptions, InvocationTarget, BatchReport } from "../../../local/event-source-mapping";
import type { TestQueue } from "./sqs-fixture";

/** A mapping on `queue` with test-friendly defaults (short long polls), started, with its reports collected. */
export function startMapping(
    sqs: SQSClient,
    queue: TestQueue,
    target: InvocationTarget,
    overrides: Partial<EventSourceMappingOptions> = {},
): { mapping: EventSourceMapping; reports: BatchReport[] } {
    const reports: BatchReport[] = [];
    const mapping = new EventSourceMapping({
        sqs,
        queueUrl: queue.url,
        source: { queueArn: queue.arn, region: "us-east-1" },
        target,
        batchSize: 10,
        maximumBatchingWindowSeconds: 0,
        maximumConcurrency: 2,
        receiveWaitTimeSeconds: 1,
        onBatch: (report) => reports.push(report),
        ...overrides,
    });
    mapping.start();
    return { mapping, reports };
}
