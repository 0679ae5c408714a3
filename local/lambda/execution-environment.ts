import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { EnvironmentMessage, EnvironmentWorkerData, InvokeRequest, SerializedError, type WorkerTiming } from "./environment-protocol";
import { LAMBDA_INIT_TIMEOUT_MS, LocalFunctionDefinition, lambdaRuntimeEnvironment } from "./function-definition";

/**
 * The hop between the runtime and the execution environment, around the handler's own time (all
 * epoch milliseconds, sub-millisecond): posted -> received is the hop in, handlerEndedAt -> settledAt
 * the hop out (the response's JSON round trip and the message back).
 */
export interface InvocationTiming extends WorkerTiming {
    readonly postedAt: number;
    readonly settledAt: number;
}

/** How one invocation ended, as the event source mapping needs to know it. */
export type InvocationOutcome =
    | { readonly kind: "success"; readonly response: unknown; readonly durationMs: number; readonly timing?: InvocationTiming }
    | { readonly kind: "error"; readonly error: SerializedError; readonly durationMs: number; readonly timing?: InvocationTiming }
    | { readonly kind: "timeout"; readonly durationMs: number };

/** Epoch milliseconds with sub-millisecond precision, comparable with the worker threads' clocks. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

const WORKER_MODULE = path.join(__dirname, "environment-worker.ts");
/** The worker registers tsx itself: worker threads do not inherit the parent's require hooks. */
const BOOTSTRAP = `const { workerData } = require("node:worker_threads");
require(workerData.tsxApiPath).register();
require(workerData.workerModule);`;

export class FunctionInitError extends Error {
    constructor(functionName: string, cause: SerializedError | string) {
        super(`Function ${functionName} failed to initialise: ${typeof cause === "string" ? cause : `${cause.name}: ${cause.message}`}`);
        this.name = "FunctionInitError";
    }
}

/**
 * One execution environment: a worker thread with its own copy of the environment variables and
 * its own module state (so two functions never share `process.env` or caches, as on Lambda).
 * It serves one invocation at a time; one that overruns the timeout terminates the thread, so the
 * handler cannot finish its work (or delete anything) after Lambda would have stopped it.
 */
export class ExecutionEnvironment {
    private pending?: {
        readonly awsRequestId: string;
        readonly settle: (outcome: InvocationOutcome) => void;
        readonly startedAt: number;
        readonly postedAt: number;
    };
    private dead = false;

    private constructor(
        private readonly definition: LocalFunctionDefinition,
        private readonly worker: Worker,
        private readonly logStreamName: string,
    ) {
        worker.on("message", (message: EnvironmentMessage) => this.onMessage(message));
        worker.on("error", (error) =>
            this.fail({ name: error.name, message: `the execution environment crashed: ${error.message}`, stack: error.stack }),
        );
        worker.on("exit", (code) =>
            this.fail({ name: "Runtime.ExitError", message: `the execution environment exited with code ${code}` }),
        );
    }

    /** Starts a worker and waits for the handler module to load (Lambda's init phase). */
    static async start(definition: LocalFunctionDefinition): Promise<ExecutionEnvironment> {
        // Lambda runs in UTC. A worker cannot have a time zone of its own (V8 keeps one per
        // process), so the process running execution environments switches to UTC.
        if (process.env.TZ !== "UTC") {
            process.env.TZ = "UTC";
        }
        const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, "/")}/[$LATEST]${randomUUID().replace(/-/g, "")}`;
        const workerData: EnvironmentWorkerData = {
            tsxApiPath: require.resolve("tsx/cjs/api"),
            workerModule: WORKER_MODULE,
            handlerModule: definition.handlerModule,
            handlerExport: definition.handlerExport ?? "handler",
            handlerInput: definition.handlerInput,
            measureRequests: definition.measureRequests,
        };
        const worker = new Worker(BOOTSTRAP, {
            eval: true,
            workerData,
            // Exactly what a Lambda function sees: the runtime's variables and its own, none of the developer's.
            env: { ...lambdaRuntimeEnvironment(definition, logStreamName), ...definition.environment },
            stdout: true,
            stderr: true,
        });
        for (const stream of [worker.stdout, worker.stderr]) {
            const sink = definition.logSink;
            if (sink) {
                // Written chunk by chunk rather than piped: many environments share one sink.
                stream.on("data", (chunk: Buffer) => sink.write(chunk));
            } else {
                stream.resume();
            }
        }
        await waitUntilReady(worker, definition.functionName, definition.initTimeoutMs ?? LAMBDA_INIT_TIMEOUT_MS);
        return new ExecutionEnvironment(definition, worker, logStreamName);
    }

    get alive(): boolean {
        return !this.dead;
    }

    invoke(event: unknown, awsRequestId: string = randomUUID()): Promise<InvocationOutcome> {
        if (this.dead || this.pending) {
            throw new Error(`Execution environment of ${this.definition.functionName} is ${this.dead ? "dead" : "busy"}`);
        }
        const startedAt = Date.now();
        const timeoutMs = this.definition.timeoutSeconds * 1000;
        return new Promise<InvocationOutcome>((resolve) => {
            const timer = setTimeout(() => {
                this.settle({ kind: "timeout", durationMs: Date.now() - startedAt });
                void this.terminate();
            }, timeoutMs);
            const postedAt = preciseNow();
            this.pending = {
                awsRequestId,
                startedAt,
                postedAt,
                settle: (outcome) => {
                    clearTimeout(timer);
                    resolve(outcome);
                },
            };
            const request: InvokeRequest = {
                type: "invoke",
                event,
                identity: {
                    functionName: this.definition.functionName,
                    logGroupName: this.definition.logGroupName,
                    memorySizeMb: this.definition.memorySizeMb,
                    region: this.definition.region,
                    awsRequestId,
                    deadlineMs: startedAt + timeoutMs,
                    logStreamName: this.logStreamName,
                    traceId: newTraceId(startedAt),
                },
                postedAt,
            };
            this.worker.postMessage(request);
        });
    }

    async terminate(): Promise<void> {
        this.dead = true;
        await this.worker.terminate();
    }

    private onMessage(message: EnvironmentMessage): void {
        if (message.type === "frozen-work") {
            const report =
                this.definition.onFrozenWork ??
                ((work) =>
                    process.stderr.write(
                        `warning: ${this.definition.functionName}: ${work.kind} set at ${work.setAt} came due after the handler returned; on Lambda it waits for the next invocation (held locally too)\n`,
                    ));
            report({ kind: message.kind, setAt: message.setAt });
            return;
        }
        if ((message.type === "result" || message.type === "error") && this.pending?.awsRequestId === message.awsRequestId) {
            const durationMs = Date.now() - this.pending.startedAt;
            const timing: InvocationTiming = { ...message.timing, postedAt: this.pending.postedAt, settledAt: preciseNow() };
            this.settle(
                message.type === "result"
                    ? { kind: "success", response: message.response, durationMs, timing }
                    : { kind: "error", error: message.error, durationMs, timing },
            );
        }
    }

    private fail(error: SerializedError): void {
        this.dead = true;
        if (this.pending) {
            this.settle({ kind: "error", error, durationMs: Date.now() - this.pending.startedAt });
        }
    }

    private settle(outcome: InvocationOutcome): void {
        const pending = this.pending;
        this.pending = undefined;
        pending?.settle(outcome);
    }
}

/** An X-Ray trace header as Lambda passes it to a sampled invocation. */
function newTraceId(startedAt: number): string {
    const hex = (bytes: number) =>
        randomUUID()
            .replace(/-/g, "")
            .slice(0, bytes * 2);
    return `Root=1-${Math.floor(startedAt / 1000).toString(16)}-${hex(12)};Parent=${hex(8)};Sampled=1`;
}

function waitUntilReady(worker: Worker, functionName: string, initTimeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
        const fail = (cause: SerializedError | string) => {
            clearTimeout(timer);
            worker.off("message", onMessage);
            void worker.terminate();
            reject(new FunctionInitError(functionName, cause));
        };
        const timer = setTimeout(
            () => fail(`the init phase (loading the handler module) took longer than ${initTimeoutMs} ms (Lambda allows 10 s)`),
            initTimeoutMs,
        );
        const onMessage = (message: EnvironmentMessage) => {
            if (message.type === "ready") {
                clearTimeout(timer);
                worker.off("message", onMessage);
                worker.off("error", onError);
                resolve();
            } else if (message.type === "init-error") {
                fail(message.error);
            }
        };
        const onError = (error: Error) => fail({ name: error.name, message: error.message, stack: error.stack });
        worker.on("message", onMessage);
        worker.once("error", onError);
    });
}
