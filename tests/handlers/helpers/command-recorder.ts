import { SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";

export interface RecordedCommand {
    readonly name: string;
    readonly input: Record<string, unknown>;
}

/**
 * An SQS client for the emulator that also records every command it sends (name and input),
 * for the few behaviours the emulator cannot show, e.g. ChangeMessageVisibility on records
 * fauxqs would never have put in flight together.
 */
export function recordingSqsClient(config: SQSClientConfig): { client: SQSClient; commands: RecordedCommand[] } {
    const client = new SQSClient(config);
    const commands: RecordedCommand[] = [];
    client.middlewareStack.add(
        (next, context) => async (args) => {
            commands.push({ name: context.commandName ?? "", input: args.input as Record<string, unknown> });
            return next(args);
        },
        { step: "initialize", name: "recordCommands" },
    );
    return { client, commands };
}

/**
 * An SQS client for the emulator that throws `refusal(input)` instead of sending when it returns an
 * error: a DLQ whose KMS key the function may not use, a missing queue... which fauxqs cannot be
 * made to answer.
 */
export function refusingSqsClient(
    config: SQSClientConfig,
    refusal: (commandName: string, input: Record<string, unknown>) => Error | undefined,
): SQSClient {
    const client = new SQSClient(config);
    client.middlewareStack.add(
        (next, context) => async (args) => {
            const error = refusal(context.commandName ?? "", args.input as Record<string, unknown>);
            if (error !== undefined) {
                throw error;
            }
            return next(args);
        },
        { step: "initialize", name: "refuseCommands" },
    );
    return client;
}
