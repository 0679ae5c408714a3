/**
 * The environment variables the Pulumi component sets on each consumer function and the
 * handlers read. One list, imported by both sides, so the names never drift apart.
 * Secrets never travel in the environment: only the *names* of SSM parameters do.
 * The other facts both sides share live here too (limits, the idempotency table's shape, alarm
 * routes, the FIFO suffix): this module imports nothing, so the Pulumi program (and the offline
 * gate's run of it) reads them without loading the handlers' AWS SDK clients, Powertools or zod.
 */
export const HandlerEnvironment = {
    /** URL of the queue the function consumes (used for ChangeMessageVisibility). */
    queueUrl: "QUEUE_URL",
    /** URL of that queue's dead-letter queue (the handler forwards poison messages there). */
    deadLetterQueueUrl: "DEAD_LETTER_QUEUE_URL",
    /** The queue's redrive maxReceiveCount: the attempt at which the handler dead-letters itself. */
    maxReceiveCount: "MAX_RECEIVE_COUNT",
    /** The queue's visibility timeout; backoff tiers are capped at it. */
    visibilityTimeoutSeconds: "VISIBILITY_TIMEOUT_SECONDS",
    /** Comma-separated backoff tiers in seconds for transient failures, e.g. "5,30,300". */
    backoffTiersSeconds: "BACKOFF_TIERS_SECONDS",
    /** DynamoDB table used by Powertools Idempotency. */
    idempotencyTableName: "IDEMPOTENCY_TABLE_NAME",
    /** How long an idempotency record lives; longer than visibility x maxReceiveCount. */
    idempotencyExpirySeconds: "IDEMPOTENCY_EXPIRY_SECONDS",
    /** S3 bucket holding payloads too large for an SQS message (extended client pattern). */
    payloadBucketName: "PAYLOAD_BUCKET_NAME",
    /** PagerDuty Events API v2 enqueue URL (overridable so tests can point at loopback). */
    pagerDutyEventsUrl: "PAGERDUTY_EVENTS_URL",
    /** Name of the SSM SecureString holding the PagerDuty routing key. */
    pagerDutyRoutingKeyParameter: "PAGERDUTY_ROUTING_KEY_PARAMETER",
    /** Name of the SSM SecureString holding the Slack incoming-webhook URL. */
    slackWebhookUrlParameter: "SLACK_WEBHOOK_URL_PARAMETER",
    /** The alarm notifier's routing table: JSON object of alarm name -> "page" or "slack". */
    alarmRoutes: "ALARM_ROUTES",
    /** The lane queue's maximumMessageSize in bytes: the largest message (body + attributes) it accepts. */
    maximumMessageSizeBytes: "MAXIMUM_MESSAGE_SIZE_BYTES",
    /** The lane DLQ's maximumMessageSize in bytes (at least the queue's): what a dead-letter copy may weigh. */
    deadLetterMaximumMessageSizeBytes: "DEAD_LETTER_MAXIMUM_MESSAGE_SIZE_BYTES",
    /** Version stamped on the dead-letter reason attribute. */
    handlerVersion: "HANDLER_VERSION",
    /** Powertools service name (standard Powertools variable). */
    serviceName: "POWERTOOLS_SERVICE_NAME",
    /** Powertools log level (standard Powertools variable). */
    logLevel: "POWERTOOLS_LOG_LEVEL",
} as const;

/**
 * The idempotency table's shape, which the component's table (pipeline/shared-resources.ts), the
 * local runtime's CreateTable and Powertools must agree on: partition key `id` (string) and TTL on
 * `expiration` (epoch seconds) are Powertools' defaults, so the handlers need no attribute mapping.
 * It lives here, beside the environment, because this module has no imports: the Pulumi program
 * reads it without loading Powertools.
 */
export const IdempotencyTableSchema = {
    partitionKey: "id",
    timeToLiveAttribute: "expiration",
} as const;

/** The PagerDuty Events API v2 endpoint used when none is configured. */
export const DEFAULT_PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

/**
 * Backoff tiers used when none are configured: retry fast first, then give an outage time.
 * The component's lane defaults and the handlers' fallback both read this one list.
 */
export const DEFAULT_BACKOFF_TIERS_SECONDS: readonly number[] = [5, 30, 300];

/** SQS's default maximumMessageSize (256 KiB): what a queue accepts unless told otherwise. */
export const DEFAULT_MAXIMUM_MESSAGE_SIZE_BYTES = 262_144;
/** The largest maximumMessageSize SQS accepts (1 MiB since 2026, for SQS and SQS-triggered Lambda). */
export const LARGEST_MAXIMUM_MESSAGE_SIZE_BYTES = 1_048_576;
/**
 * Room kept free under a queue's limit for the reason a consumer adds when it dead-letters a
 * message (dead-letter.ts: one JSON attribute of short fields, the error message cut at 1 KiB).
 */
export const DEAD_LETTER_HEADROOM_BYTES = 4096;

/**
 * The size above which the producer moves a payload to S3, derived from the queue's one limit so
 * the two can never disagree: the limit less the dead-letter headroom.
 */
export function offloadThresholdBytes(maximumMessageSizeBytes: number): number {
    return maximumMessageSizeBytes - DEAD_LETTER_HEADROOM_BYTES;
}

/** Key prefix of offloaded dead-letter bodies in the payload bucket. */
export const DEAD_LETTER_PAYLOAD_PREFIX = "dead-letters";

/**
 * Where an alarm goes. `page`: PagerDuty (the on-call is woken) and Slack. `slack`: a Slack post
 * only, for alarms that need a look during working hours but must not wake anyone.
 */
export const AlarmRoute = { page: "page", slack: "slack" } as const;
export type AlarmRoute = (typeof AlarmRoute)[keyof typeof AlarmRoute];

/** The route of each alarm the pipeline owns, by alarm name (the notifier's ALARM_ROUTES variable). */
export type AlarmRoutes = Readonly<Record<string, AlarmRoute>>;

/**
 * SQS tells a FIFO queue by its name: it requires a FIFO queue's name to end in ".fifo" and
 * refuses that ending on a standard queue. So a queue's name, URL or ARN alone says its type,
 * and every place that needs the type (the component's names and policies, the handlers'
 * dead-letter copies, the local runtime and the DLQ tools) asks this one module.
 * The policy pack keeps its own copy (policy/queue-settings.ts): it is a package of its own
 * and imports nothing from the program it gates.
 */
export const FIFO_QUEUE_SUFFIX = ".fifo";

/** Whether the queue named by `nameUrlOrArn` (a queue name, URL or ARN) is a FIFO queue. */
export function isFifoQueue(nameUrlOrArn: string): boolean {
    return nameUrlOrArn.endsWith(FIFO_QUEUE_SUFFIX);
}
