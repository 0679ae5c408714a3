import { DEAD_LETTER_HEADROOM_BYTES, LARGEST_MAXIMUM_MESSAGE_SIZE_BYTES } from "../handlers/environment";
import { AwsLimits } from "../policy/aws-facts";

/**
 * The component's bounds on its arguments, each with where it comes from: the mission's own
 * bounds, and AWS limits. An AWS limit the policy pack also judges is read from the pack's
 * policy/aws-facts.ts (the pack is a package of its own, so the facts live there and the program
 * reads them); the ones only the component needs are spelled here.
 */
export const Limits = {
    /**
     * The mission bounds maxReceiveCount to 3..5. Not AWS's range (`AwsLimits.maxReceiveCount`,
     * 1..1000), hence the name; AWS advises >= 5 for Lambda.
     */
    missionMaxReceiveCount: { min: 3, max: 5 },
    /** SQS visibility timeout: 0 s to 12 hours. */
    visibilityTimeoutSeconds: { min: 0, max: 43_200 },
    /** SQS message retention: 60 s to 14 days. */
    messageRetentionSeconds: AwsLimits.messageRetentionSeconds,
    /** Lambda function timeout: 1 s to 15 minutes. */
    functionTimeoutSeconds: { min: 1, max: 900 },
    /** Lambda memory: 128 MB to 10,240 MB. */
    memorySizeMb: { min: 128, max: 10_240 },
    /**
     * Event source mapping `scalingConfig.maximumConcurrency` is 2..1000; reserved concurrency must
     * be at least that, so it shares the lower bound.
     */
    concurrency: AwsLimits.maximumConcurrency,
    /** Batch size: standard queues up to 10,000 (above 10 needs a batching window); FIFO up to 10. */
    standardBatchSize: { min: 1, max: AwsLimits.sqsBatchSize.max },
    fifoBatchSize: { min: 1, max: AwsLimits.batchSizeWithoutWindow },
    /** Without a batching window a standard mapping takes at most 10 messages per batch. */
    batchSizeWithoutWindow: AwsLimits.batchSizeWithoutWindow,
    /** Batching window: 0..300 s; FIFO queues accept none. */
    batchingWindowSeconds: { min: 0, max: AwsLimits.batchingWindowSeconds.max },
    /** Age-of-oldest-message SLA: at least one alarm period, at most the retention maximum. */
    oldestMessageAgeSlaSeconds: { min: 60, max: AwsLimits.messageRetentionSeconds.max },
    /** A backoff tier is a ChangeMessageVisibility value: 0..43,200 s. */
    backoffTierSeconds: { min: 0, max: 43_200 },
    /**
     * Provisioned mode for SQS mappings: at least 2 pollers either way (the Lambda API reference's
     * SQS range; the pack's `AwsLimits` pollers are the API's 1..200 for every event source);
     * at most 200 minimum pollers, and 2000 maximum pollers, the bound the CloudFormation schema and
     * the Pulumi AWS provider document (the API reference now allows SQS up to 10,000).
     */
    minimumPollers: { min: 2, max: 200 },
    maximumPollers: { min: 2, max: 2000 },
    /**
     * Queue maximumMessageSize: SQS accepts 1024..1,048,576 bytes. The lower bound here is twice the
     * dead-letter headroom, so that an offloaded message's pointer and its reason attributes fit.
     */
    maximumMessageSizeBytes: { min: 2 * DEAD_LETTER_HEADROOM_BYTES, max: LARGEST_MAXIMUM_MESSAGE_SIZE_BYTES },
    /** DLQ depth must stay above zero this many one-minute periods before paging: 1 to an hour. */
    deadLetterQueueDepthMinutes: { min: 1, max: 60 },
    /** CloudWatch Logs accepts only these retention periods (days). */
    logRetentionDays: [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ] as readonly number[],
    /** S3 bucket names: 63 characters, lower case. */
    bucketNameLength: 63,
} as const;

/** AWS recommends the visibility timeout be at least six times the function timeout. */
export const VISIBILITY_TO_FUNCTION_TIMEOUT_RATIO = 6;

/** The DLQ keeps messages for the maximum, 14 days: a standard queue keeps the original enqueue time. */
export const DEAD_LETTER_RETENTION_SECONDS = Limits.messageRetentionSeconds.max;
