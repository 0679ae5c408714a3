/**
 * Creates the pipeline's queues, DLQs, idempotency table and payload bucket on the emulators,
 * from the same resolved settings, names and policy documents the Pulumi component uses. This
 * file only translates them into API attributes; every number comes from pipeline/.
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { idempotencyTableDefinition } from "../handlers/aws";
import type { LaneSettings } from "../pipeline/lane-settings";
import type { LaneNames, PipelineNames } from "../pipeline/naming";
import type { LaneName, PipelineSettings } from "../pipeline/pipeline-settings";
import { denyInsecureTransportPolicy, redriveAllowPolicy, redrivePolicy } from "../pipeline/policy-documents";
import { LOCAL_ACCOUNT_ID } from "./lambda/lambda-context";

export interface ProvisionedLane {
    readonly queueUrl: string;
    readonly queueArn: string;
    readonly deadLetterQueueUrl: string;
    readonly deadLetterQueueArn: string;
}

export interface ProvisionedPipeline {
    readonly lanes: Readonly<Record<LaneName, ProvisionedLane>>;
    readonly idempotencyTableName: string;
    readonly payloadBucketName: string;
}

export interface ProvisionClients {
    readonly sqs: SQSClient;
    readonly dynamoDb: DynamoDBClient;
    readonly s3: S3Client;
    readonly region: string;
}

/** What every queue gets besides its lane's numbers, as the component gives it. */
interface QueueCommon {
    readonly kmsKeyArn?: string;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * The key the queues name: the configured one, or for the stack's own key (which the component
 * creates and no emulator has) a local stand-in ARN; none for AWS-managed encryption.
 */
function localKmsKeyArn(encryption: PipelineSettings["encryption"], region: string): string | undefined {
    switch (encryption.mode) {
        case "existingKey":
            return encryption.keyArn;
        case "stackKey":
            return `arn:aws:kms:${region}:${LOCAL_ACCOUNT_ID}:key/local-stack-key`;
        default:
            return undefined;
    }
}

export function localQueueArn(region: string, queueName: string): string {
    return `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${queueName}`;
}

/**
 * @param tags the component's tags: `{ "escalation-pipeline": <prefix> }` and the stack's `tags`
 */
export async function provisionPipeline(
    clients: ProvisionClients,
    settings: PipelineSettings,
    names: PipelineNames,
    tags: Readonly<Record<string, string>> = {},
): Promise<ProvisionedPipeline> {
    const common: QueueCommon = { kmsKeyArn: localKmsKeyArn(settings.encryption, clients.region), tags };
    const escalation = await provisionLane(clients, settings.lanes.escalation, names.lanes.escalation, common);
    const toolCall = await provisionLane(clients, settings.lanes.toolCall, names.lanes.toolCall, common);
    await clients.dynamoDb.send(new CreateTableCommand(idempotencyTableDefinition(names.idempotencyTable)));
    const payloadBucketName = names.payloadBucket(LOCAL_ACCOUNT_ID);
    await clients.s3.send(new CreateBucketCommand({ Bucket: payloadBucketName }));
    return { lanes: { escalation, toolCall }, idempotencyTableName: names.idempotencyTable, payloadBucketName };
}

/** The DLQ first (it admits redrive only from its source, whose ARN follows from its name), then the source. */
async function provisionLane(
    clients: ProvisionClients,
    lane: LaneSettings,
    names: LaneNames,
    common: QueueCommon,
): Promise<ProvisionedLane> {
    const queueArn = localQueueArn(clients.region, names.queue);
    const deadLetterQueueArn = localQueueArn(clients.region, names.deadLetterQueue);
    const fifo: Record<string, string> = lane.queue.fifo ? { FifoQueue: "true" } : {};
    // Encryption at rest and the TLS-only policy, as pipeline/consumer-lane.ts sets them on both queues.
    const secured = (arn: string): Record<string, string> => ({
        ...(common.kmsKeyArn !== undefined ? { KmsMasterKeyId: common.kmsKeyArn } : { SqsManagedSseEnabled: "true" }),
        Policy: JSON.stringify(denyInsecureTransportPolicy("sqs", [arn])),
    });
    const deadLetterQueueUrl = await createQueue(clients.sqs, names.deadLetterQueue, common.tags, {
        ...fifo,
        ...secured(deadLetterQueueArn),
        VisibilityTimeout: String(lane.deadLetterQueue.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(lane.deadLetterQueue.messageRetentionSeconds),
        MaximumMessageSize: String(lane.deadLetterQueue.maximumMessageSizeBytes),
        RedriveAllowPolicy: JSON.stringify(redriveAllowPolicy(queueArn)),
    });
    const queueUrl = await createQueue(clients.sqs, names.queue, common.tags, {
        ...fifo,
        ...secured(queueArn),
        ...(lane.queue.fifo
            ? {
                  ContentBasedDeduplication: String(lane.queue.contentBasedDeduplication ?? false),
                  ...(lane.queue.deduplicationScope !== undefined ? { DeduplicationScope: lane.queue.deduplicationScope } : {}),
                  ...(lane.queue.fifoThroughputLimit !== undefined ? { FifoThroughputLimit: lane.queue.fifoThroughputLimit } : {}),
              }
            : {}),
        VisibilityTimeout: String(lane.queue.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(lane.queue.messageRetentionSeconds),
        ReceiveMessageWaitTimeSeconds: String(lane.queue.receiveWaitTimeSeconds),
        MaximumMessageSize: String(lane.queue.maximumMessageSizeBytes),
        RedrivePolicy: JSON.stringify(redrivePolicy(deadLetterQueueArn, lane.deadLetterQueue.maxReceiveCount)),
    });
    return { queueUrl, queueArn, deadLetterQueueUrl, deadLetterQueueArn };
}

async function createQueue(
    sqs: SQSClient,
    name: string,
    tags: Readonly<Record<string, string>>,
    attributes: Record<string, string>,
): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes, tags: { ...tags } }));
    if (QueueUrl === undefined) {
        throw new Error(`CreateQueue returned no URL for ${name}`);
    }
    return QueueUrl;
}
