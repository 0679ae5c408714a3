/**
 * The tool-call lane's tools: the registry that resolves a call to a tool and checks its
 * arguments, the default tools, and the bounded record of a run kept for idempotency.
 */
import * as z from "./zod";
import type { Logger } from "@aws-lambda-powertools/logger";
import { InvalidMessageError, UnknownToolError } from "./errors";
import { describeSchemaIssues } from "./messages";
import { createHash } from "node:crypto";

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

/**
 * What the idempotency record keeps of a tool run. Never the unbounded result: a DynamoDB item
 * holds at most 400 KB, and a tool returning more made the idempotency save fail, so the tool ran
 * again on every attempt and was then dead-lettered. The record holds the status, the result's
 * size and SHA-256, and the result itself only when it is small; bigger results are cut to a
 * preview. A duplicate delivery is answered from this record, and the tool does not run again.
 */
export interface ToolRunRecord {
    readonly status: "succeeded";
    /** UTF-8 bytes of the result as JSON. */
    readonly resultBytes: number;
    readonly resultSha256: string;
    /** The result, when it is at most MAX_STORED_RESULT_BYTES. */
    readonly result?: ToolResult;
    /** The first MAX_STORED_RESULT_BYTES characters of the JSON, when the result is larger. */
    readonly resultPreview?: string;
}

/** Far under DynamoDB's 400 KB item limit, with room for Powertools' own attributes. */
export const MAX_STORED_RESULT_BYTES = 16 * 1024;

export function toolRunRecordOf(result: ToolResult): ToolRunRecord {
    const json = JSON.stringify(result) ?? "null";
    const resultBytes = Buffer.byteLength(json, "utf8");
    const resultSha256 = createHash("sha256").update(json).digest("hex");
    return resultBytes <= MAX_STORED_RESULT_BYTES
        ? { status: "succeeded", resultBytes, resultSha256, result }
        : {
              status: "succeeded",
              resultBytes,
              resultSha256,
              resultPreview: Buffer.from(json, "utf8").subarray(0, MAX_STORED_RESULT_BYTES).toString("utf8"),
          };
}
