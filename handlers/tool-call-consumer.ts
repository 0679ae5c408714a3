import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { createSqsConsumer, resolveConsumerOptions } from "./consumer";
import type { ConsumerOptions, SqsConsumerHandler } from "./types";
import { type InvocationDeadline, runUntilMargin } from "./deadline";

import { createIdempotencyStore } from "./aws";
import { EventType, validateMessage, ToolCallMessageSchema, toolCallDeduplicationId } from "./messages";

import {
    DEFAULT_TOOLS,
    ToolRegistry,
    type ResolvedToolCall,
    type ToolDefinition,
    type ToolInvocation,
    toolRunRecordOf,
    type ToolRunRecord,
} from "./tools";

export interface ToolCallConsumerOptions extends ConsumerOptions {
    /**
     * The tools this consumer can run.
     * @default DEFAULT_TOOLS (log-note)
     */
    readonly tools?: readonly ToolDefinition[];
}

/** What the idempotency key is made of: the tool call's identity (toolCallDeduplicationId). */
interface ToolRunKey {
    readonly idempotencyKey: string;
}

/**
 * The tool-call (FIFO) consumer: validate, look the tool up (unknown = poison), check its
 * arguments, run it once per tool call. The idempotency key is the tool call's identity, a hash of
 * (call id, tool call id) read from the body, not the SQS deduplication id: SQS's own redrive
 * replaces that with the message id, and a redriven tool call must not run again. The record
 * stores a bounded summary of the result (toolRunRecordOf in tools.ts), so no result size can make the save
 * fail and the tool re-run. The tool gets the same key as `invocation.idempotencyKey`.
 */
export function createToolCallConsumer(options: ToolCallConsumerOptions = {}): SqsConsumerHandler {
    const resolved = resolveConsumerOptions(options, "tool-executor");
    const registry = new ToolRegistry(options.tools ?? DEFAULT_TOOLS);
    const persistenceStore = createIdempotencyStore(resolved.config.idempotencyTableName, resolved.clients.dynamoDb);

    // Only the key (argument 0, `dataIndexArgument` below) is hashed; the resolved tool, the
    // invocation (with its logger) and the deadline ride along as further arguments. The tool is
    // stopped at the invocation's safety margin (its signal aborted, the record failed as a
    // transient StepDeadlineExceededError), inside the idempotent run, so its in-progress record
    // is released for the retry rather than left to expire.
    const run = async (
        _key: ToolRunKey,
        call: ResolvedToolCall,
        invocation: Omit<ToolInvocation, "signal">,
        deadline: InvocationDeadline | undefined,
    ): Promise<ToolRunRecord> =>
        toolRunRecordOf(
            await runUntilMargin(deadline, `tool '${call.tool.name}'`, (signal) => call.tool.run(call.args, { ...invocation, signal })),
        );

    // One config per execution environment, as Powertools intends; each invocation registers its
    // context, whose remaining time bounds how long a record may stay in progress.
    const config = new IdempotencyConfig({
        eventKeyJmesPath: "idempotencyKey",
        expiresAfterSeconds: resolved.config.idempotencyExpirySeconds,
    });
    const runOnce = makeIdempotent(run, { persistenceStore, config, keyPrefix: "tool-call", dataIndexArgument: 0 });

    return createSqsConsumer(
        {
            eventType: EventType.toolCall,
            fifo: true,
            prepare(context, deadline) {
                if (context !== undefined) {
                    config.registerLambdaContext(context);
                }
                return async (received, log) => {
                    const message = validateMessage(received.parsed, ToolCallMessageSchema, "tool call");
                    // Resolved before the idempotent run, so a poison call is never recorded as in progress.
                    const call = registry.resolve(message.toolName, message.arguments);
                    const idempotencyKey = toolCallDeduplicationId(message.callId, message.toolCallId);
                    // No room for the tool's idempotency record and a run: hand the record back unstarted.
                    deadline?.assertRoomFor(`tool '${message.toolName}'`);
                    const record = await runOnce(
                        { idempotencyKey },
                        call,
                        { callId: message.callId, toolCallId: message.toolCallId, idempotencyKey, log },
                        deadline,
                    );
                    log.info("tool call executed", { toolName: message.toolName, toolCallId: message.toolCallId, ...record });
                };
            },
        },
        resolved,
    );
}
