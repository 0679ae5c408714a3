/**
 * What the local runtime hands the consumers at init, through the worker's `workerData`, for the
 * things Lambda would take from elsewhere. Only the local entry modules in this folder read it.
 */
import { workerData } from "node:worker_threads";

export interface LocalHandlerInput {
    /** Secret values by parameter name (SSM has no local emulator). */
    readonly secrets: Readonly<Record<string, string>>;
    /**
     * How long a downstream call may take; kept under the function timeout so that a slow service
     * costs one retry of a record, not a timed-out batch.
     */
    readonly downstreamTimeoutMs: number;
    /** Module exporting `tools: ToolDefinition[]` to register next to the default tools (the soak's test tools). */
    readonly extraToolsModule?: string;
}

export class MissingHandlerInputError extends Error {
    constructor() {
        super("This entry module runs only inside the local runtime, which passes its input as workerData.handlerInput");
        this.name = "MissingHandlerInputError";
    }
}

export function localHandlerInput(): LocalHandlerInput {
    const input = (workerData as { handlerInput?: LocalHandlerInput } | null)?.handlerInput;
    if (input === undefined) {
        throw new MissingHandlerInputError();
    }
    return input;
}
