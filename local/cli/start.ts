/**
 * `npm start`: the whole pipeline on this machine, no cloud account and no Docker.
 *
 *   tsx local/cli/start.ts [--stack dev] [--demo] [--state-dir .local-runtime]
 *
 * Runs until Ctrl-C. Pages go to the console and to <state-dir>/pages.jsonl; the consumers' logs
 * to <state-dir>/functions.log; the queue URLs to <state-dir>/stack-outputs.json (for `npm run dlq`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { integerFlag, parseCommandLine, runCommand } from "./arguments";
import { DEFAULT_EMULATOR_PORTS } from "../emulators";
import { LiveLine } from "./live-line";
import { sendDemoTraffic } from "./demo";
import { startLocalConsole } from "../console/local-console";
import { defaultOperator } from "../dlq/audit";
import { describePage, PageLog } from "../page-log";
import { progressLine, snapshot } from "../progress";
import { HandlerCode, type LocalRuntime, startLocalRuntime } from "../runtime";
import { PROJECT_ROOT, readStackConfig } from "../stack-config";
import { localStackOutputs, writeStackOutputs } from "../stack-outputs";

const USAGE = `Usage: npm start -- [--stack <name>] [--demo] [--state-dir <dir>] [--source] [--operator <name>]
                     [--sqs-port <n>] [--dynamodb-port <n>] [--ssm-port <n>]

  --stack      stack whose config to run, as pulumi names it: 'dev' reads Pulumi.dev.yaml
               (default dev; the component's defaults if Pulumi.dev.yaml is absent)
  --demo       send a realistic mix of escalations and tool calls once the pipeline is up
  --state-dir  where pages.jsonl, functions.log and stack-outputs.json go (default .local-runtime);
               pages.jsonl and functions.log start empty at every start
  --source     run the handlers' TypeScript sources through tsx instead of the dist/handlers
               bundles that ship (fast edit loops; no bundle rebuild)
  --sqs-port, --dynamodb-port, --ssm-port
               emulator ports on 127.0.0.1 (defaults ${DEFAULT_EMULATOR_PORTS.sqs}, ${DEFAULT_EMULATOR_PORTS.dynamoDb}, ${DEFAULT_EMULATOR_PORTS.ssm}; 0 picks free ones)
  --operator   the name the DLQ triage console records in its audit trail (default: the OS user)`;

const PORT_RANGE = { min: 0, max: 65_535 } as const;

const PROGRESS_INTERVAL_MS = 1000;

async function main(): Promise<number> {
    const { values } = parseCommandLine(process.argv.slice(2), {
        "stack": { type: "string" },
        "demo": { type: "boolean", default: false },
        "state-dir": { type: "string", default: path.join(PROJECT_ROOT, ".local-runtime") },
        "operator": { type: "string" },
        "source": { type: "boolean", default: false },
        "sqs-port": { type: "string" },
        "dynamodb-port": { type: "string" },
        "ssm-port": { type: "string" },
    });
    const ports = {
        sqs: integerFlag("sqs-port", values["sqs-port"], PORT_RANGE, DEFAULT_EMULATOR_PORTS.sqs),
        dynamoDb: integerFlag("dynamodb-port", values["dynamodb-port"], PORT_RANGE, DEFAULT_EMULATOR_PORTS.dynamoDb),
        ssm: integerFlag("ssm-port", values["ssm-port"], PORT_RANGE, DEFAULT_EMULATOR_PORTS.ssm),
    };
    const stateDirectory = path.resolve(values["state-dir"]);
    const stack = readStackConfig({ stack: values.stack });
    stack.warnings.forEach((warning) => console.warn(`warning: ${warning}`));
    const { settings } = stack;
    fs.mkdirSync(stateDirectory, { recursive: true });

    const line = new LiveLine();
    const pageLog = new PageLog(path.join(stateDirectory, "pages.jsonl"));
    const functionLogFile = path.join(stateDirectory, "functions.log");
    const functionLog = fs.createWriteStream(functionLogFile, { flags: "w" });
    console.log(
        `Starting the escalation pipeline locally (${stack.file ? `stack ${stack.stack} from ${path.relative(process.cwd(), stack.file)}` : "default settings: no stack file"})...`,
    );

    const runtime = await startLocalRuntime({
        settings,
        namePrefix: stack.namePrefix,
        region: stack.region,
        tags: stack.tags,
        ports,
        handlerCode: values.source ? HandlerCode.source : HandlerCode.bundle,
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
    console.log(
        `  DLQ triage console  ${triageConsole.url}   (operator ${values.operator ?? defaultOperator()}; audit ${path.relative(process.cwd(), path.join(stateDirectory, "dlq-audit.jsonl"))})\n`,
    );

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
        `batch ${settings.mapping.batchSize}, window ${settings.mapping.maximumBatchingWindowSeconds ?? 0}s, ${settings.mapping.provisionedPollers ? `provisioned ${settings.mapping.provisionedPollers.minimumPollers} pollers` : `concurrency ${settings.mapping.maximumConcurrency}`}`;
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
        `  consumers  ${runtime.handlerCode === HandlerCode.bundle ? "the dist/handlers bundles that ship" : "the TypeScript sources (--source)"}`,
        "",
        "Send from any SQS client, for example:",
        `  ${sendMessageExample(runtime)}`,
        "",
        "Ctrl-C stops.",
        "",
    ].join("\n");
}

/**
 * An AWS CLI command that sends an escalation as printed: the emulators accept any credentials,
 * but the CLI refuses to sign without some, so the dummy ones go in front.
 */
export function sendMessageExample(runtime: LocalRuntime): string {
    const { credentials, sqsEndpoint, region } = runtime.emulators;
    return [
        `AWS_ACCESS_KEY_ID=${credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey} aws --endpoint-url ${sqsEndpoint} --region ${region} sqs send-message \\`,
        `    --queue-url ${runtime.lanes.escalation.queueUrl} \\`,
        `    --message-body '{"callId":"call-1","reason":"Caller asks for a human","severity":"critical"}'`,
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

if (require.main === module) {
    runCommand(main, USAGE);
}
