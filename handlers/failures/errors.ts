/**
 * The failure vocabulary of the consumers. Every error a record can end with falls in one of two
 * families, and the family alone decides what happens to the message:
 * - poison: retrying cannot help (bad payload, unknown tool, a request the downstream rejects);
 *   the handler dead-letters it at once with the reason.
 * - transient: the world may be better in a moment (timeouts, 5xx, throttling); the message is
 *   retried after a backoff tier, and dead-lettered with the reason on its last attempt.
 * Errors nobody classified are treated as transient: retrying a bug costs a few invocations,
 * dead-lettering a blip would lose a page until someone redrives it.
 */

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
