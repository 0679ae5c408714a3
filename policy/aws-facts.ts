/**
 * AWS behaviour the rules depend on. Where a property is unset AWS applies these values, so the
 * rules apply them too rather than treating "unset" as "fine".
 */
export const AwsDefaults = {
    /** SQS VisibilityTimeout when the queue does not set one. */
    visibilityTimeoutSeconds: 30,
    /** SQS MessageRetentionPeriod when the queue does not set one (4 days). */
    messageRetentionSeconds: 345_600,
    /** Lambda Timeout when the function does not set one. */
    functionTimeoutSeconds: 3,
    /** Event source mapping BatchSize for SQS when unset. */
    sqsBatchSize: 10,
    /** Event source mapping MaximumBatchingWindowInSeconds when unset. */
    batchingWindowSeconds: 0,
    /** SQS MaximumMessageSize when the queue does not set one (256 KiB). */
    maximumMessageSizeBytes: 262_144,
} as const;

/** What AWS advises, short of a limit: rules note it at advisory level. */
export const AwsAdvice = {
    /** "Set maxReceiveCount to at least 5" for queues consumed by Lambda (throttled receives count). */
    lambdaMaxReceiveCount: 5,
} as const;

export const AwsLimits = {
    /** SQS redrive maxReceiveCount range. */
    maxReceiveCount: { min: 1, max: 1000 },
    /** Largest batch an SQS mapping may use without a batching window, and the FIFO maximum. */
    batchSizeWithoutWindow: 10,
    /** Largest batch of a standard-queue SQS mapping. */
    sqsBatchSize: { max: 10_000 },
    /** MaximumBatchingWindowInSeconds range. */
    batchingWindowSeconds: { max: 300 },
    /** SQS MessageRetentionPeriod range (60 s .. 14 days). */
    messageRetentionSeconds: { min: 60, max: 1_209_600 },
    /** scalingConfig.maximumConcurrency range. */
    maximumConcurrency: { min: 2, max: 1000 },
    /** provisionedPollerConfig ranges (API reference: minimum 1..200, maximum 1..2000). */
    minimumPollers: { min: 1, max: 200 },
    maximumPollers: { min: 1, max: 2000 },
} as const;

/**
 * Lambda runtimes that AWS has deprecated (no security patches; creating and then updating
 * functions on them gets blocked). Keep this the single list: add a runtime here when AWS
 * publishes its deprecation date in "Lambda runtimes" > "Deprecated runtimes".
 */
export const DEPRECATED_LAMBDA_RUNTIMES: ReadonlySet<string> = new Set([
    "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x",
    "nodejs14.x", "nodejs16.x",
    "python2.7", "python3.6", "python3.7", "python3.8",
    "java8",
    "go1.x",
    "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6", "dotnet7",
    "ruby2.5", "ruby2.7",
]);
