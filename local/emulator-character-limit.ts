/**
 * fauxqs refuses characters above U+FFFF (#x10000-#x10FFFF, e.g. emoji) that SQS accepts, with an
 * error that reads like AWS's own. On the local runtime's SQS client, this middleware adds the
 * reason to that error (thrown, or per entry of a batch), so a producer's failure says it is the
 * emulator's limit, not the message's.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";

export const EMULATOR_CHARACTER_NOTE =
    " (locally only: the fauxqs emulator refuses characters above U+FFFF, such as emoji, which SQS accepts; see README, 'Where the local runtime departs from AWS')";

const INVALID_CONTENTS = "InvalidMessageContents";
/** AWS's own message lists the range fauxqs leaves out. */
const AWS_RANGE = "#x10000";

function explain(message: string | undefined): string | undefined {
    return message !== undefined && !message.includes(AWS_RANGE) && !message.includes(EMULATOR_CHARACTER_NOTE)
        ? `${message}${EMULATOR_CHARACTER_NOTE}`
        : message;
}

export function explainEmulatorCharacterLimit(sqs: SQSClient): void {
    sqs.middlewareStack.add(
        (next) => async (args) => {
            try {
                const result = await next(args);
                const failed = (result.output as { Failed?: { Code?: string; Message?: string }[] }).Failed;
                for (const entry of failed ?? []) {
                    if (entry.Code === INVALID_CONTENTS) {
                        entry.Message = explain(entry.Message);
                    }
                }
                return result;
            } catch (error) {
                if (error instanceof Error && error.name === INVALID_CONTENTS) {
                    error.message = explain(error.message) ?? error.message;
                }
                throw error;
            }
        },
        { step: "initialize", name: "explainEmulatorCharacterLimit" },
    );
}
