/**
 * The invocation's deadline guard: no record or step starts without the safety margin left, and
 * long steps stop at it.
 */
import type { Context } from "aws-lambda";
import { InvocationDeadlinePassedError, InvocationDeadlineNearError, StepDeadlineExceededError } from "./errors";

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

/**
 * The share of the function timeout kept free at the end of every invocation, bounded: enough for
 * the failure handling of what is cut off (attempt records, visibility changes) and for Lambda to
 * read the response, on a CPU shared with other work.
 */
export const SAFETY_MARGIN = { share: 0.25, minMs: 250, maxMs: 3000 } as const;

/** The margin for an invocation that had `timeoutMs` when it started. */
export function safetyMarginMs(timeoutMs: number): number {
    return Math.round(Math.min(SAFETY_MARGIN.maxMs, Math.max(SAFETY_MARGIN.minMs, timeoutMs * SAFETY_MARGIN.share)));
}

/**
 * One invocation's deadline, as the consumers use it: no record or step starts without room for
 * it, and a running step is stopped at the safety margin. Built once per invocation from its
 * context; absent for direct calls without a context (nothing is guarded then).
 */
export class InvocationDeadline {
    readonly marginMs: number;

    private constructor(readonly remainingTime: () => number) {
        this.marginMs = safetyMarginMs(remainingTime());
    }

    static of(context: Context | undefined): InvocationDeadline | undefined {
        return context === undefined ? undefined : new InvocationDeadline(() => context.getRemainingTimeInMillis());
    }

    /**
     * Throws unless `neededMs` (what the step may take at most, e.g. a downstream call's time limit)
     * plus the safety margin remain: InvocationDeadlinePassedError once the deadline is reached
     * (nothing more may happen), InvocationDeadlineNearError before it (hand the record back).
     */
    assertRoomFor(step: string, neededMs = 0): void {
        const remainingMs = this.remainingTime();
        if (remainingMs <= 0) {
            throw new InvocationDeadlinePassedError(step);
        }
        if (remainingMs < neededMs + this.marginMs) {
            throw new InvocationDeadlineNearError(step, remainingMs, neededMs + this.marginMs);
        }
    }
}

/**
 * Runs `work` until it settles or the invocation reaches its safety margin, whichever is first.
 * At the margin the signal given to `work` is aborted and StepDeadlineExceededError is thrown at
 * once, without waiting for `work` (which should stop on the signal; if it ignores it, it may
 * still finish in a later invocation of this environment: README, "what can still repeat").
 */
export async function runUntilMargin<T>(
    deadline: InvocationDeadline | undefined,
    step: string,
    work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
    const controller = new AbortController();
    if (deadline === undefined) {
        return work(controller.signal);
    }
    const startedAt = Date.now();
    const running = work(controller.signal);
    // The loser of the race must not become an unhandled rejection.
    running.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const cutOff = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () => {
                const error = new StepDeadlineExceededError(step, Date.now() - startedAt);
                controller.abort(error);
                reject(error);
            },
            Math.max(0, deadline.remainingTime() - deadline.marginMs),
        );
    });
    try {
        return await Promise.race([running, cutOff]);
    } finally {
        clearTimeout(timer);
    }
}
