/**
 * `npm run dlq -- list|show|redrive|purge`: the on-call human's DLQ tool, for the local runtime or
 * a deployed stack.
 *
 *   npm run dlq -- list                               # both lanes, queue URLs from .local-runtime/stack-outputs.json
 *   pulumi stack output --json > outputs.json && npm run dlq -- list --outputs outputs.json
 *   npm run dlq -- show <messageId>                  # the DLQ's message id, or the id SendMessage returned
 *   npm run dlq -- redrive --lane toolCall [--message-id <id> ...] [--max 100] [--method auto|move-task|copy]
 *   npm run dlq -- purge --lane escalation [--yes]
 */
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { type LaneName, Lanes } from "../../pipeline/pipeline-settings";
import { integerFlag, parseCommandLine, runCommand, UsageError } from "./arguments";
import { describeEntry } from "../dlq/dead-letter-entry";
import { createDlqOperations, type DlqLaneTarget, type DlqTargets, resolveDlqTargets } from "../dlq/dlq-client";
import { DlqOperationError, type DlqOperations, RedriveMethod } from "../dlq/operations";
import { purgeConfirmed } from "../dlq/purge";
import { queueNameOf } from "../dlq/queue-age";
import { QueueNotFoundError } from "../dlq/redrive";
import { PROJECT_ROOT } from "../stack-config";
import { isFifoQueue } from "../../handlers/aws";

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
  --json               list and show print JSON
  --operator <name>    recorded in the audit trail with every redrive and purge (default: the OS user)
  --audit-file <file>  the audit trail as JSONL (default: dlq-audit.jsonl next to the outputs file; in AWS
                       the stack's dlqAuditLogGroupName CloudWatch Logs group when the outputs name it)`;

const DEFAULT_OUTPUTS = path.join(PROJECT_ROOT, ".local-runtime", "stack-outputs.json");
const Commands = ["list", "show", "redrive", "purge"] as const;
type Command = (typeof Commands)[number];
const RedriveMethods: readonly string[] = Object.values(RedriveMethod);
const LaneChoices = [...Object.keys(Lanes), "all"];

async function main(): Promise<number> {
    const { values, positionals } = parseCommandLine(process.argv.slice(2), {
        "outputs": { type: "string" },
        "lane": { type: "string", default: "all" },
        "dlq-url": { type: "string" },
        "queue-url": { type: "string" },
        "region": { type: "string" },
        "endpoint": { type: "string" },
        "max": { type: "string" },
        "message-id": { type: "string", multiple: true },
        "method": { type: "string", default: "auto" },
        "yes": { type: "boolean", default: false },
        "json": { type: "boolean", default: false },
        "operator": { type: "string" },
        "audit-file": { type: "string" },
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
    const method = values.method as RedriveMethod;
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
        const operations = createDlqOperations(targets, { operator: values.operator, auditFile: values["audit-file"] });
        return await runDlqCommand(command, operations, {
            max,
            method,
            json: values.json,
            yes: values.yes,
            messageIds: values["message-id"],
            messageId: positionals[1],
        });
    } catch (error) {
        if ((error as { code?: string }).code === "ECONNREFUSED") {
            throw new UsageError(
                `Cannot reach SQS (${(error as Error).message}): is the local runtime (npm start) still running, or are the outputs from an older run?`,
            );
        }
        return oneLineError(error);
    } finally {
        targets.sqs.destroy();
    }
}

interface CommandOptions {
    readonly max?: number;
    readonly method: RedriveMethod;
    readonly json: boolean;
    readonly yes: boolean;
    readonly messageIds?: string[];
    readonly messageId?: string;
}

async function runDlqCommand(command: Command, operations: DlqOperations, options: CommandOptions): Promise<number> {
    switch (command) {
        case "list":
            return list(operations, options.max, options.json);
        case "show":
            return show(operations, options.messageId, options.json);
        case "redrive":
            return redrive(operations, operations.lanes[0]!, options.method, options.max, options.messageIds);
        case "purge":
            return purge(operations, operations.lanes[0]!, options.yes);
    }
}

async function list(operations: DlqOperations, max: number | undefined, json: boolean): Promise<number> {
    const result: Record<string, unknown> = {};
    const overview = await operations.overview();
    for (const lane of overview) {
        const depth = lane.deadLetterQueue.depth;
        const entries = await operations.deadLetters(lane.lane, max);
        if (json) {
            result[lane.lane] = { deadLetterQueueUrl: lane.deadLetterQueue.url, depth, messages: entries };
            continue;
        }
        console.log(`${lane.lane} DLQ ${lane.deadLetterQueue.url}: ${depth.visible} waiting, ${depth.inFlight} held`);
        entries.forEach((entry) => console.log(`  ${describeEntry(entry)}`));
        if (lane.fifo && entries.length < depth.visible) {
            console.log(
                `  (FIFO: only the first message of each group can be seen; ${depth.visible - entries.length} more wait behind them)`,
            );
        }
    }
    if (json) {
        console.log(JSON.stringify(result, null, 2));
    }
    return 0;
}

async function show(operations: DlqOperations, messageId: string | undefined, json: boolean): Promise<number> {
    if (messageId === undefined) {
        throw new UsageError("'show' needs a message id (the DLQ's, or the one SendMessage returned): npm run dlq -- show <messageId>");
    }
    const found = await operations.find(messageId);
    if (found === undefined) {
        console.error(
            `No message ${messageId} (as DLQ message id or source message id) is visible in ${operations.lanes.map((lane) => `the ${lane.lane} DLQ`).join(" or ")} (in a FIFO DLQ it may wait behind its group's first message)`,
        );
        return 1;
    }
    const { lane, entry } = found;
    console.log(
        json
            ? JSON.stringify({ lane, ...entry }, null, 2)
            : `${lane} DLQ\n${JSON.stringify({ ...entry, body: parsedOrText(entry.body) }, null, 2)}`,
    );
    return 0;
}

async function redrive(
    operations: DlqOperations,
    lane: DlqLaneTarget,
    method: RedriveMethod,
    max: number | undefined,
    messageIds: string[] | undefined,
): Promise<number> {
    const selective = max !== undefined || messageIds !== undefined;
    if (method === RedriveMethod.moveTask && (isFifoQueue(lane.deadLetterQueueUrl) || selective)) {
        throw new UsageError("'--method move-task' moves a whole standard DLQ: it takes neither a FIFO queue nor --max / --message-id");
    }
    const report = await operations.replay(lane.lane, { method, max, messageIds });
    if (report.moveTask !== undefined) {
        console.log(`Started SQS message move task ${report.moveTask.taskHandle}: the ${lane.lane} DLQ drains into ${lane.queueUrl}`);
        return 0;
    }
    if (report.fellBack) {
        console.log("This SQS endpoint does not support StartMessageMoveTask (fauxqs does not); moving by copy instead.");
    }
    const copy = report.copy!;
    console.log(
        `Moved ${copy.moved.length} message(s) from the ${lane.lane} DLQ to ${lane.queueUrl} (the messages there when the redrive started, each once; audit: ${operations.audit.location}).`,
    );
    copy.kept.forEach((problem) => console.log(`  kept ${problem.messageId}: ${problem.reason}`));
    return copy.kept.length > 0 ? 1 : 0;
}

async function purge(operations: DlqOperations, lane: DlqLaneTarget, yes: boolean): Promise<number> {
    const queueName = queueNameOf(lane.deadLetterQueueUrl);
    let answer: string | undefined;
    if (!yes) {
        if (!process.stdin.isTTY) {
            throw new UsageError("Purging deletes every message for good: pass --yes, or run it on a terminal to confirm");
        }
        const depth = (await operations.overview()).find((candidate) => candidate.lane === lane.lane)?.deadLetterQueue.depth;
        const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
        answer = await prompt.question(
            `Purge deletes all ${(depth?.visible ?? 0) + (depth?.inFlight ?? 0)} message(s) of ${queueName} for good. Type the queue name to confirm: `,
        );
        prompt.close();
    }
    if (!purgeConfirmed(queueName, answer, yes)) {
        console.log("Not confirmed; nothing was deleted.");
        return 1;
    }
    const purged = await operations.purge(lane.lane, queueName);
    console.log(`Purged ${queueName} (${purged} message(s)).`);
    return 0;
}

/** A queue that does not exist is the operator's input, not a crash: one line, no stack trace. */
function oneLineError(error: unknown): number {
    if (error instanceof QueueNotFoundError || error instanceof DlqOperationError) {
        console.error(error.message);
        return 2;
    }
    throw error;
}

function parsedOrText(body: string): unknown {
    try {
        return JSON.parse(body) as unknown;
    } catch {
        return body;
    }
}

runCommand(main, USAGE);
