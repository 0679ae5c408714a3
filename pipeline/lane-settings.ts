import { AlarmRoute, DEFAULT_BACKOFF_TIERS_SECONDS, DEFAULT_MAXIMUM_MESSAGE_SIZE_BYTES } from "../handlers/environment";
import { Problems } from "./checks";
import { DEAD_LETTER_RETENTION_SECONDS, Limits, VISIBILITY_TO_FUNCTION_TIMEOUT_RATIO } from "./limits";
import {
    FifoDeduplication,
    FifoLaneOptions,
    LaneAlarmKind,
    LaneAlarmKinds,
    LaneAlarmOptions,
    LaneOptions,
    ProvisionedPollerOptions,
} from "./options";

import { LaneKind } from "./lanes";
// Re-exported so the modules that read lane kinds from the settings keep one import.
export { LaneKind };

/** Defaults from AWS guidance; each is documented with `@default` on `LaneOptions`. */
export const LaneDefaults = {
    functionTimeoutSeconds: 30,
    memorySizeMb: 256,
    /** The mapping's maximumConcurrency when neither it nor reserved concurrency is given. */
    maximumConcurrency: 5,
    batchSize: 10,
    batchingWindowSeconds: 0,
    maxReceiveCount: 5,
    messageRetentionSeconds: 4 * 24 * 3600,
    backoffTiersSeconds: DEFAULT_BACKOFF_TIERS_SECONDS,
    oldestMessageAgeSlaSeconds: { standard: 300, fifo: 900 } as Record<LaneKind, number>,
    deduplication: FifoDeduplication.messageId,
    highThroughput: false,
    maximumMessageSizeBytes: DEFAULT_MAXIMUM_MESSAGE_SIZE_BYTES,
    /** AWS's own defaults for an SQS mapping in provisioned mode. */
    minimumPollers: 2,
    maximumPollers: 200,
    /** The source documents: "non-zero depth lasting > 5 min" pages. */
    deadLetterQueueDepthMinutes: 5,
    /**
     * A dead letter or a stale backlog is an escalation not delivered: wake someone. A crash or a
     * throttle is retried and, if it persists, ends in one of those two, which page then.
     */
    alarmRoutes: {
        deadLetterQueueDepth: AlarmRoute.page,
        oldestMessageAge: AlarmRoute.page,
        functionErrors: AlarmRoute.slack,
        functionThrottles: AlarmRoute.slack,
    } as Readonly<Record<LaneAlarmKind, AlarmRoute>>,
} as const;

/** Long polling at the maximum: fewer empty receives, and what the Lambda poller uses anyway. */
const RECEIVE_WAIT_TIME_SECONDS = 20;
const ONE_HOUR_SECONDS = 3600;
/** SQS's own default; nothing consumes a DLQ automatically. */
const DEAD_LETTER_VISIBILITY_TIMEOUT_SECONDS = 30;
const ONE_DAY_SECONDS = 24 * ONE_HOUR_SECONDS;

/** Everything the component (and the local runtime) needs to build one lane, fully resolved. */
export interface LaneSettings {
    readonly kind: LaneKind;
    readonly queue: {
        readonly fifo: boolean;
        readonly visibilityTimeoutSeconds: number;
        readonly messageRetentionSeconds: number;
        readonly receiveWaitTimeSeconds: number;
        /** The largest message SQS accepts on this queue (body and attributes). */
        readonly maximumMessageSizeBytes: number;
        /** FIFO only. */
        readonly contentBasedDeduplication?: boolean;
        /** FIFO only: "messageGroup" in high-throughput mode, else "queue". */
        readonly deduplicationScope?: "messageGroup" | "queue";
        /** FIFO only: "perMessageGroupId" in high-throughput mode, else "perQueue". */
        readonly fifoThroughputLimit?: "perMessageGroupId" | "perQueue";
    };
    readonly deadLetterQueue: {
        readonly fifo: boolean;
        /** Only operators read a DLQ; a short timeout lets a peek (`dlq list`) release messages quickly. */
        readonly visibilityTimeoutSeconds: number;
        readonly messageRetentionSeconds: number;
        readonly maxReceiveCount: number;
        /** Never below the source queue's, or a message the source accepted could not be moved here. */
        readonly maximumMessageSizeBytes: number;
    };
    readonly consumer: {
        readonly timeoutSeconds: number;
        readonly memorySizeMb: number;
        /** Undefined: unreserved, and the mapping's maximumConcurrency alone bounds the consumer. */
        readonly reservedConcurrency?: number;
    };
    readonly mapping: {
        readonly batchSize: number;
        /** Undefined on FIFO lanes, which accept no batching window. */
        readonly maximumBatchingWindowSeconds?: number;
        /** Standard mode: the mapping's `scalingConfig.maximumConcurrency`. Undefined in provisioned mode. */
        readonly maximumConcurrency?: number;
        /** Provisioned mode: the mapping's `provisionedPollerConfig`. Undefined in standard mode. */
        readonly provisionedPollers?: { readonly minimumPollers: number; readonly maximumPollers: number };
    };
    readonly alarms: {
        /** One-minute periods the DLQ depth must stay above zero before the alarm fires. */
        readonly deadLetterQueueDepthMinutes: number;
        readonly routes: Readonly<Record<LaneAlarmKind, AlarmRoute>>;
    };
    /** Backoff tiers, each already capped at the visibility timeout. */
    readonly backoffTiersSeconds: readonly number[];
    readonly oldestMessageAgeSlaSeconds: number;
    /** Idempotency records must outlive every redelivery of a message (visibility x maxReceiveCount). */
    readonly idempotencyExpirySeconds: number;
}

/** AWS's advice: visibility >= 6 x function timeout, plus the batching window a batch may wait. */
export function minimumVisibilityTimeoutSeconds(functionTimeoutSeconds: number, batchingWindowSeconds: number): number {
    return VISIBILITY_TO_FUNCTION_TIMEOUT_RATIO * functionTimeoutSeconds + batchingWindowSeconds;
}

/**
 * An idempotency record has to outlive the last redelivery of a message (visibility x
 * maxReceiveCount, plus an hour for polling delays), and at least a day so that a producer's
 * duplicate sent hours later still does not page twice.
 */
export function idempotencyExpirySeconds(visibilityTimeoutSeconds: number, maxReceiveCount: number): number {
    return Math.max(ONE_DAY_SECONDS, visibilityTimeoutSeconds * maxReceiveCount + ONE_HOUR_SECONDS);
}

export const LANE_OPTION_KEYS: readonly (keyof LaneOptions)[] = [
    "functionTimeoutSeconds",
    "memorySizeMb",
    "reservedConcurrency",
    "maximumConcurrency",
    "batchSize",
    "batchingWindowSeconds",
    "maxReceiveCount",
    "visibilityTimeoutSeconds",
    "messageRetentionSeconds",
    "oldestMessageAgeSlaSeconds",
    "backoffTiersSeconds",
    "provisionedPollers",
    "maximumMessageSizeBytes",
    "alarms",
];
const PROVISIONED_POLLER_KEYS: readonly (keyof ProvisionedPollerOptions)[] = ["minimumPollers", "maximumPollers"];
const LANE_ALARM_KEYS: readonly (keyof LaneAlarmOptions)[] = ["deadLetterQueueDepthMinutes", "routes"];
export const FIFO_LANE_OPTION_KEYS: readonly (keyof FifoLaneOptions)[] = [...LANE_OPTION_KEYS, "deduplication", "highThroughput"];

/** Checks one lane's options; `key` is the path shown in messages, e.g. "pipeline.escalation". */
export function validateLaneOptions(problems: Problems, key: string, value: unknown, kind: LaneKind): void {
    const knownKeys = kind === LaneKind.fifo ? FIFO_LANE_OPTION_KEYS : LANE_OPTION_KEYS;
    if (!problems.object(key, value, knownKeys)) {
        return;
    }
    const options = value as FifoLaneOptions;
    const field = (name: keyof FifoLaneOptions) => `${key}.${name}`;

    problems.integerInRange(field("functionTimeoutSeconds"), options.functionTimeoutSeconds, Limits.functionTimeoutSeconds);
    problems.integerInRange(field("memorySizeMb"), options.memorySizeMb, Limits.memorySizeMb);
    problems.integerInRange(field("maxReceiveCount"), options.maxReceiveCount, Limits.missionMaxReceiveCount);
    problems.integerInRange(field("oldestMessageAgeSlaSeconds"), options.oldestMessageAgeSlaSeconds, Limits.oldestMessageAgeSlaSeconds);
    problems.integerInRange(field("messageRetentionSeconds"), options.messageRetentionSeconds, {
        min: Limits.messageRetentionSeconds.min,
        max: DEAD_LETTER_RETENTION_SECONDS - 1,
    });

    const reservedOk = problems.integerInRange(field("reservedConcurrency"), options.reservedConcurrency, Limits.concurrency);
    const maximumOk = problems.integerInRange(field("maximumConcurrency"), options.maximumConcurrency, Limits.concurrency);
    // Without reserved concurrency there is nothing for maximumConcurrency to exceed.
    const reserved = reservedOk ? options.reservedConcurrency : undefined;
    if (maximumOk && reserved !== undefined && options.maximumConcurrency! > reserved) {
        problems.add(
            `'${field("maximumConcurrency")}' must be at most reservedConcurrency (${reserved}), or throttled messages drift into the DLQ; ${options.maximumConcurrency} given`,
        );
    }

    validateProvisionedPollers(problems, key, options);
    problems.integerInRange(field("maximumMessageSizeBytes"), options.maximumMessageSizeBytes, Limits.maximumMessageSizeBytes);
    validateLaneAlarms(problems, field("alarms"), options.alarms);
    validateBatching(problems, key, options, kind);

    const timeout = options.functionTimeoutSeconds ?? LaneDefaults.functionTimeoutSeconds;
    const window = kind === LaneKind.fifo ? 0 : (options.batchingWindowSeconds ?? LaneDefaults.batchingWindowSeconds);
    const minimumVisibility = minimumVisibilityTimeoutSeconds(timeout, window);
    const visibility = options.visibilityTimeoutSeconds;
    if (
        visibility !== undefined &&
        (!Number.isInteger(visibility) || visibility < minimumVisibility || visibility > Limits.visibilityTimeoutSeconds.max)
    ) {
        problems.add(
            `'${field("visibilityTimeoutSeconds")}' must be an integer between ${minimumVisibility} ` +
                `(${VISIBILITY_TO_FUNCTION_TIMEOUT_RATIO} x functionTimeoutSeconds ${timeout} + batchingWindowSeconds ${window}) ` +
                `and ${Limits.visibilityTimeoutSeconds.max}, ${JSON.stringify(visibility)} given`,
        );
    }

    problems.array(field("backoffTiersSeconds"), options.backoffTiersSeconds, (elementKey, element) =>
        problems.integerInRange(elementKey, element, Limits.backoffTierSeconds),
    );
    const tiers = options.backoffTiersSeconds;
    if (Array.isArray(tiers)) {
        if (tiers.length === 0) {
            problems.add(`'${field("backoffTiersSeconds")}' must list at least one tier, [] given`);
        }
        if (tiers.some((tier, index) => index > 0 && tier < tiers[index - 1])) {
            problems.add(
                `'${field("backoffTiersSeconds")}' must not decrease from one attempt to the next, ${JSON.stringify(tiers)} given`,
            );
        }
    }

    if (kind === LaneKind.fifo) {
        problems.oneOf(field("deduplication"), options.deduplication, Object.values(FifoDeduplication));
        problems.boolean(field("highThroughput"), options.highThroughput);
    }
}

/** Ranges of both poller counts, their order, and the exclusive choice against maximumConcurrency. */
function validateProvisionedPollers(problems: Problems, key: string, options: LaneOptions): void {
    const pollersKey = `${key}.provisionedPollers`;
    if (!problems.object(pollersKey, options.provisionedPollers, PROVISIONED_POLLER_KEYS)) {
        return;
    }
    const pollers = options.provisionedPollers as ProvisionedPollerOptions;
    const minimumOk = problems.integerInRange(`${pollersKey}.minimumPollers`, pollers.minimumPollers, Limits.minimumPollers);
    const maximumOk = problems.integerInRange(`${pollersKey}.maximumPollers`, pollers.maximumPollers, Limits.maximumPollers);
    const minimum = usableValue(minimumOk, pollers.minimumPollers, LaneDefaults.minimumPollers);
    const maximum = usableValue(maximumOk, pollers.maximumPollers, LaneDefaults.maximumPollers);
    if (minimum !== undefined && maximum !== undefined && minimum > maximum) {
        problems.add(`'${pollersKey}.maximumPollers' must be at least minimumPollers (${minimum}), ${maximum} given`);
    }
    // Reserved concurrency is optional, and in provisioned mode it is the consumer's only bound.
    if (options.reservedConcurrency === undefined) {
        problems.add(
            `'${key}.reservedConcurrency' must be set with '${pollersKey}': provisioned pollers replace maximumConcurrency, ` +
                "so reserved concurrency (2..1000) is what bounds the consumer; nothing given",
        );
    }
    if (options.maximumConcurrency !== undefined) {
        problems.add(
            `'${key}.maximumConcurrency' cannot be combined with '${pollersKey}': AWS accepts one or the other on an SQS event source ` +
                "mapping (maximumConcurrency caps a standard-mode mapping's concurrent invocations; provisioned pollers replace standard-mode " +
                `scaling, and reservedConcurrency then bounds the consumer); remove one of them, ${JSON.stringify(options.maximumConcurrency)} given for maximumConcurrency`,
        );
    }
}

function validateLaneAlarms(problems: Problems, key: string, value: unknown): void {
    if (!problems.object(key, value, LANE_ALARM_KEYS)) {
        return;
    }
    const alarms = value as LaneAlarmOptions;
    problems.integerInRange(`${key}.deadLetterQueueDepthMinutes`, alarms.deadLetterQueueDepthMinutes, Limits.deadLetterQueueDepthMinutes);
    if (problems.object(`${key}.routes`, alarms.routes, LaneAlarmKinds)) {
        for (const [kind, route] of Object.entries(alarms.routes as Record<string, unknown>)) {
            if ((LaneAlarmKinds as readonly string[]).includes(kind)) {
                problems.oneOf(`${key}.routes.${kind}`, route, Object.values(AlarmRoute));
            }
        }
    }
}

/** Batch size against the batching window, as Lambda's CreateEventSourceMapping checks them (the local mapping checks with it too). */
export function validateBatching(problems: Problems, key: string, options: LaneOptions, kind: LaneKind): void {
    const batchSizeKey = `${key}.batchSize`;
    const windowKey = `${key}.batchingWindowSeconds`;
    if (kind === LaneKind.fifo) {
        problems.integerInRange(batchSizeKey, options.batchSize, Limits.fifoBatchSize);
        if (options.batchingWindowSeconds !== undefined && options.batchingWindowSeconds !== 0) {
            problems.add(
                `'${windowKey}' must be 0 on a FIFO lane (FIFO event source mappings accept no batching window), ${JSON.stringify(options.batchingWindowSeconds)} given`,
            );
        }
        return;
    }
    const sizeOk = problems.integerInRange(batchSizeKey, options.batchSize, Limits.standardBatchSize);
    const windowOk = problems.integerInRange(windowKey, options.batchingWindowSeconds, Limits.batchingWindowSeconds);
    const window = usableValue(windowOk, options.batchingWindowSeconds, LaneDefaults.batchingWindowSeconds);
    if (sizeOk && options.batchSize! > Limits.batchSizeWithoutWindow && window === 0) {
        problems.add(
            `'${batchSizeKey}' must be at most ${Limits.batchSizeWithoutWindow} unless '${windowKey}' is at least 1, ${options.batchSize} given with a window of 0`,
        );
    }
}

/**
 * The value a cross-field check may rely on: the one given when it is valid, the default when
 * none was given, and undefined when the given one is invalid (already reported on its own).
 */
function usableValue(valid: boolean, given: number | undefined, fallback: number): number | undefined {
    if (given === undefined) {
        return fallback;
    }
    return valid ? given : undefined;
}

/**
 * The most invocations a lane's consumer runs at once: its reserved concurrency, else the
 * mapping's maximumConcurrency (validation makes provisioned lanes reserve).
 */
export function consumerConcurrencyBound(settings: LaneSettings): number {
    return settings.consumer.reservedConcurrency ?? settings.mapping.maximumConcurrency ?? LaneDefaults.maximumConcurrency;
}

/** Resolves one lane's options (already validated) into its full settings. */
export function computeLaneSettings(kind: LaneKind, options: FifoLaneOptions = {}): LaneSettings {
    const fifo = kind === LaneKind.fifo;
    const timeoutSeconds = options.functionTimeoutSeconds ?? LaneDefaults.functionTimeoutSeconds;
    const batchingWindowSeconds = fifo ? 0 : (options.batchingWindowSeconds ?? LaneDefaults.batchingWindowSeconds);
    const visibilityTimeoutSeconds =
        options.visibilityTimeoutSeconds ?? minimumVisibilityTimeoutSeconds(timeoutSeconds, batchingWindowSeconds);
    const maxReceiveCount = options.maxReceiveCount ?? LaneDefaults.maxReceiveCount;
    const reservedConcurrency = options.reservedConcurrency;
    const highThroughput = options.highThroughput ?? LaneDefaults.highThroughput;
    const maximumMessageSizeBytes = options.maximumMessageSizeBytes ?? LaneDefaults.maximumMessageSizeBytes;
    const pollers = options.provisionedPollers;
    return {
        kind,
        queue: {
            fifo,
            visibilityTimeoutSeconds,
            messageRetentionSeconds: options.messageRetentionSeconds ?? LaneDefaults.messageRetentionSeconds,
            receiveWaitTimeSeconds: RECEIVE_WAIT_TIME_SECONDS,
            maximumMessageSizeBytes,
            ...(fifo
                ? {
                      contentBasedDeduplication: (options.deduplication ?? LaneDefaults.deduplication) === FifoDeduplication.contentBased,
                      deduplicationScope: highThroughput ? "messageGroup" : "queue",
                      fifoThroughputLimit: highThroughput ? "perMessageGroupId" : "perQueue",
                  }
                : {}),
        },
        deadLetterQueue: {
            fifo,
            visibilityTimeoutSeconds: DEAD_LETTER_VISIBILITY_TIMEOUT_SECONDS,
            messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
            maxReceiveCount,
            // Equal to the source's: every message the source accepted, and the dead-letter copy within its headroom, fits.
            maximumMessageSizeBytes,
        },
        consumer: {
            timeoutSeconds,
            memorySizeMb: options.memorySizeMb ?? LaneDefaults.memorySizeMb,
            reservedConcurrency,
        },
        mapping: {
            batchSize: options.batchSize ?? LaneDefaults.batchSize,
            maximumBatchingWindowSeconds: fifo ? undefined : batchingWindowSeconds,
            ...(pollers !== undefined
                ? {
                      provisionedPollers: {
                          minimumPollers: pollers.minimumPollers ?? LaneDefaults.minimumPollers,
                          maximumPollers: pollers.maximumPollers ?? LaneDefaults.maximumPollers,
                      },
                  }
                : { maximumConcurrency: options.maximumConcurrency ?? reservedConcurrency ?? LaneDefaults.maximumConcurrency }),
        },
        alarms: {
            deadLetterQueueDepthMinutes: options.alarms?.deadLetterQueueDepthMinutes ?? LaneDefaults.deadLetterQueueDepthMinutes,
            routes: { ...LaneDefaults.alarmRoutes, ...options.alarms?.routes },
        },
        // A tier above the visibility timeout would hold a retry longer than a crash would.
        backoffTiersSeconds: (options.backoffTiersSeconds ?? LaneDefaults.backoffTiersSeconds).map((tier) =>
            Math.min(tier, visibilityTimeoutSeconds),
        ),
        oldestMessageAgeSlaSeconds: options.oldestMessageAgeSlaSeconds ?? LaneDefaults.oldestMessageAgeSlaSeconds[kind],
        idempotencyExpirySeconds: idempotencyExpirySeconds(visibilityTimeoutSeconds, maxReceiveCount),
    };
}
