import { createAwsClients } from "../handlers/aws";
import type { ProducerTarget } from "../handlers/producer";
import type { LocalRuntime } from "./runtime";

/** Producer targets for both lanes of a running local runtime (S3 on the emulator for large payloads). */
export function localProducerTargets(runtime: LocalRuntime): { escalation: ProducerTarget; toolCall: ProducerTarget; close(): void } {
    const { s3 } = createAwsClients(runtime.emulators.environment);
    const base = { sqs: runtime.sqs, s3, payloadBucketName: runtime.pipeline.payloadBucketName };
    return {
        escalation: {
            ...base,
            queueUrl: runtime.lanes.escalation.queueUrl,
            maximumMessageSizeBytes: runtime.settings.lanes.escalation.queue.maximumMessageSizeBytes,
        },
        toolCall: {
            ...base,
            queueUrl: runtime.lanes.toolCall.queueUrl,
            maximumMessageSizeBytes: runtime.settings.lanes.toolCall.queue.maximumMessageSizeBytes,
        },
        close: () => s3.destroy(),
    };
}
