import * as path from "node:path";
import type { Writable } from "node:stream";

/** Lambda's limit on the init phase (loading the module and its module-scope code). */
export const LAMBDA_INIT_TIMEOUT_MS = 10_000;

/** The function's logging config, which decides two of the variables Lambda sets. */
export interface LocalLoggingConfig {
    /** `loggingConfig.logFormat`: Lambda sets AWS_LAMBDA_LOG_FORMAT to it. */
    readonly logFormat: "JSON" | "Text";
    /** `loggingConfig.applicationLogLevel`, when set: Lambda then sets AWS_LAMBDA_LOG_LEVEL (Powertools prefers it). */
    readonly applicationLogLevel?: string;
}

/** What the local runtime needs to run one Lambda function: the same facts the component deploys. */
export interface LocalFunctionDefinition {
    readonly functionName: string;
    /** The function's CloudWatch log group (pipeline/naming.ts names it with the function). */
    readonly logGroupName: string;
    /**
     * Absolute path of the module exporting the handler: the shipped bundle (dist/handlers/<name>/index.js)
     * by default in the runtime; a .ts file is loaded through tsx.
     */
    readonly handlerModule: string;
    /**
     * Name of the exported handler.
     * @default "handler"
     */
    readonly handlerExport?: string;
    /** An invocation running longer than this fails and its environment is thrown away, as on Lambda. */
    readonly timeoutSeconds: number;
    readonly memorySizeMb: number;
    /** At most this many execution environments exist at once (reserved concurrency). */
    readonly reservedConcurrency: number;
    readonly region: string;
    /**
     * Plain data handed to the handler module at init (as `workerData.handlerInput`): what Lambda
     * would fetch from elsewhere, such as secrets from SSM, which has no local emulator.
     * @default undefined
     */
    readonly handlerInput?: unknown;
    /**
     * The function's environment variables. The handler sees these and the ones Lambda sets
     * (`lambdaRuntimeEnvironment`), nothing of the developer's environment.
     */
    readonly environment: Readonly<Record<string, string>>;
    /** @default { logFormat: "Text" } (Lambda's default) */
    readonly logging?: LocalLoggingConfig;
    /**
     * Called when a timer the handler set came due after it returned (Lambda would have frozen it).
     * @default a warning on the process's stderr
     */
    readonly onFrozenWork?: (report: { readonly kind: string; readonly setAt: string }) => void;
    /**
     * How long the init phase may take.
     * @default LAMBDA_INIT_TIMEOUT_MS (10 s, as Lambda)
     */
    readonly initTimeoutMs?: number;
    /**
     * Time the handler's outgoing HTTP requests in each invocation (InvocationTiming.requests), for
     * benchmarks; subscribes to Node's diagnostics channels in the execution environment.
     * @default false
     */
    readonly measureRequests?: boolean;
    /**
     * Where the function's stdout and stderr go (CloudWatch Logs on AWS).
     * @default discarded
     */
    readonly logSink?: Writable;
}

/** What Lambda's task root, handler setting and log stream would be for this definition. */
export function handlerSetting(definition: LocalFunctionDefinition): string {
    return `${path.basename(definition.handlerModule).replace(/\.[^.]+$/, "")}.${definition.handlerExport ?? "handler"}`;
}

/**
 * The variables Lambda's nodejs22.x runtime sets in every execution environment (AWS's "Defined
 * runtime environment variables"), with local values where a path or an endpoint differs.
 * AWS_ACCESS_KEY_ID and the secret come from the function's own variables here (the emulators'
 * dummy credentials stand in for the execution role's). `_X_AMZN_TRACE_ID` is set per invocation.
 */
export function lambdaRuntimeEnvironment(definition: LocalFunctionDefinition, logStreamName: string): Record<string, string> {
    const logging = definition.logging ?? { logFormat: "Text" };
    return {
        _HANDLER: handlerSetting(definition),
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
        AWS_LAMBDA_FUNCTION_NAME: definition.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySizeMb),
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        AWS_LAMBDA_LOG_GROUP_NAME: definition.logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
        AWS_LAMBDA_LOG_FORMAT: logging.logFormat,
        ...(logging.applicationLogLevel !== undefined ? { AWS_LAMBDA_LOG_LEVEL: logging.applicationLogLevel } : {}),
        AWS_REGION: definition.region,
        AWS_DEFAULT_REGION: definition.region,
        LAMBDA_TASK_ROOT: path.dirname(definition.handlerModule),
        LAMBDA_RUNTIME_DIR: "/var/runtime",
        LANG: "en_US.UTF-8",
        TZ: ":UTC",
        PATH: "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        LD_LIBRARY_PATH: "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
        NODE_PATH: "/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task",
    };
}
