import type { Context } from "aws-lambda";

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

/** Remaining time of an invocation in ms; undefined when there is no context (direct calls). */
export type RemainingTime = (() => number) | undefined;

export function remainingTimeOf(context: Context | undefined): RemainingTime {
    return context === undefined ? undefined : () => context.getRemainingTimeInMillis();
}

/** Throws InvocationDeadlinePassedError when the invocation has no time left; call it before each side effect. */
export function assertWithinDeadline(remainingTime: RemainingTime, step: string): void {
    // Lambda's context reports 0, never less, once the deadline is reached.
    if (remainingTime !== undefined && remainingTime() <= 0) {
        throw new InvocationDeadlinePassedError(step);
    }
}
