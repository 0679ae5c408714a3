/**
 * Lambda freezes an execution environment between invocations: a timer started before the
 * handler returned does not run until the next invocation thaws it (or never, if the environment
 * is discarded). Locally a worker thread keeps running, so such a timer would do its work between
 * invocations and a handler relying on it would pass here and fail on AWS. Inside a worker, this
 * module wraps `setTimeout` and `setInterval`: a callback due while the environment is "frozen"
 * is held until the next invocation starts, and reported with the file and line that set it.
 * `clearTimeout` and `clearInterval` are wrapped too: a held callback whose timer is cleared
 * before the thaw is dropped, as a frozen process never runs a timer cleared before it fired.
 * I/O still completes here while "frozen" (a frozen process would see it only after the thaw), and
 * fetch's connection pool clears a closed socket's timer from such I/O: run on the thaw anyway,
 * that timer found its socket's parser gone and crashed the environment (undici's onParserTimeout,
 * "Cannot destructure property 'socket' of 'parser.deref(...)'": the busy soak's stuck replays).
 * (An unawaited promise waiting on I/O cannot be held this way; README lists it.)
 */

export interface FrozenWorkReport {
    /** "setTimeout" or "setInterval". */
    readonly kind: string;
    /** Where the timer was set: the first stack frame outside this module. */
    readonly setAt: string;
}

export interface Freezer {
    /** The handler returned: from now on, due timers are held. */
    freeze(): void;
    /** An invocation starts: held timers run first, as a thawed environment runs them. */
    thaw(): void;
}

type TimerCallback = (...args: unknown[]) => void;

/** Frames that say nothing about who set the timer. */
const UNINFORMATIVE_FRAME = /freeze\.ts|\(node:|^node:|<anonymous>|^Error$/;

/**
 * Where a timer is being set, captured cheaply: V8 records the frames now and formats them (through
 * the bundle's source map, which costs far more) only if the callback is ever held and reported.
 * Every SDK call and fetch sets timers, so formatting each one put a source-mapped stack trace on
 * every request the handler made.
 */
function captureCaller(): { readonly stack?: string } {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 30;
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder);
    Error.stackTraceLimit = limit;
    return holder;
}

/** The first frame of the code that set the timer, or undefined for Node's own (fetch's connection pool). */
function callerFrame(captured: { readonly stack?: string }): string | undefined {
    const frames = (captured.stack ?? "").split("\n").map((line) => line.trim().replace(/^at /, ""));
    return frames.find((frame) => frame !== "" && !UNINFORMATIVE_FRAME.test(frame));
}

/** Installs the wrappers on this thread's globals; `report` is called once per held callback. */
export function installFreezer(report: (work: FrozenWorkReport) => void): Freezer {
    let frozen = false;
    // Keyed by the timer, so that clearing it drops what it left held (a Map keeps the order they came due).
    const held = new Map<object, () => void>();
    const originalSetTimeout = globalThis.setTimeout;
    const originalSetInterval = globalThis.setInterval;
    const originalClearTimeout = globalThis.clearTimeout;
    const originalClearInterval = globalThis.clearInterval;
    // Node's own timers (fetch's connection pool) are held as well, but not reported: the handler did not set them.
    const wrap = (
        kind: string,
        callback: TimerCallback,
        caller: { readonly stack?: string },
        timer: { handle?: object },
    ): TimerCallback => {
        return (...args: unknown[]) => {
            if (!frozen) {
                callback(...args);
                return;
            }
            const handle = timer.handle!;
            // An interval due several times while frozen runs once on thaw, as a thawed process would see it.
            if (held.has(handle)) {
                return;
            }
            const setAt = callerFrame(caller);
            if (setAt !== undefined) {
                report({ kind, setAt });
            }
            held.set(handle, () => callback(...args));
        };
    };
    const schedule = (kind: string, original: typeof setTimeout, callback: TimerCallback, ms: number | undefined, args: unknown[]) => {
        const timer: { handle?: object } = {};
        const handle = original(wrap(kind, callback, captureCaller(), timer), ms, ...args);
        timer.handle = handle;
        return handle;
    };
    /** Drops what the cleared timer left held; a timer cleared by its numeric id is found by that id. */
    const dropHeld = (handle: unknown) => {
        if (held.size === 0 || handle === undefined || handle === null) {
            return;
        }
        if (typeof handle === "object") {
            held.delete(handle);
            return;
        }
        for (const timer of held.keys()) {
            if (Number(timer) === Number(handle)) {
                held.delete(timer);
            }
        }
    };
    globalThis.setTimeout = ((callback: TimerCallback, ms?: number, ...args: unknown[]) =>
        schedule("setTimeout", originalSetTimeout, callback, ms, args)) as typeof setTimeout;
    globalThis.setInterval = ((callback: TimerCallback, ms?: number, ...args: unknown[]) =>
        schedule("setInterval", originalSetInterval as typeof setTimeout, callback, ms, args)) as typeof setInterval;
    globalThis.clearTimeout = ((handle?: Parameters<typeof clearTimeout>[0]) => {
        dropHeld(handle);
        originalClearTimeout(handle);
    }) as typeof clearTimeout;
    globalThis.clearInterval = ((handle?: Parameters<typeof clearInterval>[0]) => {
        dropHeld(handle);
        originalClearInterval(handle);
    }) as typeof clearInterval;
    return {
        freeze() {
            frozen = true;
        },
        thaw() {
            frozen = false;
            const due = [...held.values()];
            held.clear();
            for (const run of due) {
                run();
            }
        },
    };
}
