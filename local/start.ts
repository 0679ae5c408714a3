/**
 * `npm start`: the whole pipeline on this machine, no cloud account and no Docker.
 *
 *   tsx local/start.ts [--stack Pulumi.dev.yaml] [--demo] [--state-dir .local-runtime]
 *
 * Runs until Ctrl-C. Pages go to the console and to <state-dir>/pages.jsonl; the consumers' logs
 * to <state-dir>/functions.log; the queue URLs to <state-dir>/stack-outputs.json (for `npm run dlq`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { resolvePipelineSettings } from "../pipeline/pipeline-settings";
import { parseCommandLine, runCommand } from "./cli/arguments";
import { LiveLine } from "./cli/live-line";
import { sendDemoTraffic } from "./demo";
import { startLocalConsole } from "./console/local-console";
import { defaultOperator } from "./dlq/audit";
import { describePage, PageLog } from "./page-log";
import { progressLine, snapshot } from "./progress";
import { type LocalRuntime, startLocalRuntime } from "./runtime";
import { PROJECT_ROOT, readStackConfig } from "./stack-config";
import { localStackOutputs, writeStackOutputs } from "./stack-outputs";

const USAGE = `Usage: npm start -- [--stack <Pulumi.<stack>.yaml>] [--demo] [--state-dir <dir>] [--operator <name>]

  --stack      stack file whose 'pipeline' config to run (default Pulumi.dev.yaml; defaults if absent)
  --demo       send a realistic mix of escalations and tool calls once the pipeline is up
  --state-dir  where pages.jsonl, functions.log and stack-outputs.json go (default .local-runtime)
  --operator   the name the DLQ triage console records in its audit trail (default: the OS user)`;

const PROGRESS_INTERVAL_MS = 1000;

async function main(): Promise<number> {
    const { values } = parseCommandLine(process.argv.slice(2), {
        stack: { type: "string" },
        demo: { type: "boolean", default: false },
        "state-dir": { type: "string", default: path.join(PROJECT_ROOT, ".local-runtime") },
        operator: { type: "string" },
    });
    const stateDirectory = path.resolve(values["state-dir"]);
    const stack = readStackConfig(values.stack);
    const settings = resolvePipelineSettings(stack.options);
    fs.mkdirSync(stateDirectory, { recursive: true });

    const line = new LiveLine();
    const pageLog = new PageLog(path.join(stateDirectory, "pages.jsonl"));
    const functionLogFile = path.join(stateDirectory, "functions.log");
    const functionLog = fs.createWriteStream(functionLogFile, { flags: "a" });
    console.log(`Starting the escalation pipeline locally (${stack.file ? `stack ${stack.stack} from ${path.relative(process.cwd(), stack.file)}` : "default settings: no stack file"})...`);

    const runtime = await startLocalRuntime({
        settings,
        namePrefix: stack.namePrefix,
        functionLogSink: functionLog,
        onReceiverRequest: (request) => {
            pageLog.append(request);
            line.log(describePage(request));
        },
        onMappingError: (lane, error) => line.log(`[${lane}] event source mapping: ${(error as Error).message}`),
    });
    const outputsFile = path.join(stateDirectory, "stack-outputs.json");
    writeStackOutputs(outputsFile, localStackOutputs(runtime));
    const triageConsole = await startLocalConsole(runtime, { stateDirectory, operator: values.operator });
    console.log(summary(runtime, { pageLog: pageLog.file, functionLog: functionLogFile, outputsFile }));
    console.log(`  DLQ triage console  ${triageConsole.url}   (operator ${values.operator ?? defaultOperator()}; audit ${path.relative(process.cwd(), path.join(stateDirectory, "dlq-audit.jsonl"))})\n`);

    const timer = setInterval(() => {
        snapshot(runtime).then(
            (state) => line.update(progressLine(state)),
            () => undefined,
        );
    }, PROGRESS_INTERVAL_MS);

    if (values.demo) {
        const demo = await sendDemoTraffic(runtime);
        line.log(
            `Demo sent: ${demo.escalations} escalations (+${demo.duplicates} duplicate), ${demo.toolCalls} tool calls, ${demo.poison} poison messages (they end in the DLQs: npm run dlq -- list)`,
        );
    }

    await waitForInterrupt();
    clearInterval(timer);
    line.finish();
    await triageConsole.close();
    console.log("Stopping: no new polls; waiting for running invocations to finish...");
    await runtime.stop();
    await pageLog.close();
    functionLog.end();
    console.log("Stopped. The emulators kept everything in memory: queues and the table are gone.");
    return 0;
}

function summary(runtime: LocalRuntime, files: { pageLog: string; functionLog: string; outputsFile: string }): string {
    const relative = (file: string) => path.relative(process.cwd(), file);
    const { escalation, toolCall } = runtime.lanes;
    const lane = (settings: (typeof runtime.settings.lanes)["escalation"]) =>
        `timeout ${settings.consumer.timeoutSeconds}s, visibility ${settings.queue.visibilityTimeoutSeconds}s, maxReceiveCount ${settings.deadLetterQueue.maxReceiveCount}, ` +
        `batch ${settings.mapping.batchSize}, window ${settings.mapping.maximumBatchingWindowSeconds ?? 0}s, concurrency ${settings.mapping.maximumConcurrency}`;
    return [
        "",
        "The pipeline is up.",
        `  SQS + S3 endpoint   ${runtime.emulators.sqsEndpoint}   (region ${runtime.emulators.region}, any access key)`,
        `  DynamoDB endpoint   ${runtime.emulators.dynamoDbEndpoint}   (idempotency table ${runtime.pipeline.idempotencyTableName})`,
        `  PagerDuty (fake)    ${runtime.receivers.pagerDuty.url}`,
        `  Slack (fake)        ${runtime.receivers.slack.url}`,
        "",
        `  escalations (standard)  ${escalation.queueUrl}`,
        `    DLQ                   ${escalation.deadLetterQueueUrl}`,
        `    consumer              ${escalation.functionName}: ${lane(runtime.settings.lanes.escalation)}`,
        `  tool calls (FIFO)       ${toolCall.queueUrl}`,
        `    DLQ                   ${toolCall.deadLetterQueueUrl}`,
        `    consumer              ${toolCall.functionName}: ${lane(runtime.settings.lanes.toolCall)}`,
        "",
        `  pages      ${relative(files.pageLog)}`,
        `  logs       ${relative(files.functionLog)}`,
        `  outputs    ${relative(files.outputsFile)}   (npm run dlq -- list --outputs ${relative(files.outputsFile)})`,
        "",
        "Send from any SQS client, for example:",
        `  aws --endpoint-url ${runtime.emulators.sqsEndpoint} --region ${runtime.emulators.region} sqs send-message \\`,
        `    --queue-url ${escalation.queueUrl} \\`,
        `    --message-body '{"callId":"call-1","reason":"Caller asks for a human","severity":"critical"}'`,
        "",
        "Ctrl-C stops.",
        "",
    ].join("\n");
}

function waitForInterrupt(): Promise<void> {
    return new Promise((resolve) => {
        const onSignal = () => {
            process.removeListener("SIGINT", onSignal);
            process.removeListener("SIGTERM", onSignal);
            // A second Ctrl-C while stopping ends the process at once.
            process.once("SIGINT", () => process.exit(130));
            resolve();
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
    });
}

runCommand(main, USAGE);
