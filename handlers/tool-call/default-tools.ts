import * as z from "../messages/zod";
import { defineTool, type ToolDefinition } from "./tool-registry";

/**
 * Records an agent's note about a call in the structured log, where operators search by call id.
 * It needs no secret and no network, so the tool-call lane works out of the box; real tools are
 * registered by passing `tools` to createToolCallConsumer.
 */
export const logNoteTool = defineTool({
    name: "log-note",
    description: "Write the agent's note about the call to the structured log.",
    argumentsSchema: z.strictObject({ note: z.string().check(z.minLength(1), z.maxLength(4000)) }),
    async run(args, invocation) {
        invocation.log.info("agent note", { note: args.note });
        return { noted: true };
    },
});

export const DEFAULT_TOOLS: readonly ToolDefinition[] = [logNoteTool];
