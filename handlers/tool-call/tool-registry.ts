import type { Logger } from "@aws-lambda-powertools/logger";
import * as z from "../messages/zod";
import { InvalidMessageError, UnknownToolError } from "../failures/errors";
import { describeSchemaIssues } from "../messages/schema-errors";

/** A tool result: stored as the idempotency record's data, so it must be plain JSON. */
export type ToolResult = string | number | boolean | null | ToolResult[] | { [key: string]: ToolResult };

/** Which invocation a tool is running for. */
export interface ToolInvocation {
    readonly callId: string;
    readonly toolCallId: string;
    /**
     * Stable for this tool call across every redelivery, retry and redrive (a hash of call id and
     * tool call id, not an SQS id). Pass it to your own downstream as its idempotency key, so a run
     * repeated after a crash (at-least-once) does not act twice there either.
     */
    readonly idempotencyKey: string;
    readonly log: Logger;
    /**
     * Aborted when the invocation reaches its safety margin before the function timeout (the
     * record is then failed as StepDeadlineExceededError and retried). Pass it to fetch, timers
     * and SDK calls: a tool that ignores it is abandoned, not stopped, and may finish in a later
     * invocation of the same execution environment after its retry already ran (a repeat).
     */
    readonly signal: AbortSignal;
}

/**
 * A named tool with the schema of its arguments (any zod 4 schema, classic or mini). `run` throws to fail: a PoisonMessageError
 * subclass when retrying cannot help, anything else is retried with backoff.
 */
export interface ToolDefinition<Schema extends z.core.$ZodType = z.core.$ZodType> {
    readonly name: string;
    readonly description: string;
    readonly argumentsSchema: Schema;
    run(args: z.output<Schema>, invocation: ToolInvocation): Promise<ToolResult>;
}

/** Keeps a tool's argument type tied to its schema when it is declared. */
export function defineTool<Schema extends z.core.$ZodType>(definition: ToolDefinition<Schema>): ToolDefinition {
    return definition as unknown as ToolDefinition;
}

/** A tool found in the registry, with its arguments already checked. */
export interface ResolvedToolCall {
    readonly tool: ToolDefinition;
    readonly args: unknown;
}

/** The tools the tool-call consumer can run, by name. Unknown names and bad arguments are poison. */
export class ToolRegistry {
    private readonly tools: ReadonlyMap<string, ToolDefinition>;

    constructor(tools: readonly ToolDefinition[]) {
        const byName = new Map<string, ToolDefinition>();
        for (const tool of tools) {
            if (byName.has(tool.name)) {
                throw new Error(`tool names must be unique; '${tool.name}' is registered twice`);
            }
            byName.set(tool.name, tool);
        }
        this.tools = byName;
    }

    get names(): readonly string[] {
        return [...this.tools.keys()];
    }

    /** The named tool with `args` checked against its schema. */
    resolve(toolName: string, args: unknown): ResolvedToolCall {
        const tool = this.tools.get(toolName);
        if (tool === undefined) {
            throw new UnknownToolError(toolName, this.names);
        }
        const parsed = z.safeParse(tool.argumentsSchema, args);
        if (!parsed.success) {
            throw new InvalidMessageError(
                `arguments of tool '${toolName}' are invalid: ${describeSchemaIssues(parsed.error.issues, args)}`,
            );
        }
        return { tool, args: parsed.data };
    }
}
