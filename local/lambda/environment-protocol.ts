/** Messages between an execution environment (a worker thread) and the runtime that drives it. */
import type { InvocationIdentity } from "./lambda-context";

export interface EnvironmentWorkerData {
    readonly tsxApiPath: string;
    readonly workerModule: string;
    readonly handlerModule: string;
    readonly handlerExport: string;
    readonly handlerInput?: unknown;
    /** Time the handler's outgoing HTTP requests (InvocationTiming.requests); only benchmarks ask for it. */
    readonly measureRequests?: boolean;
}

export interface InvokeRequest {
    readonly type: "invoke";
    readonly identity: InvocationIdentity;
    readonly event: unknown;
    /** Epoch milliseconds (sub-millisecond) at which the runtime posted the request: the hop's start. */
    readonly postedAt: number;
}

/**
 * Where an invocation's time went inside the execution environment, in epoch milliseconds with
 * sub-millisecond precision (`performance.timeOrigin + performance.now()`, comparable across threads).
 * The runtime adds the ends of the hop; the event source mapping reports it with the batch.
 */
export interface WorkerTiming {
    /** The worker thread took the request off its port (the hop in ends). */
    readonly receivedAt: number;
    /** The handler's promise settled. */
    readonly handlerEndedAt: number;
    /** Of the handler's wall time, how long the worker's event loop was busy (JS and callbacks, not waiting on I/O). */
    readonly handlerBusyMs: number;
    /** The handler's HTTP requests (SDK calls and fetch) when measured: how many, and their summed time in flight. */
    readonly requests?: { readonly count: number; readonly inFlightMs: number };
}

export interface SerializedError {
    readonly name: string;
    readonly message: string;
    readonly stack?: string;
}

export type EnvironmentMessage =
    | { readonly type: "ready" }
    | { readonly type: "init-error"; readonly error: SerializedError }
    | { readonly type: "result"; readonly awsRequestId: string; readonly response: unknown; readonly timing: WorkerTiming }
    | { readonly type: "error"; readonly awsRequestId: string; readonly error: SerializedError; readonly timing: WorkerTiming }
    /** A timer set before the handler returned came due while the environment was frozen. */
    | { readonly type: "frozen-work"; readonly kind: string; readonly setAt: string };

export function serializeError(error: unknown): SerializedError {
    if (error instanceof Error) {
        return { name: error.name, message: error.message, stack: error.stack };
    }
    return { name: "Error", message: String(error) };
}
