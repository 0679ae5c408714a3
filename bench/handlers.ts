/**
 * Handler benchmarks, printed as ratios measured in this one run (never asserted in tests):
 * 1. per-record overhead of the consumer pipeline (Powertools batch processing, per-record child
 *    logger, envelope checks, schema validation, failure policy) against a bare JSON.parse loop;
 * 2. cold-start module initialisation of each bundle, SDK bundled vs taken from node_modules
 *    (standing in for the runtime's copy), each in a fresh Node process;
 * 3. bundle sizes against the 500 KiB target for the code without the SDK.
 * Run: npx tsx bench/handlers.ts
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Logger } from "@aws-lambda-powertools/logger";
import * as esbuild from "esbuild";
import type { SQSEvent } from "aws-lambda";
import { AwsSdkPlacement, handlerBuildOptions, HandlerEntryPoints, type HandlerName } from "../pipeline/handler-bundle";
import { resolveConsumerOptions, createSqsConsumer } from "../handlers/consumer";

import { EscalationMessageSchema, EventType, validateMessage } from "../handlers/messages";

import { escalation, escalationAttributes } from "../tests/helpers/messages";
import { lambdaContext, sqsRecord } from "../tests/helpers/sqs-events";

const RECORDS = 1000;
const BATCH_SIZE = 10;
const ROUNDS = 5;
const INIT_SAMPLES = 5;
const INIT_TARGET_MS = 150;
const SIZE_TARGET_KIB = 500;
const BUILD_DIRECTORY = path.join(__dirname, "..", ".build", "bench");

/** Environment a consumer needs at init; nothing is contacted while it initialises. */
const BENCH_ENVIRONMENT: Record<string, string> = {
    QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/bench",
    DEAD_LETTER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/bench-dlq",
    MAX_RECEIVE_COUNT: "5",
    VISIBILITY_TIMEOUT_SECONDS: "180",
    IDEMPOTENCY_TABLE_NAME: "bench-idempotency",
    IDEMPOTENCY_EXPIRY_SECONDS: "86400",
    PAGERDUTY_ROUTING_KEY_PARAMETER: "/bench/routing-key",
    SLACK_WEBHOOK_URL_PARAMETER: "/bench/slack-webhook",
    AWS_REGION: "us-east-1",
    POWERTOOLS_LOG_LEVEL: "INFO",
};

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `action` with stdout swallowed: log lines are formatted (a real cost) but not printed. */
async function quietly<T>(action: () => Promise<T>): Promise<T> {
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
        return await action();
    } finally {
        process.stdout.write = write;
    }
}

async function perRecordOverhead(): Promise<void> {
    const batches: SQSEvent[] = [];
    for (let offset = 0; offset < RECORDS; offset += BATCH_SIZE) {
        batches.push({
            Records: Array.from({ length: BATCH_SIZE }, (_, index) =>
                sqsRecord({
                    body: JSON.stringify(escalation({ callId: `call-${offset + index}` })),
                    messageAttributes: escalationAttributes(),
                }),
            ),
        });
    }
    // The lane does what the escalation lane does before its network calls: parse and validate.
    const consume = createSqsConsumer(
        {
            eventType: EventType.escalation,
            fifo: false,
            prepare: () => async (message) => {
                validateMessage(message.parsed, EscalationMessageSchema, "escalation");
            },
        },
        resolveConsumerOptions({ environment: BENCH_ENVIRONMENT, logger: new Logger({ serviceName: "bench", logLevel: "INFO" }) }, "bench"),
    );
    const context = lambdaContext("bench");

    const handlerRuns: number[] = [];
    const baselineRuns: number[] = [];
    for (let round = 0; round < ROUNDS + 1; round++) {
        const started = performance.now();
        await quietly(async () => {
            for (const batch of batches) {
                await consume(batch, context);
            }
        });
        const handlerMs = performance.now() - started;

        const baselineStarted = performance.now();
        let sink = 0;
        for (const batch of batches) {
            for (const record of batch.Records) {
                sink += (JSON.parse(record.body) as { callId: string }).callId.length;
            }
        }
        const baselineMs = performance.now() - baselineStarted;
        if (round > 0 && sink > 0) {
            // Round 0 warms the JIT and module caches; it is not counted.
            handlerRuns.push(handlerMs);
            baselineRuns.push(baselineMs);
        }
    }
    const handlerMs = median(handlerRuns);
    const baselineMs = median(baselineRuns);
    console.log(`per-record overhead (${RECORDS} records in batches of ${BATCH_SIZE}, median of ${ROUNDS}):`);
    console.log(`  consumer pipeline  ${handlerMs.toFixed(2)} ms per 1,000 records`);
    console.log(`  bare JSON.parse    ${baselineMs.toFixed(3)} ms per 1,000 records`);
    console.log(`  ratio              ${(handlerMs / baselineMs).toFixed(0)}x  (${(handlerMs / RECORDS).toFixed(3)} ms per record)`);
}

function buildBundle(name: HandlerName, awsSdk: AwsSdkPlacement): { file: string; bytes: number } {
    const directory = path.join(BUILD_DIRECTORY, `${name}-${awsSdk}`);
    fs.mkdirSync(directory, { recursive: true });
    const file = path.join(directory, "index.js");
    esbuild.buildSync({ ...handlerBuildOptions(name, { awsSdk }), write: true, outfile: file });
    return { file, bytes: fs.statSync(file).size };
}

/** Module init in a fresh process: the time `require` of the bundle takes, as Lambda's init phase does. */
function initMs(file: string): number {
    const script = `const { performance } = require("node:perf_hooks"); const t = performance.now(); require(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
    const output = execFileSync(process.execPath, ["-e", script], { env: { ...process.env, ...BENCH_ENVIRONMENT }, encoding: "utf8" });
    return Number(output);
}

function bundlesAndColdStart(): void {
    console.log(
        `\ncold start (module init, median of ${INIT_SAMPLES} fresh processes; target < ${INIT_TARGET_MS} ms) and bundle size (target < ${SIZE_TARGET_KIB} KiB without the SDK):`,
    );
    // The floor on this machine: requiring an empty module in a fresh process, measured the same way.
    const emptyModule = path.join(BUILD_DIRECTORY, "empty.js");
    fs.mkdirSync(BUILD_DIRECTORY, { recursive: true });
    fs.writeFileSync(emptyModule, "module.exports = {};\n");
    const floor = median(Array.from({ length: INIT_SAMPLES }, () => initMs(emptyModule)));
    console.log(`  (an empty module takes ${floor.toFixed(1)} ms here: the measurement floor on this machine)`);
    console.log("  handler     sdk       size        init      init vs target");
    for (const name of Object.keys(HandlerEntryPoints) as HandlerName[]) {
        const bundled = buildBundle(name, AwsSdkPlacement.bundled);
        const withRuntimeSdk = buildBundle(name, AwsSdkPlacement.runtime);
        for (const [awsSdk, bundle] of [
            [AwsSdkPlacement.bundled, bundled],
            [AwsSdkPlacement.runtime, withRuntimeSdk],
        ] as const) {
            const samples = Array.from({ length: INIT_SAMPLES }, () => initMs(bundle.file));
            const init = median(samples);
            console.log(
                `  ${name.padEnd(10)}  ${awsSdk.padEnd(8)}  ${`${(bundle.bytes / 1024).toFixed(0)} KiB`.padEnd(10)}  ${`${init.toFixed(1)} ms`.padEnd(8)}  ${(init / INIT_TARGET_MS).toFixed(2)}`,
            );
        }
        // The bundle that leaves the SDK to the runtime is the code without the SDK.
        const withoutSdk = withRuntimeSdk.bytes / 1024;
        console.log(
            `  ${name.padEnd(10)}  code without the SDK: ${withoutSdk.toFixed(0)} KiB = ${(withoutSdk / SIZE_TARGET_KIB).toFixed(2)} of the ${SIZE_TARGET_KIB} KiB target`,
        );
    }
}

async function main(): Promise<void> {
    await perRecordOverhead();
    bundlesAndColdStart();
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
