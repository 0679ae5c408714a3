/**
 * Every error class of the handlers and the producer, in one module (as Powertools keeps its
 * errors.ts). First the failure vocabulary of the consumers: every error a record can end with
 * falls in one of two families, and the family alone decides what happens to the message:
 * - poison: retrying cannot help (bad payload, unknown tool, a request the downstream rejects);
 *   the handler dead-letters it at once with the reason.
 * - transient: the world may be better in a moment (timeouts, 5xx, throttling); the message is
 *   retried after a backoff tier, and dead-lettered with the reason on its last attempt.
 * Errors nobody classified are treated as transient: retrying a bug costs a few invocations,
 * dead-lettering a blip would lose a page until someone redrives it.
 */

import type { DeadLetterRefusal } from "./dead-letter-forwarder";
import type { PayloadPointer } from "./messages";

/** Base of every non-retryable failure. */
export class PoisonMessageError extends Error {
    constructor(message: string, options?: ErrorOptions) {
        super(message, options);
        this.name = "PoisonMessageError";
    }
}

/** The body is not JSON, or does not match the message schema. */
export class InvalidMessageError extends PoisonMessageError {
    constructor(message: string, options?: ErrorOptions) {
        super(message, options);
        this.name = "InvalidMessageError";
    }
}

/** A tool call names a tool the registry does not have. */
export class UnknownToolError extends PoisonMessageError {
    constructor(
        readonly toolName: string,
        knownTools: readonly string[],
    ) {
        super(`tool '${toolName}' is not registered; known tools: ${knownTools.join(", ") || "none"}`);
        this.name = "UnknownToolError";
    }
}

/** A downstream answered with a status that says the request itself is wrong (4xx other than 408/429). */
export class DownstreamRejectedError extends PoisonMessageError {
    constructor(
        readonly downstream: string,
        readonly status: number,
        detail: string,
    ) {
        super(`${downstream} rejected the request with HTTP ${status}: ${detail}`);
        this.name = "DownstreamRejectedError";
    }
}

/** The large payload a pointer names is gone (expired or deleted); it will not come back. */
export class PayloadMissingError extends PoisonMessageError {
    constructor(bucket: string, key: string, options?: ErrorOptions) {
        super(`payload s3://${bucket}/${key} does not exist`, options);
        this.name = "PayloadMissingError";
    }
}

/** Base of every failure worth retrying. */
export class TransientError extends Error {
    constructor(message: string, options?: ErrorOptions) {
        super(message, options);
        this.name = "TransientError";
    }
}

/** A downstream timed out, could not be reached, throttled us or failed on its side. */
export class DownstreamUnavailableError extends TransientError {
    constructor(
        readonly downstream: string,
        detail: string,
        options?: ErrorOptions,
    ) {
        super(`${downstream} is unavailable: ${detail}`, options);
        this.name = "DownstreamUnavailableError";
    }
}

export const FailureKind = { poison: "poison", transient: "transient" } as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

/** Which family an error belongs to (see the module comment for why unknown errors are transient). */
export function failureKindOf(error: unknown): FailureKind {
    return error instanceof PoisonMessageError ? FailureKind.poison : FailureKind.transient;
}

/** An Error for anything thrown, so names and messages can always be reported. */
export function asError(thrown: unknown): Error {
    return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/**
 * Slack refused the post for good after PagerDuty was paged. Poison, so the message is
 * dead-lettered at once; the reason starts "paged; Slack failed:" and the PagerDuty step's
 * completion record stays, so a replay posts to Slack only.
 */
export class SlackFailedAfterPageError extends PoisonMessageError {
    constructor(readonly slackError: Error) {
        super(`paged; Slack failed: ${slackError.message}`, { cause: slackError });
        this.name = "SlackFailedAfterPageError";
    }
}

/** Slack was unavailable after PagerDuty was paged: retried (Slack only); on the last attempt dead-lettered as "paged; Slack failed: ...". */
export class SlackUnavailableAfterPageError extends TransientError {
    constructor(readonly slackError: Error) {
        super(`paged; Slack failed: ${slackError.message}`, { cause: slackError });
        this.name = "SlackUnavailableAfterPageError";
    }
}

/** A missing or out-of-range environment variable; the message names it, the range and the value. */
export class HandlerConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "HandlerConfigError";
    }
}

/**
 * The invocation's deadline passed while it was still running: Lambda would have stopped it, and
 * the message is already visible again (or about to be) for another invocation. Nothing more may
 * happen on this invocation's behalf: no downstream step, no dead letter, no visibility change.
 * A process frozen past its timeout (and resumed) is the case this guards against.
 */
export class InvocationDeadlinePassedError extends Error {
    constructor(readonly step: string) {
        super(`the invocation's deadline has passed; not starting ${step}`);
        this.name = "InvocationDeadlinePassedError";
    }
}

/**
 * The invocation is close to its deadline: `step` was not started, so the invocation can still
 * answer with a partial batch response (this record in `batchItemFailures`) before Lambda stops
 * it. Without this, one slow record timed the whole invocation out: every message of the batch,
 * done or not, came back, and each such receive used up one of SQS's `maxReceiveCount`, until SQS
 * moved messages that had never failed to the DLQ without a reason. Not an attempt (the record
 * did nothing) and not a failure: the message is simply handed back for the next invocation.
 */
export class InvocationDeadlineNearError extends Error {
    constructor(
        readonly step: string,
        readonly remainingMs: number,
        readonly neededMs: number,
    ) {
        super(`the invocation has ${remainingMs} ms left, ${neededMs} ms are needed; not starting ${step}`);
        this.name = "InvocationDeadlineNearError";
    }
}

/**
 * A step still running when the invocation reached its safety margin: it was told to stop
 * (its AbortSignal) and the record was failed, so the invocation answers before Lambda stops it.
 * The step did run, so this is an attempt, and a step that always overruns is dead-lettered as
 * exhausted with this reason instead of timing out every batch it is in.
 */
export class StepDeadlineExceededError extends TransientError {
    constructor(
        readonly step: string,
        readonly ranMs: number,
    ) {
        super(
            `${step} was still running after ${ranMs} ms, at the invocation's safety margin before its deadline; stopped (AbortSignal) and failed so the batch could answer in time`,
        );
        this.name = "StepDeadlineExceededError";
    }
}

export class SecretNotFoundError extends Error {
    constructor(
        readonly secretName: string,
        options?: ErrorOptions,
    ) {
        super(`secret '${secretName}' was not found`, options);
        this.name = "SecretNotFoundError";
    }
}

/** Input that fails its schema; the message names each field, what is allowed and the value given. */
export class ProducerValidationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProducerValidationError";
    }
}

/** Entries SQS still refused after every attempt; `failures` says which and why. */
export class ProducerSendError extends Error {
    constructor(readonly failures: readonly { readonly index: number; readonly code: string; readonly message: string }[]) {
        super(
            `${failures.length} message(s) were not sent: ${failures.map((failure) => `#${failure.index} ${failure.code}: ${failure.message}`).join("; ")}`,
        );
        this.name = "ProducerSendError";
    }
}

/** The DLQ (or the payload bucket behind it) did not take the copy; the record must not be acknowledged. */
export class DeadLetterRefusedError extends Error {
    constructor(
        readonly refusal: DeadLetterRefusal,
        options?: ErrorOptions,
    ) {
        super(`the DLQ forward was refused (${refusal}): ${(options?.cause as Error | undefined)?.message ?? "unknown cause"}`, options);
        this.name = "DeadLetterRefusedError";
    }
}

/** The copy would not fit the DLQ even with its body offloaded (or there is no bucket to offload to). */
export class DeadLetterTooLargeError extends Error {
    constructor(
        readonly bytes: number,
        readonly limitBytes: number,
        detail: string,
    ) {
        super(`the dead-letter copy is ${bytes} bytes, over the DLQ's ${limitBytes}-byte maximum message size; ${detail}`);
        this.name = "DeadLetterTooLargeError";
    }
}

/** A dead letter whose original body is in the payload bucket was replayed without fetching it. */
export class DeadLetterPayloadRequiredError extends Error {
    constructor(readonly pointer: PayloadPointer) {
        super(
            `the dead letter's original body is in s3://${pointer.s3BucketName}/${pointer.s3Key}; fetch it and pass it to replayRequestOf`,
        );
        this.name = "DeadLetterPayloadRequiredError";
    }
}

/** A message carries a `dead-letter` attribute or envelope this module cannot read. */
export class MalformedDeadLetterError extends Error {
    constructor(detail: string) {
        super(`malformed dead letter: ${detail}`);
        this.name = "MalformedDeadLetterError";
    }
}
