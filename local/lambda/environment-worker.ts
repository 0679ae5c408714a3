/**
 * Runs inside one execution environment (a worker thread): loads the handler module once (the
 * init phase), then serves invocations one at a time, as a Lambda execution environment does.
 * The runtime terminates the thread when an invocation overruns its timeout.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Context } from "aws-lambda";
import { EnvironmentMessage, EnvironmentWorkerData, InvokeRequest, serializeError } from "./environment-protocol";
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

async function invoke(request: InvokeRequest): Promise<void> {
    const awsRequestId = request.identity.awsRequestId;
    // Lambda sets the trace header per invocation; the SDK and Powertools Tracer read it.
    process.env._X_AMZN_TRACE_ID = request.identity.traceId;
    freezer.thaw();
    try {
        const response = await callHandler(request);
        // Lambda serialises the response as JSON; a value JSON cannot carry is lost the same way here.
        const serialized = response === undefined ? null : (JSON.parse(JSON.stringify(response)) as unknown);
        freezer.freeze();
        post({ type: "result", awsRequestId, response: serialized });
    } catch (error) {
        freezer.freeze();
        post({ type: "error", awsRequestId, error: serializeError(error) });
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
