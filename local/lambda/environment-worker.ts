/**
 * Runs inside one execution environment (a worker thread): loads the handler module once (the
 * init phase), then serves invocations one at a time, as a Lambda execution environment does.
 * The runtime terminates the thread when an invocation overruns its timeout.
 */
import { subscribe } from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import type { Context } from "aws-lambda";
import { EnvironmentMessage, EnvironmentWorkerData, InvokeRequest, serializeError, type WorkerTiming } from "./environment-protocol";
import { installFreezer } from "./freeze";
import { createLambdaContext } from "./lambda-context";

type Handler = (event: unknown, context: Context, callback: (error?: unknown, result?: unknown) => void) => unknown;

const port = parentPort;
if (port === null) {
    throw new Error("environment-worker.ts must run in a worker thread started by ExecutionEnvironment");
}
const data = workerData as EnvironmentWorkerData;
const post = (message: EnvironmentMessage): void => port.postMessage(message);
// Stack traces through the bundle's source map, as NODE_OPTIONS=--enable-source-maps gives on Lambda.
process.setSourceMapsEnabled(true);
const freezer = installFreezer((work) => {
    process.stderr.write(
        `[local runtime] ${work.kind} set at ${work.setAt} came due after the handler returned; Lambda freezes the environment, so it runs only when the next invocation thaws it (held until then)\n`,
    );
    post({ type: "frozen-work", ...work });
});

let handler: Handler | undefined;
try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler path is only known at run time
    const loaded = require(data.handlerModule) as Record<string, unknown>;
    const exported = loaded[data.handlerExport];
    if (typeof exported !== "function") {
        throw new TypeError(`${data.handlerModule} does not export a function named '${data.handlerExport}'`);
    }
    handler = exported as Handler;
    // Lambda freezes the environment after init too, until the first invocation.
    freezer.freeze();
    post({ type: "ready" });
} catch (error) {
    post({ type: "init-error", error: serializeError(error) });
}

port.on("message", (request: InvokeRequest) => {
    void invoke(request);
});

/** Epoch milliseconds with sub-millisecond precision, comparable with the runtime thread's. */
const now = (): number => performance.timeOrigin + performance.now();

/**
 * Summed time in flight of the HTTP requests the handler sends (the SDK's through node:http,
 * fetch's through undici), measured from Node's diagnostics channels only when the runtime asks
 * (benchmarks): nothing is subscribed otherwise, so invocations pay nothing for it.
 */
const requestClock = data.measureRequests === true ? startRequestClock() : undefined;

function startRequestClock(): { take(): { count: number; inFlightMs: number } } {
    const started = new WeakMap<object, number>();
    let count = 0;
    let inFlightMs = 0;
    const start = (message: unknown) => started.set((message as { request: object }).request, now());
    const end = (message: unknown) => {
        const request = (message as { request: object }).request;
        const at = started.get(request);
        if (at !== undefined) {
            started.delete(request);
            count++;
            inFlightMs += now() - at;
        }
    };
    subscribe("http.client.request.start", start);
    subscribe("http.client.response.finish", end);
    subscribe("http.client.request.error", end);
    subscribe("undici:request:create", start);
    subscribe("undici:request:headers", end);
    subscribe("undici:request:error", end);
    return {
        take() {
            const taken = { count, inFlightMs };
            count = 0;
            inFlightMs = 0;
            return taken;
        },
    };
}

async function invoke(request: InvokeRequest): Promise<void> {
    const receivedAt = now();
    const loopBefore = performance.eventLoopUtilization();
    requestClock?.take();
    const timing = (): WorkerTiming => ({
        receivedAt,
        handlerEndedAt: now(),
        handlerBusyMs: performance.eventLoopUtilization(loopBefore).active,
        ...(requestClock !== undefined ? { requests: requestClock.take() } : {}),
    });
    const awsRequestId = request.identity.awsRequestId;
    // Lambda sets the trace header per invocation; the SDK and Powertools Tracer read it.
    process.env._X_AMZN_TRACE_ID = request.identity.traceId;
    freezer.thaw();
    try {
        const response = await callHandler(request);
        const handlerTiming = timing();
        // Lambda serialises the response as JSON; a value JSON cannot carry is lost the same way here.
        const serialized = response === undefined ? null : (JSON.parse(JSON.stringify(response)) as unknown);
        freezer.freeze();
        post({ type: "result", awsRequestId, response: serialized, timing: handlerTiming });
    } catch (error) {
        const handlerTiming = timing();
        freezer.freeze();
        post({ type: "error", awsRequestId, error: serializeError(error), timing: handlerTiming });
    }
}

/** Supports both async handlers and the older callback style. */
function callHandler(request: InvokeRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
        const callback = (error?: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
        try {
            const returned = handler!(request.event, createLambdaContext(request.identity), callback);
            if (returned !== undefined && typeof (returned as Promise<unknown>).then === "function") {
                (returned as Promise<unknown>).then(resolve, reject);
            } else if (handler!.length < 3) {
                resolve(returned);
            }
        } catch (error) {
            reject(error);
        }
    });
}
