import { DEFAULT_BACKOFF_TIERS_SECONDS } from "../handlers/environment";
import { Problems } from "./checks";
import { DEAD_LETTER_RETENTION_SECONDS, Limits, VISIBILITY_TO_FUNCTION_TIMEOUT_RATIO } from "./limits";
import { FifoDeduplication, FifoLaneOptions, LaneOptions } from "./options";

export const LaneKind = { standard: "standard", fifo: "fifo" } as const;
export type LaneKind = (typeof LaneKind)[keyof typeof LaneKind];

/** Defaults from AWS guidance; each is documented with `@default` on `LaneOptions`. */
export const LaneDefaults = {
    functionTimeoutSeconds: 30,
    memorySizeMb: 256,
    reservedConcurrency: 5,
    batchSize: 10,
    batchingWindowSeconds: 0,
    maxReceiveCount: 5,
    messageRetentionSeconds: 4 * 24 * 3600,
    backoffTiersSeconds: DEFAULT_BACKOFF_TIERS_SECONDS,
    oldestMessageAgeSlaSeconds: { standard: 300, fifo: 900 } as Record<LaneKind, number>,
    deduplication: FifoDeduplication.messageId,
    highThroughput: false,
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
    };
    readonly consumer: {
        readonly timeoutSeconds: number;
        readonly memorySizeMb: number;
        readonly reservedConcurrency: number;
    };
    readonly mapping: {
        readonly batchSize: number;
        /** Undefined on FIFO lanes, which accept no batching window. */
        readonly maximumBatchingWindowSeconds?: number;
        readonly maximumConcurrency: number;
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
    "functionTimeoutSeconds", "memorySizeMb", "reservedConcurrency", "maximumConcurrency", "batchSize",
    "batchingWindowSeconds", "maxReceiveCount", "visibilityTimeoutSeconds", "messageRetentionSeconds",
    "oldestMessageAgeSlaSeconds", "backoffTiersSeconds",
];
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
    problems.integerInRange(field("maxReceiveCount"), options.maxReceiveCount, Limits.maxReceiveCount);
    problems.integerInRange(field("oldestMessageAgeSlaSeconds"), options.oldestMessageAgeSlaSeconds, Limits.oldestMessageAgeSlaSeconds);
    problems.integerInRange(field("messageRetentionSeconds"), options.messageRetentionSeconds, {
        min: Limits.messageRetentionSeconds.min,
        max: DEAD_LETTER_RETENTION_SECONDS - 1,
    });

    const reservedOk = problems.integerInRange(field("reservedConcurrency"), options.reservedConcurrency, Limits.concurrency);
    const maximumOk = problems.integerInRange(field("maximumConcurrency"), options.maximumConcurrency, Limits.concurrency);
    const reserved = usableValue(reservedOk, options.reservedConcurrency, LaneDefaults.reservedConcurrency);
    if (maximumOk && reserved !== undefined && options.maximumConcurrency! > reserved) {
        problems.add(
            `'${field("maximumConcurrency")}' must be at most reservedConcurrency (${reserved}), or throttled messages drift into the DLQ; ${options.maximumConcurrency} given`,
        );
    }

    validateBatching(problems, key, options, kind);

    const timeout = options.functionTimeoutSeconds ?? LaneDefaults.functionTimeoutSeconds;
    const window = kind === LaneKind.fifo ? 0 : (options.batchingWindowSeconds ?? LaneDefaults.batchingWindowSeconds);
    const minimumVisibility = minimumVisibilityTimeoutSeconds(timeout, window);
    const visibility = options.visibilityTimeoutSeconds;
    if (visibility !== undefined && (!Number.isInteger(visibility) || visibility < minimumVisibility || visibility > Limits.visibilityTimeoutSeconds.max)) {
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
            problems.add(`'${field("backoffTiersSeconds")}' must not decrease from one attempt to the next, ${JSON.stringify(tiers)} given`);
        }
    }

    if (kind === LaneKind.fifo) {
        problems.oneOf(field("deduplication"), options.deduplication, Object.values(FifoDeduplication));
        problems.boolean(field("highThroughput"), options.highThroughput);
    }
}

/** Batch size against the batching window, as Lambda's CreateEventSourceMapping checks them (the local mapping checks with it too). */
export function validateBatching(problems: Problems, key: string, options: LaneOptions, kind: LaneKind): void {
    const batchSizeKey = `${key}.batchSize`;
    const windowKey = `${key}.batchingWindowSeconds`;
    if (kind === LaneKind.fifo) {
        problems.integerInRange(batchSizeKey, options.batchSize, Limits.fifoBatchSize);
        if (options.batchingWindowSeconds !== undefined && options.batchingWindowSeconds !== 0) {
            problems.add(`'${windowKey}' must be 0 on a FIFO lane (FIFO event source mappings accept no batching window), ${JSON.stringify(options.batchingWindowSeconds)} given`);
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

/** Resolves one lane's options (already validated) into its full settings. */
export function computeLaneSettings(kind: LaneKind, options: FifoLaneOptions = {}): LaneSettings {
    const fifo = kind === LaneKind.fifo;
    const timeoutSeconds = options.functionTimeoutSeconds ?? LaneDefaults.functionTimeoutSeconds;
    const batchingWindowSeconds = fifo ? 0 : (options.batchingWindowSeconds ?? LaneDefaults.batchingWindowSeconds);
    const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? minimumVisibilityTimeoutSeconds(timeoutSeconds, batchingWindowSeconds);
    const maxReceiveCount = options.maxReceiveCount ?? LaneDefaults.maxReceiveCount;
    const reservedConcurrency = options.reservedConcurrency ?? LaneDefaults.reservedConcurrency;
    const highThroughput = options.highThroughput ?? LaneDefaults.highThroughput;
    return {
        kind,
        queue: {
            fifo,
            visibilityTimeoutSeconds,
            messageRetentionSeconds: options.messageRetentionSeconds ?? LaneDefaults.messageRetentionSeconds,
            receiveWaitTimeSeconds: RECEIVE_WAIT_TIME_SECONDS,
            ...(fifo
                ? {
                      contentBasedDeduplication: (options.deduplication ?? LaneDefaults.deduplication) === FifoDeduplication.contentBased,
                      deduplicationScope: highThroughput ? "messageGroup" : "queue",
                      fifoThroughputLimit: highThroughput ? "perMessageGroupId" : "perQueue",
                  }
                : {}),
        },
        deadLetterQueue: { fifo, visibilityTimeoutSeconds: DEAD_LETTER_VISIBILITY_TIMEOUT_SECONDS, messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS, maxReceiveCount },
        consumer: {
            timeoutSeconds,
            memorySizeMb: options.memorySizeMb ?? LaneDefaults.memorySizeMb,
            reservedConcurrency,
        },
        mapping: {
            batchSize: options.batchSize ?? LaneDefaults.batchSize,
            maximumBatchingWindowSeconds: fifo ? undefined : batchingWindowSeconds,
            maximumConcurrency: options.maximumConcurrency ?? reservedConcurrency,
        },
        // A tier above the visibility timeout would hold a retry longer than a crash would.
        backoffTiersSeconds: (options.backoffTiersSeconds ?? LaneDefaults.backoffTiersSeconds).map((tier) => Math.min(tier, visibilityTimeoutSeconds)),
        oldestMessageAgeSlaSeconds: options.oldestMessageAgeSlaSeconds ?? LaneDefaults.oldestMessageAgeSlaSeconds[kind],
        idempotencyExpirySeconds: idempotencyExpirySeconds(visibilityTimeoutSeconds, maxReceiveCount),
    };
}
