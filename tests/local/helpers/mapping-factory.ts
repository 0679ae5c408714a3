import type { SQSClient } from "@aws-sdk/client-sqs";
import { EventSourceMapping, EventSourceMappingOptions, InvocationTarget, BatchReport } from "../../../local/event-source-mapping";
import { type SqsFixture, startSqsFixture, type TestQueue } from "./sqs-fixture";

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

/** The emulator of a describe block that runs mappings, and the mapping its current test started. */
export interface MappingSuite {
    fixture: SqsFixture;
    mapping?: EventSourceMapping;
}

/**
 * One emulator for the enclosing describe block, started before its tests; after them, the
 * mapping a test left in `mapping` is stopped, then the emulator.
 */
export function useMappingSuite(): MappingSuite {
    const suite = {} as MappingSuite;
    before(async () => {
        suite.fixture = await startSqsFixture();
    });
    after(async () => {
        await suite.mapping?.stop();
        await suite.fixture.stop();
    });
    return suite;
}
