import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { type ConsumerOptions, resolveConsumerOptions } from "../consumer/consumer-options";
import { createSqsConsumer, type SqsConsumerHandler } from "../consumer/sqs-consumer";
import { createIdempotencyStore } from "../idempotency/persistence";
import { EventType } from "../messages/message-attributes";
import { validateMessage } from "../messages/parse-message";
import { ToolCallMessageSchema } from "../messages/tool-call-message";
import { DEFAULT_TOOLS } from "./default-tools";
import { ToolRegistry, type ResolvedToolCall, type ToolDefinition, type ToolInvocation, type ToolResult } from "./tool-registry";

export interface ToolCallConsumerOptions extends ConsumerOptions {
    /**
     * The tools this consumer can run.
     * @default DEFAULT_TOOLS (log-note)
     */
    readonly tools?: readonly ToolDefinition[];
}

/** What the idempotency key is made of: the deduplication id alone. */
interface ToolRunKey {
    readonly deduplicationId: string;
}

/**
 * The tool-call (FIFO) consumer: validate, look the tool up (unknown = poison), check its
 * arguments, run it once per deduplication id. SQS FIFO drops duplicates for 5 minutes;
 * the idempotency record covers every redelivery after that.
 */
export function createToolCallConsumer(options: ToolCallConsumerOptions = {}): SqsConsumerHandler {
    const resolved = resolveConsumerOptions(options, "tool-executor");
    const registry = new ToolRegistry(options.tools ?? DEFAULT_TOOLS);
    const persistenceStore = createIdempotencyStore(resolved.config.idempotencyTableName, resolved.clients.dynamoDb);

    // Only the key (argument 0, `dataIndexArgument` below) is hashed; the resolved tool and the
    // invocation (with its logger) ride along as further arguments.
    const run = async (_key: ToolRunKey, call: ResolvedToolCall, invocation: ToolInvocation): Promise<ToolResult> =>
        call.tool.run(call.args, invocation);

    return createSqsConsumer(
        {
            eventType: EventType.toolCall,
            fifo: true,
            prepare(context) {
                const config = new IdempotencyConfig({
                    eventKeyJmesPath: "deduplicationId",
                    expiresAfterSeconds: resolved.config.idempotencyExpirySeconds,
                    lambdaContext: context,
                });
                const runOnce = makeIdempotent(run, { persistenceStore, config, keyPrefix: "tool-call", dataIndexArgument: 0 });
                return async (received, log) => {
                    const message = validateMessage(received.parsed, ToolCallMessageSchema, "tool call");
                    // Resolved before the idempotent run, so a poison call is never recorded as in progress.
                    const call = registry.resolve(message.toolName, message.arguments);
                    const deduplicationId = received.record.attributes.MessageDeduplicationId ?? received.record.messageId;
                    const result = await runOnce({ deduplicationId }, call, { callId: message.callId, toolCallId: message.toolCallId, log });
                    log.info("tool call executed", { toolName: message.toolName, toolCallId: message.toolCallId, result });
                };
            },
        },
        resolved,
    );
}
