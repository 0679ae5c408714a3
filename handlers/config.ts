/**
 * The handlers' settings, read from their environment once per execution environment: the
 * shared consumer settings, the escalation targets, and the reader that collects every problem.
 */
import {
    DEFAULT_BACKOFF_TIERS_SECONDS,
    DEFAULT_MAXIMUM_MESSAGE_SIZE_BYTES,
    HandlerEnvironment,
    LARGEST_MAXIMUM_MESSAGE_SIZE_BYTES,
    DEFAULT_PAGERDUTY_EVENTS_URL,
} from "./environment";
import { HandlerConfigError } from "./errors";

/** Where settings come from: `process.env` in Lambda, a plain object in tests and the local runtime. */
export type EnvironmentSource = Readonly<Record<string, string | undefined>>;

/** The settings every consumer reads from its environment, parsed and checked once at cold start. */
export interface ConsumerConfig {
    readonly queueUrl: string;
    readonly deadLetterQueueUrl: string;
    readonly maxReceiveCount: number;
    readonly visibilityTimeoutSeconds: number;
    /** Backoff tiers for transient failures, already capped at the visibility timeout. */
    readonly backoffTiersSeconds: readonly number[];
    readonly idempotencyTableName: string;
    readonly idempotencyExpirySeconds: number;
    readonly handlerVersion: string;
    /** The queue's maximumMessageSize: what a message (body and attributes) may weigh. */
    readonly maximumMessageSizeBytes: number;
    /** The DLQ's maximumMessageSize: what a dead-letter copy, reason attributes included, may weigh. */
    readonly deadLetterMaximumMessageSizeBytes: number;
    /** Same as deadLetterMaximumMessageSizeBytes, under the name the dead-letter forwarder reads. */
    readonly deadLetterMaximumMessageBytes: number;
    /** Where offloaded bodies go (undefined: a copy too large for the DLQ cannot be forwarded). */
    readonly payloadBucketName?: string;
}

/** SQS's smallest maximumMessageSize. */
const SMALLEST_MAXIMUM_MESSAGE_SIZE_BYTES = 1024;

const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/** Reads the consumer settings from `environment` (normally `process.env`). Throws HandlerConfigError. */
export function readConsumerConfig(environment: EnvironmentSource): ConsumerConfig {
    const problems: string[] = [];
    const read = new EnvironmentReader(environment, problems);

    const queueUrl = read.required(HandlerEnvironment.queueUrl);
    const deadLetterQueueUrl = read.required(HandlerEnvironment.deadLetterQueueUrl);
    const maxReceiveCount = read.integer(HandlerEnvironment.maxReceiveCount, 1, 1000);
    const visibilityTimeoutSeconds = read.integer(HandlerEnvironment.visibilityTimeoutSeconds, 0, MAX_VISIBILITY_TIMEOUT_SECONDS);
    const tiers = read.tiers(HandlerEnvironment.backoffTiersSeconds);
    const idempotencyTableName = read.required(HandlerEnvironment.idempotencyTableName);
    const idempotencyExpirySeconds = read.integer(HandlerEnvironment.idempotencyExpirySeconds, 1, Number.MAX_SAFE_INTEGER);
    // Optional: a function deployed before the limits were passed runs at the SQS default.
    const messageSize = (name: string) =>
        read.optional(name) === undefined
            ? DEFAULT_MAXIMUM_MESSAGE_SIZE_BYTES
            : read.integer(name, SMALLEST_MAXIMUM_MESSAGE_SIZE_BYTES, LARGEST_MAXIMUM_MESSAGE_SIZE_BYTES);
    const maximumMessageSizeBytes = messageSize(HandlerEnvironment.maximumMessageSizeBytes);
    const deadLetterMaximumMessageSizeBytes = messageSize(HandlerEnvironment.deadLetterMaximumMessageSizeBytes);
    const payloadBucketName = read.optional(HandlerEnvironment.payloadBucketName);

    // Shorter than every redelivery of a message, the record would expire and Slack be told twice.
    const minimumExpiry = visibilityTimeoutSeconds * maxReceiveCount;
    if (problems.length === 0 && idempotencyExpirySeconds <= minimumExpiry) {
        problems.push(
            `'${HandlerEnvironment.idempotencyExpirySeconds}' must be greater than visibility timeout x maxReceiveCount (${minimumExpiry}), ${idempotencyExpirySeconds} given`,
        );
    }
    // A DLQ smaller than its source refuses the very messages that fail.
    if (problems.length === 0 && deadLetterMaximumMessageSizeBytes < maximumMessageSizeBytes) {
        problems.push(
            `'${HandlerEnvironment.deadLetterMaximumMessageSizeBytes}' must be at least ${HandlerEnvironment.maximumMessageSizeBytes} (${maximumMessageSizeBytes}), ${deadLetterMaximumMessageSizeBytes} given`,
        );
    }
    if (problems.length > 0) {
        throw new HandlerConfigError(`invalid handler environment: ${problems.join("; ")}`);
    }
    return {
        queueUrl,
        deadLetterQueueUrl,
        maxReceiveCount,
        visibilityTimeoutSeconds,
        backoffTiersSeconds: tiers.map((tier) => Math.min(tier, visibilityTimeoutSeconds)),
        idempotencyTableName,
        idempotencyExpirySeconds,
        handlerVersion: read.optional(HandlerEnvironment.handlerVersion) ?? "unversioned",
        maximumMessageSizeBytes,
        deadLetterMaximumMessageSizeBytes,
        deadLetterMaximumMessageBytes: deadLetterMaximumMessageSizeBytes,
        ...(payloadBucketName !== undefined ? { payloadBucketName } : {}),
    };
}

/** Collects every problem instead of stopping at the first, so one deploy fixes them all. */
export class EnvironmentReader {
    constructor(
        private readonly environment: EnvironmentSource,
        private readonly problems: string[],
    ) {}

    optional(name: string): string | undefined {
        const value = this.environment[name]?.trim();
        return value === undefined || value === "" ? undefined : value;
    }

    required(name: string): string {
        const value = this.optional(name);
        if (value === undefined) {
            this.problems.push(`'${name}' must be set, nothing given`);
            return "";
        }
        return value;
    }

    integer(name: string, min: number, max: number): number {
        const text = this.optional(name);
        const value = Number(text);
        if (text === undefined || !Number.isInteger(value) || value < min || value > max) {
            this.problems.push(`'${name}' must be a whole number between ${min} and ${max}, ${JSON.stringify(text ?? null)} given`);
            return 0;
        }
        return value;
    }

    tiers(name: string): number[] {
        const text = this.optional(name);
        if (text === undefined) {
            return [...DEFAULT_BACKOFF_TIERS_SECONDS];
        }
        const tiers = text.split(",").map((part) => Number(part.trim()));
        if (tiers.length === 0 || tiers.some((tier) => !Number.isInteger(tier) || tier < 0 || tier > MAX_VISIBILITY_TIMEOUT_SECONDS)) {
            this.problems.push(
                `'${name}' must be comma-separated whole seconds between 0 and ${MAX_VISIBILITY_TIMEOUT_SECONDS}, ${JSON.stringify(text)} given`,
            );
            return [];
        }
        return tiers;
    }
}

/** Where the escalation consumer delivers, and the names (never values) of its secrets. */
export interface EscalationTargets {
    readonly pagerDutyEventsUrl: string;
    readonly pagerDutyRoutingKeyParameter: string;
    readonly slackWebhookUrlParameter: string;
}

export function readEscalationTargets(environment: EnvironmentSource): EscalationTargets {
    const problems: string[] = [];
    const read = new EnvironmentReader(environment, problems);
    const targets = {
        pagerDutyEventsUrl: read.optional(HandlerEnvironment.pagerDutyEventsUrl) ?? DEFAULT_PAGERDUTY_EVENTS_URL,
        pagerDutyRoutingKeyParameter: read.required(HandlerEnvironment.pagerDutyRoutingKeyParameter),
        slackWebhookUrlParameter: read.required(HandlerEnvironment.slackWebhookUrlParameter),
    };
    if (!URL.canParse(targets.pagerDutyEventsUrl)) {
        problems.push(
            `'${HandlerEnvironment.pagerDutyEventsUrl}' must be an absolute URL, ${JSON.stringify(targets.pagerDutyEventsUrl)} given`,
        );
    }
    if (problems.length > 0) {
        throw new HandlerConfigError(`invalid handler environment: ${problems.join("; ")}`);
    }
    return targets;
}
