/**
 * End-to-end throughput of the local runtime against the emulator's own ceiling, and latency from
 * send to page, measured in one run (printed, never asserted):
 * 1. ceiling: a bare receive/delete loop (as many loops as the escalation lane's maximum
 *    concurrency, 10 messages per receive) on the same fauxqs, on a queue of its own;
 * 2. end-to-end: a burst of escalations sent through the producer library, consumed by the real
 *    escalation handler (idempotency in dynalite, PagerDuty and Slack on loopback) until every one
 *    has paged; the ratio to the ceiling is what the Lambda emulation and the handler cost;
 * 3. latency: escalations sent at a steady rate well under capacity, send -> PagerDuty request,
 *    p50 and p99 (a burst would measure the backlog, not the pipeline).
 * Run: npx tsx bench/local-throughput.ts [--messages 2000] [--rate 20] [--seconds 10]
 */
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { emitEscalation, type EscalationInput } from "../handlers/producer";
import { resolvePipelineSettings } from "../pipeline/pipeline-settings";
import { integerFlag, parseCommandLine } from "../local/cli/arguments";
import { mappingSettingsFromLane } from "../local/event-source-mapping";
import { percentiles } from "../local/percentiles";
import { localProducerTargets } from "../local/producer-targets";
import { MappingScaling } from "../local/event-source-mapping";
import { startLocalRuntime } from "../local/runtime";

const { values } = parseCommandLine(process.argv.slice(2), { messages: { type: "string" }, rate: { type: "string" }, seconds: { type: "string" } });
const MESSAGES = integerFlag("messages", values.messages, { min: 100, max: 100_000 }, 2000);
const RATE_PER_SECOND = integerFlag("rate", values.rate, { min: 1, max: 1000 }, 20);
const LATENCY_SECONDS = integerFlag("seconds", values.seconds, { min: 1, max: 600 }, 10);

async function main(): Promise<void> {
    // Default lane settings; consumer logs at WARN so log formatting does not dominate the figures.
    const settings = resolvePipelineSettings({ logLevel: "WARN" });
    const concurrency = mappingSettingsFromLane(settings.lanes.escalation).maximumConcurrency;
    const pagedAt = new Map<string, number>();
    const runtime = await startLocalRuntime({
        settings,
        namePrefix: "bench",
        warmEnvironments: concurrency,
        // AWS's ramp (5 concurrent batches first) is modelled; the default concurrency is 5, so it does not bind here.
        scaling: MappingScaling.ramp,
        onReceiverRequest: (request) => {
            const dedupKey = (request.json as { dedup_key?: string } | undefined)?.dedup_key;
            if (request.receiver === "pagerduty" && request.answeredStatus === 202 && dedupKey !== undefined && !pagedAt.has(dedupKey)) {
                pagedAt.set(dedupKey, Date.now());
            }
        },
    });
    const targets = localProducerTargets(runtime);
    try {
        const ceiling = await bareReceiveDeleteRate(runtime.sqs, MESSAGES, concurrency);

        const burst = escalations("burst", MESSAGES);
        const burstStart = Date.now();
        for (let start = 0; start < burst.length; start += 100) {
            await emitEscalation(targets.escalation, burst.slice(start, start + 100));
        }
        await until(() => burst.every((escalation) => pagedAt.has(escalation.callId)));
        const endToEnd = MESSAGES / ((Math.max(...burst.map((escalation) => pagedAt.get(escalation.callId)!)) - burstStart) / 1000);

        const sentAt = new Map<string, number>();
        const paced = escalations("paced", RATE_PER_SECOND * LATENCY_SECONDS);
        for (const escalation of paced) {
            sentAt.set(escalation.callId, Date.now());
            await emitEscalation(targets.escalation, escalation);
            await sleep(1000 / RATE_PER_SECOND);
        }
        await until(() => paced.every((escalation) => pagedAt.has(escalation.callId)));
        const latency = percentiles(paced.map((escalation) => pagedAt.get(escalation.callId)! - sentAt.get(escalation.callId)!));

        const row = (label: string, value: string) => console.log(`  ${label.padEnd(62)}${value}`);
        console.log(
            `Local runtime throughput (${MESSAGES} escalations, batch ${settings.lanes.escalation.mapping.batchSize}, concurrency ${concurrency}, scaling ${MappingScaling.ramp}, consumers: ${runtime.handlerCode}):`,
        );
        row(`emulator ceiling (bare receive/delete, ${concurrency} loops)`, `${ceiling.toFixed(0)} messages/s`);
        row("end to end (producer -> mapping -> handler -> PagerDuty)", `${endToEnd.toFixed(0)} messages/s`);
        row("ratio end-to-end / ceiling", (endToEnd / ceiling).toFixed(3));
        console.log(`Latency send -> page at ${RATE_PER_SECOND}/s for ${LATENCY_SECONDS} s (${latency.count} escalations):`);
        row("p50 / p99 / max", `${latency.p50} / ${latency.p99} / ${latency.max} ms`);
    } finally {
        targets.close();
        await runtime.stop();
    }
}

/** Messages per second a plain consumer gets out of the emulator: receive 10, delete 10, repeat. */
async function bareReceiveDeleteRate(sqs: SQSClient, messages: number, loops: number): Promise<number> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "bench-ceiling" }));
    for (let start = 0; start < messages; start += 10) {
        await sqs.send(
            new SendMessageBatchCommand({
                QueueUrl,
                Entries: Array.from({ length: Math.min(10, messages - start) }, (_, index) => ({ Id: String(index), MessageBody: JSON.stringify({ n: start + index }) })),
            }),
        );
    }
    let consumed = 0;
    // Timed at the delete that completes the target: the other loops' last long polls find nothing
    // and only end when their wait runs out, which is idle time, not emulator throughput.
    let finishedAt = 0;
    const startedAt = Date.now();
    await Promise.all(
        Array.from({ length: loops }, async () => {
            while (consumed < messages) {
                const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ["All"], MessageAttributeNames: ["All"] }));
                if (Messages.length > 0) {
                    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })) }));
                    consumed += Messages.length;
                    if (consumed >= messages && finishedAt === 0) {
                        finishedAt = Date.now();
                    }
                }
            }
        }),
    );
    return consumed / ((finishedAt - startedAt) / 1000);
}

function escalations(prefix: string, count: number): EscalationInput[] {
    return Array.from({ length: count }, (_, index) => ({ callId: `bench-${prefix}-${index}`, severity: "warning", reason: `Benchmark escalation ${index}`, context: {} }));
}

async function until(condition: () => boolean, timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) {
            throw new Error(`Benchmark timed out after ${timeoutMs} ms`);
        }
        await sleep(20);
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
