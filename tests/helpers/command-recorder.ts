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
