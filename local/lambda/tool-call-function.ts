/**
 * The tool-call consumer as the local runtime runs it: the same factory `handlers/tool-call.ts`
 * calls, plus any extra tools the runtime was given (the soak registers tools that fail
 * transiently or overrun the timeout).
 */
import { DEFAULT_TOOLS, type ToolDefinition } from "../../handlers/tools";
import { createToolCallConsumer } from "../../handlers/tool-call-consumer";

import { localHandlerInput } from "./handler-input";

const input = localHandlerInput();

function extraTools(): readonly ToolDefinition[] {
    if (input.extraToolsModule === undefined) {
        return [];
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is chosen at run time
    return (require(input.extraToolsModule) as { tools: readonly ToolDefinition[] }).tools;
}

export const handler = createToolCallConsumer({ tools: [...DEFAULT_TOOLS, ...extraTools()] });
