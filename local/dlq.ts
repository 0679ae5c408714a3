/**
 * `npm run dlq -- list|show|redrive|purge`: the on-call human's DLQ tool, for the local runtime or
 * a deployed stack.
 *
 *   npm run dlq -- list                               # both lanes, queue URLs from .local-runtime/stack-outputs.json
 *   pulumi stack output --json > outputs.json && npm run dlq -- list --outputs outputs.json
 *   npm run dlq -- show <messageId>
 *   npm run dlq -- redrive --lane toolCall [--message-id <id> ...] [--max 100] [--method auto|move-task|copy]
 *   npm run dlq -- purge --lane escalation [--yes]
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { type LaneName, Lanes } from "../pipeline/pipeline-settings";
import { integerFlag, parseCommandLine, runCommand, UsageError } from "./cli/arguments";
import { type DeadLetterEntry, describeEntry, toDeadLetterEntry } from "./dlq/dead-letter-entry";
import { type DlqLaneTarget, type DlqTargets, resolveDlqTargets } from "./dlq/dlq-client";
import { peekMessages } from "./dlq/peek";
import { purgeConfirmed, purgeDeadLetterQueue } from "./dlq/purge";
import { isUnsupportedAction, QueueNotFoundError, redriveByCopy, redriveWithMoveTask } from "./dlq/redrive";
import { queueDepth } from "./progress";
import { PROJECT_ROOT } from "./stack-config";

const USAGE = `Usage: npm run dlq -- <list|show <messageId>|redrive|purge> [options]

  --outputs <file>     stack outputs JSON (pulumi stack output --json); default .local-runtime/stack-outputs.json
  --lane <name>        escalation, toolCall or all (default all; redrive and purge need one lane)
  --dlq-url <url> --queue-url <url>   a DLQ and its source queue, instead of stack outputs
  --region <region>    default: from the outputs or the queue URL, else the SDK's
  --endpoint <url>     an SQS-compatible endpoint (default: the local runtime's, when the outputs name one)
  --max <n>            list or redrive at most n messages
  --message-id <id>    redrive only this message (repeatable)
  --method <m>         redrive with auto (default: StartMessageMoveTask for standard queues where the
                       service supports it, else copy), move-task or copy (receive, send, then delete)
  --yes                purge without asking
  --json               list and show print JSON`;

const DEFAULT_OUTPUTS = path.join(PROJECT_ROOT, ".local-runtime", "stack-outputs.json");
const Commands = ["list", "show", "redrive", "purge"] as const;
type Command = (typeof Commands)[number];
const RedriveMethods = ["auto", "move-task", "copy"] as const;
const LaneChoices = [...Object.keys(Lanes), "all"];

async function main(): Promise<number> {
    const { values, positionals } = parseCommandLine(process.argv.slice(2), {
        outputs: { type: "string" },
        lane: { type: "string", default: "all" },
        "dlq-url": { type: "string" },
        "queue-url": { type: "string" },
        region: { type: "string" },
        endpoint: { type: "string" },
        max: { type: "string" },
        "message-id": { type: "string", multiple: true },
        method: { type: "string", default: "auto" },
        yes: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
    });
    const command = positionals[0] as Command | undefined;
    if (command === undefined || !Commands.includes(command)) {
        throw new UsageError(`The command must be one of ${Commands.join(", ")}, ${JSON.stringify(command ?? null)} given`);
    }
    if (!LaneChoices.includes(values.lane)) {
        throw new UsageError(`'--lane' must be one of ${LaneChoices.join(", ")}, ${JSON.stringify(values.lane)} given`);
    }
    if ((command === "redrive" || command === "purge") && values.lane === "all" && values["dlq-url"] === undefined) {
        throw new UsageError(`'${command}' acts on one lane: pass --lane escalation or --lane toolCall`);
    }
    const method = values.method as (typeof RedriveMethods)[number];
    if (!RedriveMethods.includes(method)) {
        throw new UsageError(`'--method' must be one of ${RedriveMethods.join(", ")}, ${JSON.stringify(values.method)} given`);
    }
    const max = values.max === undefined ? undefined : integerFlag("max", values.max, { min: 1, max: 1_000_000 }, 0);
    let targets: DlqTargets;
    try {
        targets = await resolveDlqTargets(
            {
                outputs: values.outputs,
                lane: values.lane as LaneName | "all",
                dlqUrl: values["dlq-url"],
                queueUrl: values["queue-url"],
                region: values.region,
                endpoint: values.endpoint,
            },
            DEFAULT_OUTPUTS,
        );
    } catch (error) {
        return oneLineError(error);
    }
    try {
        return await runDlqCommand(command, targets, { max, method, json: values.json, yes: values.yes, messageIds: values["message-id"], messageId: positionals[1] });
    } catch (error) {
        if ((error as { code?: string }).code === "ECONNREFUSED") {
            throw new UsageError(`Cannot reach SQS (${(error as Error).message}): is the local runtime (npm start) still running, or are the outputs from an older run?`);
        }
        return oneLineError(error);
    } finally {
        targets.sqs.destroy();
    }
}

interface CommandOptions {
    readonly max?: number;
    readonly method: (typeof RedriveMethods)[number];
    readonly json: boolean;
    readonly yes: boolean;
    readonly messageIds?: string[];
    readonly messageId?: string;
}

async function runDlqCommand(command: Command, targets: { sqs: SQSClient; lanes: readonly DlqLaneTarget[] }, options: CommandOptions): Promise<number> {
    switch (command) {
        case "list":
            return list(targets.sqs, targets.lanes, options.max, options.json);
        case "show":
            return show(targets.sqs, targets.lanes, options.messageId, options.json);
        case "redrive":
            return redrive(targets.sqs, targets.lanes[0]!, options.method, options.max, options.messageIds);
        case "purge":
            return purge(targets.sqs, targets.lanes[0]!, options.yes);
    }
}

async function list(sqs: SQSClient, lanes: readonly DlqLaneTarget[], max: number | undefined, json: boolean): Promise<number> {
    const result: Record<string, unknown> = {};
    for (const lane of lanes) {
        const depth = await queueDepth(sqs, lane.deadLetterQueueUrl);
        const entries = (await peekMessages(sqs, lane.deadLetterQueueUrl, { max })).map(toDeadLetterEntry);
        if (json) {
            result[lane.lane] = { deadLetterQueueUrl: lane.deadLetterQueueUrl, depth, messages: entries };
            continue;
        }
        console.log(`${lane.lane} DLQ ${lane.deadLetterQueueUrl}: ${depth.visible} waiting, ${depth.inFlight} held`);
        entries.forEach((entry) => console.log(`  ${describeEntry(entry)}`));
        if (lane.deadLetterQueueUrl.endsWith(".fifo") && entries.length < depth.visible) {
            console.log(`  (FIFO: only the first message of each group can be seen; ${depth.visible - entries.length} more wait behind them)`);
        }
    }
    if (json) {
        console.log(JSON.stringify(result, null, 2));
    }
    return 0;
}

async function show(sqs: SQSClient, lanes: readonly DlqLaneTarget[], messageId: string | undefined, json: boolean): Promise<number> {
    if (messageId === undefined) {
        throw new UsageError("'show' needs a message id: npm run dlq -- show <messageId>");
    }
    for (const lane of lanes) {
        const entry = (await peekMessages(sqs, lane.deadLetterQueueUrl)).map(toDeadLetterEntry).find((candidate) => matchesMessageId(candidate, messageId));
        if (entry !== undefined) {
            console.log(json ? JSON.stringify({ lane: lane.lane, ...entry }, null, 2) : `${lane.lane} DLQ\n${JSON.stringify({ ...entry, body: parsedOrText(entry.body) }, null, 2)}`);
            return 0;
        }
    }
    console.error(`No message ${messageId} is visible in ${lanes.map((lane) => `the ${lane.lane} DLQ`).join(" or ")} (in a FIFO DLQ it may wait behind its group's first message)`);
    return 1;
}

async function redrive(
    sqs: SQSClient,
    lane: DlqLaneTarget,
    method: (typeof RedriveMethods)[number],
    max: number | undefined,
    messageIds: string[] | undefined,
): Promise<number> {
    const target = { deadLetterQueueUrl: lane.deadLetterQueueUrl, deadLetterQueueArn: lane.deadLetterQueueArn, sourceQueueUrl: lane.queueUrl, sourceQueueArn: lane.queueArn };
    const fifo = lane.deadLetterQueueUrl.endsWith(".fifo");
    const selective = max !== undefined || messageIds !== undefined;
    if (method === "move-task" && (fifo || selective)) {
        throw new UsageError("'--method move-task' moves a whole standard DLQ: it takes neither a FIFO queue nor --max / --message-id");
    }
    if (method !== "copy" && !fifo && !selective) {
        try {
            const report = await redriveWithMoveTask(sqs, target);
            console.log(`Started SQS message move task ${report.taskHandle}: the ${lane.lane} DLQ drains into ${lane.queueUrl}`);
            return 0;
        } catch (error) {
            if (method === "move-task" || !isUnsupportedAction(error)) {
                throw error;
            }
            console.log("This SQS endpoint does not support StartMessageMoveTask (fauxqs does not); moving by copy instead.");
        }
    }
    const report = await redriveByCopy(sqs, target, { max, messageIds: messageIds === undefined ? undefined : new Set(messageIds) });
    console.log(`Moved ${report.moved.length} message(s) from the ${lane.lane} DLQ to ${lane.queueUrl}.`);
    report.kept.forEach((problem) => console.log(`  kept ${problem.messageId}: ${problem.reason}`));
    return report.kept.length > 0 ? 1 : 0;
}

async function purge(sqs: SQSClient, lane: DlqLaneTarget, yes: boolean): Promise<number> {
    const queueName = lane.deadLetterQueueUrl.split("/").pop() ?? lane.deadLetterQueueUrl;
    let answer: string | undefined;
    if (!yes) {
        if (!process.stdin.isTTY) {
            throw new UsageError("Purging deletes every message for good: pass --yes, or run it on a terminal to confirm");
        }
        const depth = await queueDepth(sqs, lane.deadLetterQueueUrl);
        const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
        answer = await prompt.question(`Purge deletes all ${depth.visible + depth.inFlight} message(s) of ${queueName} for good. Type the queue name to confirm: `);
        prompt.close();
    }
    if (!purgeConfirmed(queueName, answer, yes)) {
        console.log("Not confirmed; nothing was deleted.");
        return 1;
    }
    const purged = await purgeDeadLetterQueue(sqs, lane.deadLetterQueueUrl);
    console.log(`Purged ${queueName} (${purged} message(s)).`);
    return 0;
}

/** A queue that does not exist is the operator's input, not a crash: one line, no stack trace. */
function oneLineError(error: unknown): number {
    if (error instanceof QueueNotFoundError) {
        console.error(error.message);
        return 2;
    }
    throw error;
}

/** `show` takes the DLQ's message id or the id SendMessage gave the producer (kept as sourceMessageId). */
function matchesMessageId(entry: DeadLetterEntry, messageId: string): boolean {
    return entry.messageId === messageId || entry.reason?.sourceMessageId === messageId;
}

function parsedOrText(body: string): unknown {
    try {
        return JSON.parse(body) as unknown;
    } catch {
        return body;
    }
}

runCommand(main, USAGE);
