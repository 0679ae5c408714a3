import type { AlarmRoute } from "../handlers/environment";

/**
 * The options a user sets, per lane and for the whole pipeline. They are plain values, not
 * `pulumi.Input`s, on purpose: they are validated and turned into derived settings before any
 * resource is registered, which needs the values themselves. They come straight from the stack's
 * `pipeline` config object.
 */

/** Options shared by both lanes. */
export interface LaneOptions {
    /**
     * Consumer function timeout in seconds (1..900). It decides the visibility timeout.
     * @default 30
     */
    functionTimeoutSeconds?: number;
    /**
     * Consumer function memory in MB (128..10240).
     * @default 256
     */
    memorySizeMb?: number;
    /**
     * Reserved concurrency of the consumer (2..1000): guarantees the lane capacity and caps what it
     * takes from the account. Optional: a new account's quota (often 10) leaves nothing to reserve,
     * and `PutFunctionConcurrency` would then fail after `CreateFunction`. Without it the mapping's
     * `maximumConcurrency` alone bounds the consumer.
     * @default none (unreserved; `maximumConcurrency` bounds the consumer)
     */
    reservedConcurrency?: number;
    /**
     * The event source mapping's `scalingConfig.maximumConcurrency` (2..1000, at most
     * `reservedConcurrency` when that is set). AWS prefers it for bounding SQS consumers; if it
     * exceeded reserved concurrency, throttled receives would count toward maxReceiveCount and
     * drift into the DLQ.
     * @default reservedConcurrency when set, else 5
     */
    maximumConcurrency?: number;
    /**
     * Messages per batch. Standard: 1..10000 (above 10 needs a batching window). FIFO: 1..10.
     * @default 10
     */
    batchSize?: number;
    /**
     * Batching window in seconds (0..300). Standard queues only: FIFO mappings accept none.
     * @default 0 (escalations should page at once)
     */
    batchingWindowSeconds?: number;
    /**
     * Receives before SQS moves a message to the DLQ (3..5).
     * @default 5
     */
    maxReceiveCount?: number;
    /**
     * Queue visibility timeout in seconds. Only a value at or above the derived minimum
     * (6 x function timeout + batching window) is accepted.
     * @default 6 x functionTimeoutSeconds + batchingWindowSeconds
     */
    visibilityTimeoutSeconds?: number;
    /**
     * Source queue retention in seconds (60..1209599): shorter than the DLQ's 14 days, because a
     * standard queue keeps the original enqueue time when a message moves to the DLQ.
     * @default 345600 (4 days)
     */
    messageRetentionSeconds?: number;
    /**
     * Alarm when the oldest message waiting is older than this, in seconds (60..1209600).
     * @default 300 (escalation lane), 900 (tool-call lane)
     */
    oldestMessageAgeSlaSeconds?: number;
    /**
     * Backoff tiers in seconds for transient failures, by attempt (each 0..43200, non-decreasing).
     * Each is capped at the visibility timeout.
     * @default [5, 30, 300]
     */
    backoffTiersSeconds?: number[];
    /**
     * Provisioned mode for the event source mapping (`provisionedPollerConfig`): dedicated event
     * pollers, always ready, that scale about three times faster than the default. Choose it for
     * bursty lanes whose backlog must drain in seconds; each minimum poller is billed whether or
     * not messages arrive. It replaces `maximumConcurrency` (AWS accepts one or the other), so with
     * it only `reservedConcurrency` bounds the consumer.
     * @default none (standard mode, bounded by maximumConcurrency)
     */
    provisionedPollers?: ProvisionedPollerOptions;
    /**
     * The queue's `maximumMessageSize` in bytes (8192..1048576): the largest message, body and
     * attributes, SQS accepts. The producer moves larger payloads to S3 at this limit less the
     * room a dead-letter copy needs for its reason attributes; the DLQ gets the same limit.
     * @default 262144 (256 KiB, the SQS default)
     */
    maximumMessageSizeBytes?: number;
    /** How the lane's alarms behave. @default {} */
    alarms?: LaneAlarmOptions;
}

/** Provisioned mode for an SQS event source mapping (ranges are those AWS accepts for SQS). */
export interface ProvisionedPollerOptions {
    /**
     * Pollers kept running even when the queue is empty (2..200); the local runtime runs exactly this many.
     * @default 2
     */
    minimumPollers?: number;
    /**
     * Pollers the mapping may scale up to (2..2000, at least minimumPollers).
     * @default 200
     */
    maximumPollers?: number;
}

/** The alarms of a lane, by the key used in `LaneAlarmOptions.routes`. */
export const LaneAlarmKinds = ["deadLetterQueueDepth", "oldestMessageAge", "functionErrors", "functionThrottles"] as const;
export type LaneAlarmKind = (typeof LaneAlarmKinds)[number];

/** Per-lane alarm settings. */
export interface LaneAlarmOptions {
    /**
     * Minutes the DLQ depth must stay above zero before its alarm fires (1..60): one minute pages
     * at the first dead letter; five rides out a message an operator redrives at once.
     * @default 5
     */
    deadLetterQueueDepthMinutes?: number;
    /**
     * Per alarm: "page" (PagerDuty and Slack) or "slack" (a Slack post only).
     * @default { deadLetterQueueDepth: "page", oldestMessageAge: "page", functionErrors: "slack", functionThrottles: "slack" }
     */
    routes?: Partial<Record<LaneAlarmKind, AlarmRoute>>;
}

/** How the FIFO queue deduplicates: by message body, or by the producer's deduplication id. */
export const FifoDeduplication = { contentBased: "contentBased", messageId: "messageId" } as const;
export type FifoDeduplication = (typeof FifoDeduplication)[keyof typeof FifoDeduplication];

/** Options of the FIFO tool-call lane. */
export interface FifoLaneOptions extends LaneOptions {
    /**
     * `messageId`: the producer sends a deterministic MessageDeduplicationId (our producer does).
     * `contentBased`: SQS hashes the body.
     * @default "messageId"
     */
    deduplication?: FifoDeduplication;
    /**
     * FIFO high-throughput mode (deduplication and throughput scoped per message group).
     * @default false
     */
    highThroughput?: boolean;
}

/**
 * Where alarm notifications go. The alarm notifier (PagerDuty and Slack, per each lane's
 * `alarms.routes`) is always subscribed; these add e-mail and HTTPS subscribers beside it, which
 * also receive the notifier's own DLQ alarm without depending on the notifier.
 */
export interface AlarmOptions {
    /** E-mail addresses subscribed to the alarm topic (each must confirm). @default [] */
    emailEndpoints?: string[];
    /** HTTPS endpoints subscribed to the alarm topic, e.g. a PagerDuty CloudWatch integration URL. @default [] */
    httpsEndpoints?: string[];
}

/** The stack's `pipeline` config object. */
export interface PipelineOptions {
    /** The standard escalation lane. @default {} */
    escalation?: LaneOptions;
    /** The FIFO tool-call lane. @default {} */
    toolCall?: FifoLaneOptions;
    /** Alarm subscriptions. @default {} */
    alarms?: AlarmOptions;
    /**
     * Which key encrypts the queues, topic, table, parameters, bucket and the functions' environment:
     * `awsManaged` (SSE-SQS, DynamoDB-owned, SSE-S3, the AWS-managed SSM and Lambda keys, an
     * unencrypted topic because CloudWatch cannot publish to a topic under the AWS-managed SNS key),
     * `stackKey` (a customer-managed key this stack creates, rotation on, whose key policy admits
     * exactly the services that use it), or `existingKey` (the key `kmsKeyArn` names; README lists
     * the key-policy statements it needs).
     * @default "awsManaged"
     */
    encryption?: EncryptionMode;
    /**
     * The existing customer-managed key's ARN; required with `encryption: existingKey` and refused otherwise.
     * @default none
     */
    kmsKeyArn?: string;
    /**
     * What guards the stateful resources (queues, DLQs, idempotency table, payload bucket, the
     * stack's key) from a replacement or `pulumi destroy`: `protect` (Pulumi refuses to delete them;
     * the table also has deletion protection), `retainOnDelete` (Pulumi forgets them but AWS keeps
     * them, with their messages and records; the table keeps deletion protection), or `none`
     * (disposable stacks only: a rename deletes the old ones with their contents).
     * @default "protect"
     */
    dataProtection?: DataProtection;
    /** CloudWatch Logs retention of each consumer's log group, in days (an allowed CloudWatch value). @default 30 */
    logRetentionDays?: number;
    /** Powertools log level of the consumers. @default "INFO" */
    logLevel?: LogLevel;
    /** PagerDuty Events API v2 URL. @default "https://events.pagerduty.com/v2/enqueue" */
    pagerDutyEventsUrl?: string;
}

/** Where the customer-managed key comes from, if any. */
export const EncryptionMode = { awsManaged: "awsManaged", stackKey: "stackKey", existingKey: "existingKey" } as const;
export type EncryptionMode = (typeof EncryptionMode)[keyof typeof EncryptionMode];

/** How stateful resources survive a replacement or `pulumi destroy`. */
export const DataProtection = { protect: "protect", retainOnDelete: "retainOnDelete", none: "none" } as const;
export type DataProtection = (typeof DataProtection)[keyof typeof DataProtection];

export const LogLevels = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LogLevels)[number];
