/**
 * End-to-end throughput of the local runtime against two ceilings, where its time goes, and
 * latency from send to page, measured in one run (printed, never asserted):
 * 1. bare ceiling: a receive/delete loop (as many loops as the escalation lane's maximum
 *    concurrency, 10 messages per receive) on the same fauxqs, on a queue of its own: what the
 *    emulator alone allows, no work done;
 * 2. I/O ceiling (the honest one, bench/io-ceiling.ts): the same loops doing, per message, the I/O
 *    the escalation consumer does: the receive, Powertools Idempotency's writes on dynalite as it
 *    sends them (PutItem INPROGRESS with its condition, then UpdateItem COMPLETED, for each of the
 *    two steps), the PagerDuty and Slack posts to the loopback receivers with the same bodies, and
 *    the delete; messages of a receive run side by side, as BatchProcessor runs records. Run twice:
 *    the loops on one thread, and each loop on a worker thread as the consumers run; end to end is
 *    held to the higher;
 * 3. end-to-end: a burst of escalations sent through the producer library, consumed by the real
 *    escalation handler (bundle, worker thread, Powertools) until every one has paged; the ratio to
 *    the I/O ceiling is what the Lambda emulation and the handler's own work cost (target >= 0.5).
 *    The ceilings and end to end run in interleaved rounds (ceilings, end to end, ceilings, end to
 *    end, ...; bench/interleaved-rounds.ts): the wall ratio is the median of the rounds' ratios with
 *    their spread, since a shared machine's load swings between phases run one after the other; the
 *    CPU ratio (CPU per message over all rounds) hardly moves with the load;
 * 4. breakdown: the burst's batches split into mapping poll, worker hop, handler (busy, and its
 *    requests in flight) and delete, beside the I/O ceiling's own requests;
 * 5. latency: escalations sent at a steady rate well under capacity, send -> PagerDuty request,
 *    p50 and p99 (a burst would measure the backlog, not the pipeline).
 * Run: npx tsx bench/local-throughput.ts [--messages 500 per phase and round] [--rounds 3] [--rate 20] [--seconds 10]
 */
import {
    CreateQueueCommand,
    DeleteMessageBatchCommand,
    ReceiveMessageCommand,
    SendMessageBatchCommand,
    type SQSClient,
} from "@aws-sdk/client-sqs";
import { emitEscalation, type EscalationInput } from "../handlers/producer";
import type { BatchReport } from "../local/event-source-mapping";
import { type IoCeiling, ioCeiling } from "./io-ceiling";
import { interleavedRounds, MIN_ROUNDS, roundRatios } from "./interleaved-rounds";
import { resolvePipelineSettings } from "../pipeline/pipeline-settings";
import { integerFlag, parseCommandLine } from "../local/cli/arguments";
import { mappingSettingsFromLane } from "../local/event-source-mapping";
import { percentiles } from "../local/percentiles";
import { localProducerTargets } from "../local/producer-targets";
import { MappingScaling } from "../local/event-source-mapping";
import { type LocalRuntime, startLocalRuntime } from "../local/runtime";

const { values } = parseCommandLine(process.argv.slice(2), {
    messages: { type: "string" },
    rate: { type: "string" },
    seconds: { type: "string" },
    rounds: { type: "string" },
});
/** Per phase and round: short rounds, so that the load changes little within one. */
const MESSAGES = integerFlag("messages", values.messages, { min: 100, max: 100_000 }, 500);
const ROUNDS = integerFlag("rounds", values.rounds, { min: MIN_ROUNDS, max: 21 }, MIN_ROUNDS);
const RATE_PER_SECOND = integerFlag("rate", values.rate, { min: 1, max: 1000 }, 20);
const LATENCY_SECONDS = integerFlag("seconds", values.seconds, { min: 1, max: 600 }, 10);

async function main(): Promise<void> {
    // Default lane settings; consumer logs at WARN so log formatting does not dominate the figures.
    const settings = resolvePipelineSettings({ logLevel: "WARN" });
    const concurrency = mappingSettingsFromLane(settings.lanes.escalation).maximumConcurrency;
    const pagedAt = new Map<string, number>();
    const batches: BatchReport[] = [];
    const runtime = await startLocalRuntime({
        settings,
        namePrefix: "bench",
        warmEnvironments: concurrency,
        // AWS's ramp (5 concurrent batches first) is modelled; the default concurrency is 5, so it does not bind here.
        scaling: MappingScaling.ramp,
        measureRequests: true,
        onBatch: (lane, report) => {
            if (lane === "escalation") {
                batches.push(report);
            }
        },
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
        // CPU time of the whole process (every thread): unlike messages/s, it hardly moves with the machine's load.
        const cpuMs = (before: NodeJS.CpuUsage) => {
            const used = process.cpuUsage(before);
            return (used.user + used.system) / 1000;
        };
        const ceilingSetup = (queueUrl: string) => ({
            environment: runtime.emulators.environment,
            queueUrl,
            tableName: runtime.pipeline.idempotencyTableName,
            pagerDutyUrl: runtime.receivers.pagerDuty.url,
            slackUrl: runtime.receivers.slack.url,
            routingKey: runtime.pagerDutyRoutingKey,
            messages: MESSAGES,
        });
        // Interleaved rounds (bench/interleaved-rounds.ts): each round runs the two I/O ceilings, then end to
        // end, so a swing in the machine's load falls on both sides of a round, not on one whole phase.
        const cpu = { ioOneThreadMs: 0, ioWorkersMs: 0, endToEndMs: 0 };
        const ceilingsPerRound: { oneThread: IoCeiling; workers: IoCeiling }[] = [];
        batches.length = 0;
        const rounds = await interleavedRounds(ROUNDS, {
            ceiling: async (round) => {
                const oneThreadQueue = await loadedQueue(runtime, `bench-io-one-thread-${round}`, MESSAGES);
                const oneThread = await ioCeiling(ceilingSetup(oneThreadQueue), concurrency, "one thread");
                cpu.ioOneThreadMs += oneThread.cpuMs;
                const workersQueue = await loadedQueue(runtime, `bench-io-workers-${round}`, MESSAGES);
                const workers = await ioCeiling(ceilingSetup(workersQueue), concurrency, "worker threads");
                cpu.ioWorkersMs += workers.cpuMs;
                ceilingsPerRound.push({ oneThread, workers });
                // The stricter of the two is the ceiling end to end is held to.
                return workers.rate >= oneThread.rate ? workers : oneThread;
            },
            endToEnd: async (round) => {
                const burst = escalations(`burst-${round}`, MESSAGES);
                const cpuBefore = process.cpuUsage();
                const burstStart = Date.now();
                for (let start = 0; start < burst.length; start += 100) {
                    await emitEscalation(targets.escalation, burst.slice(start, start + 100));
                }
                await until(() => burst.every((escalation) => pagedAt.has(escalation.callId)));
                const lastPagedAt = Math.max(...burst.map((escalation) => pagedAt.get(escalation.callId)!));
                // Includes the producer's sends, which the ceilings' queues had before their clocks started.
                cpu.endToEndMs += cpuMs(cpuBefore);
                return { rate: MESSAGES / ((lastPagedAt - burstStart) / 1000) };
            },
        });
        const wallRatio = roundRatios(rounds);
        const measured = MESSAGES * ROUNDS;
        const ioOneThreadCpuMs = cpu.ioOneThreadMs / measured;
        const ioWorkersCpuMs = cpu.ioWorkersMs / measured;
        const endToEndCpuMs = cpu.endToEndMs / measured;
        // The per-record and per-batch figures of the ceiling are those of the round whose ceiling had the median rate.
        const medianRound = [...rounds.keys()].sort((a, b) => rounds[a]!.ceiling.rate - rounds[b]!.ceiling.rate)[Math.floor(ROUNDS / 2)]!;
        const ioCeilingFigures = rounds[medianRound]!.ceiling;
        const breakdown = breakDown(batches);

        const sentAt = new Map<string, number>();
        const paced = escalations("paced", RATE_PER_SECOND * LATENCY_SECONDS);
        for (const escalation of paced) {
            sentAt.set(escalation.callId, Date.now());
            await emitEscalation(targets.escalation, escalation);
            await sleep(1000 / RATE_PER_SECOND);
        }
        await until(() => paced.every((escalation) => pagedAt.has(escalation.callId)));
        const latency = percentiles(paced.map((escalation) => pagedAt.get(escalation.callId)! - sentAt.get(escalation.callId)!));

        const row = (label: string, value: string) => console.log(`  ${label.padEnd(84)}${value}`);
        const ms = (value: number) => `${value.toFixed(1)} ms`;
        console.log(
            `Local runtime throughput (${ROUNDS} interleaved rounds of ${MESSAGES} escalations per phase, batch ${settings.lanes.escalation.mapping.batchSize}, concurrency ${concurrency}, scaling ${MappingScaling.ramp}, consumers: ${runtime.handlerCode}):`,
        );
        row(`bare ceiling (receive/delete only, ${concurrency} loops)`, `${ceiling.toFixed(0)} messages/s`);
        const rates = (values: readonly number[]) => values.map((value) => value.toFixed(0)).join(" / ");
        row(
            `I/O ceiling, ${concurrency} loops on one thread, per round`,
            `${rates(ceilingsPerRound.map(({ oneThread }) => oneThread.rate))} messages/s`,
        );
        row(
            `I/O ceiling, ${concurrency} loops each on a worker thread (as the consumers), per round`,
            `${rates(ceilingsPerRound.map(({ workers }) => workers.rate))} messages/s`,
        );
        row(
            "end to end (producer -> mapping -> handler -> PagerDuty), per round",
            `${rates(rounds.map(({ endToEnd }) => endToEnd.rate))} messages/s`,
        );
        row("ratio end-to-end / the round's higher I/O ceiling, per round", wallRatio.ratios.map((ratio) => ratio.toFixed(3)).join(" / "));
        row(
            `  median of ${ROUNDS} rounds (target >= 0.5), spread min - max`,
            `${wallRatio.median.toFixed(3)} (${wallRatio.min.toFixed(3)} - ${wallRatio.max.toFixed(3)})`,
        );
        row(
            "ratio end-to-end / bare ceiling (median round)",
            (rounds.map(({ endToEnd }) => endToEnd.rate).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]! / ceiling).toFixed(3),
        );
        row(
            "CPU per message (all threads): I/O one thread / I/O workers / end to end",
            `${ms(ioOneThreadCpuMs)} / ${ms(ioWorkersCpuMs)} / ${ms(endToEndCpuMs)}`,
        );
        row(
            "ratio of CPU per message, lower I/O ceiling / end to end",
            (Math.min(ioOneThreadCpuMs, ioWorkersCpuMs) / endToEndCpuMs).toFixed(3),
        );
        console.log(
            `Where a batch's time goes (means over ${breakdown.batches} burst batches of all rounds of ${breakdown.recordsPerBatch.toFixed(1)} records; per message = per batch / records):`,
        );
        const phase = (label: string, perBatch: number) =>
            row(label, `${ms(perBatch).padStart(10)} per batch ${ms(perBatch / breakdown.recordsPerBatch).padStart(9)} per message`);
        phase("mapping: receive until the batch is ready (poll)", breakdown.pollMs);
        phase("worker hop: invoke -> handler starts, handler ends -> result", breakdown.hopMs);
        phase("handler (wall, records side by side)", breakdown.handlerMs);
        phase("  of which the worker thread was busy (JS, not waiting)", breakdown.handlerBusyMs);
        phase("mapping: deletes after the result", breakdown.deleteMs);
        phase("batch total (poll to deleted)", breakdown.totalMs);
        row(
            "handler requests per record (SDK + fetch), summed time in flight",
            `${breakdown.requestsPerRecord.toFixed(1)} requests, ${ms(breakdown.requestMsPerRecord)}`,
        );
        row(
            "median round's higher I/O ceiling, per record: the same requests, summed in flight",
            `${ioCeilingFigures.requestsPerRecord.toFixed(1)} requests, ${ms(ioCeilingFigures.requestMsPerRecord)}`,
        );
        row(
            "median round's higher I/O ceiling, per batch: receive / records' I/O / delete",
            `${ms(ioCeilingFigures.receiveMs)} / ${ms(ioCeilingFigures.recordsMs)} / ${ms(ioCeilingFigures.deleteMs)}`,
        );
        console.log(`Latency send -> page at ${RATE_PER_SECOND}/s for ${LATENCY_SECONDS} s (${latency.count} escalations):`);
        row("p50 / p99 / max", `${latency.p50} / ${latency.p99} / ${latency.max} ms`);
    } finally {
        targets.close();
        await runtime.stop();
    }
}

interface Breakdown {
    readonly batches: number;
    readonly recordsPerBatch: number;
    readonly pollMs: number;
    readonly hopMs: number;
    readonly handlerMs: number;
    readonly handlerBusyMs: number;
    readonly deleteMs: number;
    readonly totalMs: number;
    readonly requestsPerRecord: number;
    readonly requestMsPerRecord: number;
}

/** Means over the invocations that carry the worker's timing (every successful or failed one). */
function breakDown(reports: readonly BatchReport[]): Breakdown {
    const timed = reports.flatMap((report) =>
        report.outcome.kind !== "throttled" && report.outcome.kind !== "timeout" && report.outcome.timing
            ? [{ report, timing: report.outcome.timing }]
            : [],
    );
    const mean = (value: (entry: (typeof timed)[number]) => number) =>
        timed.reduce((sum, entry) => sum + value(entry), 0) / Math.max(1, timed.length);
    const records = timed.reduce((sum, { report }) => sum + report.records.length, 0);
    const requests = timed.reduce((sum, { timing }) => sum + (timing.requests?.count ?? 0), 0);
    const requestMs = timed.reduce((sum, { timing }) => sum + (timing.requests?.inFlightMs ?? 0), 0);
    return {
        batches: timed.length,
        recordsPerBatch: records / Math.max(1, timed.length),
        pollMs: mean(({ report }) => report.phases.invokedAt - report.phases.receivedFrom),
        hopMs: mean(
            ({ report, timing }) => timing.receivedAt - report.phases.invokedAt + (report.phases.returnedAt - timing.handlerEndedAt),
        ),
        handlerMs: mean(({ timing }) => timing.handlerEndedAt - timing.receivedAt),
        handlerBusyMs: mean(({ timing }) => timing.handlerBusyMs),
        deleteMs: mean(({ report }) => report.phases.settledAt - report.phases.returnedAt),
        totalMs: mean(({ report }) => report.phases.settledAt - report.phases.receivedFrom),
        requestsPerRecord: requests / Math.max(1, records),
        requestMsPerRecord: requestMs / Math.max(1, records),
    };
}

/** A queue of its own holding `messages` escalations sent through the producer library, as the burst's are. */
async function loadedQueue(runtime: LocalRuntime, name: string, messages: number): Promise<string> {
    const { QueueUrl } = await runtime.sqs.send(new CreateQueueCommand({ QueueName: name }));
    const producer = localProducerTargets(runtime);
    try {
        const inputs = escalations(name, messages);
        for (let start = 0; start < inputs.length; start += 100) {
            await emitEscalation({ ...producer.escalation, queueUrl: QueueUrl! }, inputs.slice(start, start + 100));
        }
    } finally {
        producer.close();
    }
    return QueueUrl!;
}

/** Messages per second a plain consumer gets out of the emulator: receive 10, delete 10, repeat. */
async function bareReceiveDeleteRate(sqs: SQSClient, messages: number, loops: number): Promise<number> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "bench-ceiling" }));
    for (let start = 0; start < messages; start += 10) {
        await sqs.send(
            new SendMessageBatchCommand({
                QueueUrl,
                Entries: Array.from({ length: Math.min(10, messages - start) }, (_, index) => ({
                    Id: String(index),
                    MessageBody: JSON.stringify({ n: start + index }),
                })),
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
                const { Messages = [] } = await sqs.send(
                    new ReceiveMessageCommand({
                        QueueUrl,
                        MaxNumberOfMessages: 10,
                        WaitTimeSeconds: 1,
                        AttributeNames: ["All"],
                        MessageAttributeNames: ["All"],
                    }),
                );
                if (Messages.length > 0) {
                    await sqs.send(
                        new DeleteMessageBatchCommand({
                            QueueUrl,
                            Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
                        }),
                    );
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
    return Array.from({ length: count }, (_, index) => ({
        callId: `bench-${prefix}-${index}`,
        severity: "warning",
        reason: `Benchmark escalation ${index}`,
        context: {},
    }));
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
