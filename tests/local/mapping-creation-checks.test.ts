/** Issue 17 item 6: the local mapping refuses what CreateEventSourceMapping refuses, with the component's messages. */
import { SQSClient } from "@aws-sdk/client-sqs";
import * as assert from "node:assert/strict";
import { EventSourceMapping } from "../../local/event-source-mapping";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import type { PipelineOptions } from "../../pipeline/options";
import { RecordingTarget, succeeded } from "./helpers/recording-target";

const sqs = new SQSClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "x", secretAccessKey: "x" } });

function componentMessage(options: PipelineOptions): string {
    try {
        resolvePipelineSettings(options);
    } catch (error) {
        return (error as Error).message;
    }
    throw new Error("the component accepted the options");
}

function createMapping(
    queueUrl: string,
    settingsKey: string,
    batchSize: number,
    maximumBatchingWindowSeconds: number,
): () => EventSourceMapping {
    return () =>
        new EventSourceMapping({
            sqs,
            queueUrl,
            settingsKey,
            source: { queueArn: "arn:aws:sqs:us-east-1:000000000000:q", region: "us-east-1" },
            target: new RecordingTarget(() => succeeded(null)),
            batchSize,
            maximumBatchingWindowSeconds,
            maximumConcurrency: 2,
            receiveWaitTimeSeconds: 1,
        });
}

describe("local event source mapping creation checks", () => {
    after(() => sqs.destroy());

    it("refuses a batch above 10 with no batching window, as the component does", () => {
        // Act
        const create = createMapping("http://sqs.us-east-1.localhost/000000000000/escalations", "pipeline.escalation", 20, 0);

        // Assess
        assert.throws(create, { name: "PipelineConfigError", message: componentMessage({ escalation: { batchSize: 20 } }) });
    });

    it("refuses a batching window on a FIFO queue, as the component does", () => {
        // Act
        const create = createMapping("http://sqs.us-east-1.localhost/000000000000/tool-calls.fifo", "pipeline.toolCall", 10, 5);

        // Assess
        assert.throws(create, { name: "PipelineConfigError", message: componentMessage({ toolCall: { batchingWindowSeconds: 5 } }) });
    });

    it("accepts a batch above 10 on a standard queue with a window", () => {
        // Act
        const mapping = createMapping("http://sqs.us-east-1.localhost/000000000000/escalations", "pipeline.escalation", 100, 1)();

        // Assess
        assert.equal(mapping.invocationsInFlight, 0);
    });
});
