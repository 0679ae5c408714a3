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

/** One Lambda runtime's lifecycle: AWS's deprecation date and the runtime AWS points to next. */
export interface RuntimeLifecycle {
    /** ISO date (UTC) from which AWS calls the runtime deprecated: no more security patches. */
    readonly deprecation: string;
    readonly successor?: string;
}

/**
 * When LAMBDA_RUNTIMES was last checked against AWS's "Lambda runtimes" page
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, supported and deprecated
 * tables). A test fails six months after this date, so the list cannot silently go stale.
 */
export const LAMBDA_RUNTIMES_REVIEWED = "2026-12-01";

/**
 * Lambda runtimes with AWS's deprecation dates ("Deprecation date" column; Lambda blocks
 * creating, then updating, functions on a deprecated runtime some weeks later). The single list:
 * when AWS publishes a date, change it here and LAMBDA_RUNTIMES_REVIEWED. The runtimes on Amazon
 * Linux 2 had their dates moved when AWS extended them past AL2's end of life (2026-06-30):
 * java8.al2, java11, java17 and python3.11 to 2027-06-30, python3.10 to 2026-10-31 and
 * provided.al2 to 2026-07-31. Container-only runtimes (dotnet9) have no runtime identifier a
 * function can set and are not listed. The successor is the newest runtime of the language, where that one outlives it.
 */
export const LAMBDA_RUNTIMES: Readonly<Record<string, RuntimeLifecycle>> = {
    // Node.js
    "nodejs": { deprecation: "2016-08-30", successor: "nodejs24.x" },
    "nodejs4.3": { deprecation: "2020-03-05", successor: "nodejs24.x" },
    "nodejs4.3-edge": { deprecation: "2020-03-05", successor: "nodejs24.x" },
    "nodejs6.10": { deprecation: "2019-08-12", successor: "nodejs24.x" },
    "nodejs8.10": { deprecation: "2020-03-06", successor: "nodejs24.x" },
    "nodejs10.x": { deprecation: "2021-07-30", successor: "nodejs24.x" },
    "nodejs12.x": { deprecation: "2023-03-31", successor: "nodejs24.x" },
    "nodejs14.x": { deprecation: "2023-12-04", successor: "nodejs24.x" },
    "nodejs16.x": { deprecation: "2024-06-12", successor: "nodejs24.x" },
    "nodejs18.x": { deprecation: "2025-09-01", successor: "nodejs24.x" },
    "nodejs20.x": { deprecation: "2026-04-30", successor: "nodejs24.x" },
    "nodejs22.x": { deprecation: "2027-04-30", successor: "nodejs24.x" },
    "nodejs24.x": { deprecation: "2028-04-30" },
    // Python
    "python2.7": { deprecation: "2021-07-15", successor: "python3.14" },
    "python3.6": { deprecation: "2022-07-18", successor: "python3.14" },
    "python3.7": { deprecation: "2023-12-04", successor: "python3.14" },
    "python3.8": { deprecation: "2024-10-14", successor: "python3.14" },
    "python3.9": { deprecation: "2025-12-15", successor: "python3.14" },
    "python3.10": { deprecation: "2026-10-31", successor: "python3.14" },
    "python3.11": { deprecation: "2027-06-30", successor: "python3.14" },
    "python3.12": { deprecation: "2028-10-31", successor: "python3.14" },
    "python3.13": { deprecation: "2029-06-30" },
    "python3.14": { deprecation: "2029-06-30" },
    // Java
    "java8": { deprecation: "2024-01-08", successor: "java25" },
    "java8.al2": { deprecation: "2027-06-30", successor: "java25" },
    "java8.al2023": { deprecation: "2029-06-30" },
    "java11": { deprecation: "2027-06-30", successor: "java25" },
    "java11.al2023": { deprecation: "2029-06-30" },
    "java17": { deprecation: "2027-06-30", successor: "java25" },
    "java17.al2023": { deprecation: "2029-06-30" },
    "java21": { deprecation: "2029-06-30" },
    "java25": { deprecation: "2029-06-30" },
    // .NET
    "dotnetcore1.0": { deprecation: "2019-06-27", successor: "dotnet10" },
    "dotnetcore2.0": { deprecation: "2019-05-30", successor: "dotnet10" },
    "dotnetcore2.1": { deprecation: "2022-01-05", successor: "dotnet10" },
    "dotnetcore3.1": { deprecation: "2023-04-03", successor: "dotnet10" },
    "dotnet5.0": { deprecation: "2022-05-10", successor: "dotnet10" },
    "dotnet6": { deprecation: "2024-12-20", successor: "dotnet10" },
    "dotnet7": { deprecation: "2024-05-14", successor: "dotnet10" },
    "dotnet8": { deprecation: "2026-11-10", successor: "dotnet10" },
    "dotnet10": { deprecation: "2028-11-14" },
    // Ruby
    "ruby2.5": { deprecation: "2021-07-30", successor: "ruby4.0" },
    "ruby2.7": { deprecation: "2023-12-07", successor: "ruby4.0" },
    "ruby3.2": { deprecation: "2026-03-31", successor: "ruby4.0" },
    "ruby3.3": { deprecation: "2027-03-31", successor: "ruby4.0" },
    "ruby3.4": { deprecation: "2028-03-31", successor: "ruby4.0" },
    "ruby4.0": { deprecation: "2029-03-31" },
    // Go and OS-only runtimes
    "go1.x": { deprecation: "2024-01-08", successor: "provided.al2023" },
    "provided": { deprecation: "2024-01-08", successor: "provided.al2023" },
    "provided.al2": { deprecation: "2026-07-31", successor: "provided.al2023" },
    "provided.al2023": { deprecation: "2029-06-30" },
};

/** Where a runtime stands on a given day. */
export type RuntimeStatus =
    | { readonly kind: "supported" }
    | { readonly kind: "unlisted" }
    | { readonly kind: "deprecating" | "deprecated"; readonly deprecation: string; readonly successor?: string };

const DAY_MS = 86_400_000;

/**
 * The runtime's status on `today`: deprecated from its deprecation date on, deprecating within
 * `warnDaysAhead` days before it, supported before that; unlisted if AWS's list lacks it.
 */
export function runtimeStatus(runtime: string, today: Date, warnDaysAhead: number): RuntimeStatus {
    const entry = LAMBDA_RUNTIMES[runtime];
    if (entry === undefined) {
        return { kind: "unlisted" };
    }
    const deprecation = Date.parse(`${entry.deprecation}T00:00:00Z`);
    const details =
        entry.successor === undefined ? { deprecation: entry.deprecation } : { deprecation: entry.deprecation, successor: entry.successor };
    if (today.getTime() >= deprecation) {
        return { kind: "deprecated", ...details };
    }
    if (today.getTime() >= deprecation - warnDaysAhead * DAY_MS) {
        return { kind: "deprecating", ...details };
    }
    return { kind: "supported" };
}
