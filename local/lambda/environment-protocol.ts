/** Messages between an execution environment (a worker thread) and the runtime that drives it. */
import type { InvocationIdentity } from "./lambda-context";

export interface EnvironmentWorkerData {
    readonly tsxApiPath: string;
    readonly workerModule: string;
    readonly handlerModule: string;
    readonly handlerExport: string;
    readonly handlerInput?: unknown;
}

export interface InvokeRequest {
    readonly type: "invoke";
    readonly identity: InvocationIdentity;
    readonly event: unknown;
}

export interface SerializedError {
    readonly name: string;
    readonly message: string;
    readonly stack?: string;
}

export type EnvironmentMessage =
    | { readonly type: "ready" }
    | { readonly type: "init-error"; readonly error: SerializedError }
    | { readonly type: "result"; readonly awsRequestId: string; readonly response: unknown }
    | { readonly type: "error"; readonly awsRequestId: string; readonly error: SerializedError }
    /** A timer set before the handler returned came due while the environment was frozen. */
    | { readonly type: "frozen-work"; readonly kind: string; readonly setAt: string };

export function serializeError(error: unknown): SerializedError {
    if (error instanceof Error) {
        return { name: error.name, message: error.message, stack: error.stack };
    }
    return { name: "Error", message: String(error) };
}
