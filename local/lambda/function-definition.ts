import type { Writable } from "node:stream";

/** What the local runtime needs to run one Lambda function: the same facts the component deploys. */
export interface LocalFunctionDefinition {
    readonly functionName: string;
    /** The function's CloudWatch log group (pipeline/naming.ts names it with the function). */
    readonly logGroupName: string;
    /** Absolute path of the module exporting the handler (a .ts file is loaded through tsx). */
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
    /** The function's environment variables, on top of the runtime's own (`AWS_LAMBDA_FUNCTION_NAME`, ...). */
    readonly environment: Readonly<Record<string, string>>;
    /**
     * Where the function's stdout and stderr go (CloudWatch Logs on AWS).
     * @default discarded
     */
    readonly logSink?: Writable;
}

/** The variables Lambda sets in every execution environment (the subset Powertools and the SDK read). */
export function lambdaRuntimeEnvironment(definition: LocalFunctionDefinition): Record<string, string> {
    return {
        AWS_LAMBDA_FUNCTION_NAME: definition.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySizeMb),
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_LOG_GROUP_NAME: definition.logGroupName,
        AWS_REGION: definition.region,
        AWS_DEFAULT_REGION: definition.region,
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    };
}
