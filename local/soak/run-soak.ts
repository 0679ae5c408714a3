/**
 * Runs one soak scenario on a fresh local runtime and returns its verdict and figures.
 * - "mixed": send the plan, let the pipeline drain, check.
 * - "kill-restart": the same, but the consumers are killed mid-batch once a share of the
 *   messages is processed (running invocations cut off, nothing more deleted), then started
 *   again; what was in flight comes back after its visibility timeout.
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import type { Writable } from "node:stream";
import * as path from "node:path";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createAwsClients } from "../../handlers/aws";
import type { PipelineOptions } from "../../pipeline/options";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import { type DeadLetterEntry, toDeadLetterEntry } from "../dlq/dead-letter-entry";
import { peekMessages } from "../dlq/peek";
import { redriveByCopy } from "../dlq/redrive";
import { type Percentiles, percentiles } from "../percentiles";
import { type PipelineSnapshot, queueDepth, snapshot, total } from "../progress";
import { type LocalRuntime, startLocalRuntime } from "../runtime";
import { cutOffEvidence, GaveUpWaitingLog } from "./cut-off-evidence";
import { FaultInjector } from "./fault-injector";
import { seededRandom } from "./random";
import { type CheckResult, checkSoak, type FreezeWindow } from "./soak-checks";
import { planSoak, type SoakPlan } from "./soak-plan";
import { sendSoakPlan } from "./soak-sender";
import { prepareSoakState, readToolRuns, SOAK_STATE_DIRECTORY_VARIABLE } from "./soak-tools";

/**
 * The soak's default tool-call function timeout. Deployed consumers run with 20 to 30 s (the
 * pipeline default is 30 s, Pulumi.dev.yaml sets 20 and 30); 5 s, the escalation lane's, keeps the
 * soak fast while leaving a fresh execution environment on a starved CPU room for its first
 * record. At 1 s (the old default) the first invocation after each timeout spent most of its
 * timeout before its first record beside two CPU burners, timed out again, and SQS moved the
 * messages to the DLQ without a reason: a death spiral no deployed timeout sees. The slow tool
 * still overruns it (it sleeps timeout + 1.5 s) and the freeze still outlasts it.
 */
export const SOAK_TOOL_CALL_TIMEOUT_SECONDS = 5;

export const SoakScenario = { mixed: "mixed", killRestart: "kill-restart" } as const;
export type SoakScenario = (typeof SoakScenario)[keyof typeof SoakScenario];

export interface SoakOptions {
    readonly messages: number;
    readonly scenario?: SoakScenario;
    /** @default 1 */
    readonly seed?: number;
    /**
     * Function timeout of the tool-call consumer, whose slow tool overruns it; the visibility
     * timeout follows (6 x) from the shared settings.
     * @default SOAK_TOOL_CALL_TIMEOUT_SECONDS (5)
     */
    readonly functionTimeoutSeconds?: number;
    /**
     * Function timeout of the escalation consumer. Roomier than the tool lane's: a batch cut off
     * between its Slack post and its idempotency record posts again on retry (Slack has no
     * deduplication), which is at-least-once working as designed, not what this check is about.
     * @default 5
     */
    readonly escalationTimeoutSeconds?: number;
    /** maximumConcurrency (and reserved concurrency) of each lane; 3 keeps two cores from thrashing. @default 3 */
    readonly concurrency?: number;
    /** Share of PagerDuty/Slack requests followed by an injected 5xx. @default 0.02 */
    readonly transientFailureRate?: number;
    /** Kill-restart: kill once this share of the messages is processed. @default 0.3 */
    readonly killAfterShare?: number;
    /**
     * Freeze the whole process (SIGSTOP, then SIGCONT) for this long once `freezeAfterShare` of the
     * messages is processed: longer than both lanes' timeouts, so the invocations in flight resume
     * past their deadline while their messages and in-progress records are up for others. 0: none.
     * @default the longer of the two timeouts + 2 in the mixed scenario, 0 in kill-restart
     */
    readonly freezeSeconds?: number;
    /** @default 0.5 */
    readonly freezeAfterShare?: number;
    /** Share of PagerDuty answers after which Slack refuses the next post for good (404), to be replayed from the DLQ. @default 0.002 */
    readonly slackRefusalRate?: number;
    /** Give up waiting for the queues to drain after this long. @default 600 */
    readonly maxWaitSeconds?: number;
    /** Where the soak's tools write. @default a fresh directory under the OS temp dir */
    readonly stateDirectory?: string;
    readonly onProgress?: (state: PipelineSnapshot) => void;
    /** Where the consumers' logs go. @default discarded */
    readonly functionLogSink?: Writable;
}

export interface SoakResult {
    readonly scenario: SoakScenario;
    readonly plan: SoakPlan;
    readonly checks: readonly CheckResult[];
    readonly passed: boolean;
    readonly wallTimeMs: number;
    readonly messagesPerSecond: number;
    readonly final: PipelineSnapshot;
    /** Transient 5xx answers injected into PagerDuty and Slack. */
    readonly injectedFaults: number;
    /** Slack posts refused for good after the page (dead-lettered, then replayed). */
    readonly slackRefusals: number;
    /** How long the process was frozen (0 when not). */
    readonly frozenMs: number;
    /** Kill-restart: invocations running when the consumers were killed (0 in the mixed scenario). */
    readonly killedInvocations: number;
    /** How long invocations ran, per lane (timed-out ones count at the timeout). */
    readonly invocationMs: { readonly escalation: Percentiles; readonly toolCall: Percentiles };
}

const POLL_MS = 250;
const SOAK_TOOLS_MODULE = path.join(__dirname, "soak-tools.ts");

/** The soak's pipeline options: short timeouts and quick backoff, validated and resolved by the shared settings. */
export function soakPipelineOptions(timeouts: { escalation: number; toolCall: number }, concurrency: number): PipelineOptions {
    const lane = (functionTimeoutSeconds: number) => ({
        functionTimeoutSeconds,
        reservedConcurrency: concurrency,
        maximumConcurrency: concurrency,
        batchSize: 10,
        maxReceiveCount: 5,
        backoffTiersSeconds: [1, 2, 3],
    });
    // Warnings and errors only: formatting INFO lines for every record costs the soak more CPU than paging does.
    return { escalation: lane(timeouts.escalation), toolCall: lane(timeouts.toolCall), logLevel: "WARN" };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
    const scenario = options.scenario ?? SoakScenario.mixed;
    const functionTimeoutSeconds = options.functionTimeoutSeconds ?? SOAK_TOOL_CALL_TIMEOUT_SECONDS;
    const escalationTimeoutSeconds = options.escalationTimeoutSeconds ?? 5;
    const settings = resolvePipelineSettings(
        soakPipelineOptions({ escalation: escalationTimeoutSeconds, toolCall: functionTimeoutSeconds }, options.concurrency ?? 3),
    );
    const stateDirectory = options.stateDirectory ?? path.join(os.tmpdir(), `escalation-soak-${process.pid}-${Date.now()}`);
    prepareSoakState(stateDirectory);
    const plan = planSoak(options.messages, { seed: options.seed, slowSleepMs: functionTimeoutSeconds * 1000 + 1500 });

    let injector: FaultInjector | undefined;
    let reporting: { stop(): Promise<void> } | undefined;
    const gaveUpWaiting = new GaveUpWaitingLog(options.functionLogSink);
    const runtime = await startLocalRuntime({
        settings,
        namePrefix: "soak",
        extraToolsModule: SOAK_TOOLS_MODULE,
        extraFunctionEnvironment: { [SOAK_STATE_DIRECTORY_VARIABLE]: stateDirectory },
        warmEnvironments: options.concurrency ?? 3,
        functionLogSink: gaveUpWaiting,
        onReceiverRequest: (request) => injector?.observe(request),
    });
    try {
        injector = new FaultInjector(
            runtime.receivers,
            options.transientFailureRate ?? 0.02,
            seededRandom((options.seed ?? 1) + 1),
            options.slackRefusalRate ?? 0.002,
        );
        const startedAt = Date.now();
        reporting = reportProgress(runtime, options.onProgress);
        const processed = () => runtime.stats.escalation.processed + runtime.stats.toolCall.processed;
        const sending = sendSoakPlan(runtime, plan);
        const killedInvocations =
            scenario === SoakScenario.killRestart
                ? await killMidBatchAndRestart(runtime, Math.round(plan.total * (options.killAfterShare ?? 0.3)))
                : 0;
        const freezeSeconds =
            options.freezeSeconds ?? (scenario === SoakScenario.mixed ? Math.max(escalationTimeoutSeconds, functionTimeoutSeconds) + 2 : 0);
        const freezeWindows: FreezeWindow[] = [];
        let frozenMs = 0;
        if (freezeSeconds > 0) {
            await waitUntil(
                () => processed() >= Math.round(plan.total * (options.freezeAfterShare ?? 0.5)) && runtime.invocationsInFlight() > 0,
            );
            // Anything that started within one function timeout before the freeze may have been cut off by it.
            const frozen = await freezeProcess(freezeSeconds);
            frozenMs = frozen.endMs - frozen.startMs;
            const longestTimeoutMs = Math.max(escalationTimeoutSeconds, functionTimeoutSeconds) * 1000;
            freezeWindows.push({
                startMs: frozen.startMs - longestTimeoutMs,
                endMs: frozen.endMs,
                cutOffUntilMs: frozen.endMs + longestTimeoutMs,
            });
        }
        await sending;
        const maxWaitMs = (options.maxWaitSeconds ?? 600) * 1000;
        await waitUntilDrained(runtime, maxWaitMs);
        const replayed = await replaySlackFailures(runtime);
        const final = await waitUntilDrained(runtime, maxWaitMs);
        const wallTimeMs = Date.now() - startedAt;
        await reporting.stop();
        options.onProgress?.(final);
        await runtime.stopConsumers();
        const observations = {
            ...(await observe(runtime, stateDirectory, final)),
            slackFailedReplays: { replayed, refusalsInjected: injector.slackRefusals },
            freezeWindows,
            cutOff: cutOffEvidence(runtime, gaveUpWaiting),
        };
        const checks = checkSoak(plan, observations, { tolerateRepeats: scenario === SoakScenario.killRestart });
        return {
            scenario,
            plan,
            checks,
            passed: checks.every((check) => check.passed),
            wallTimeMs,
            messagesPerSecond: plan.total / (wallTimeMs / 1000),
            final,
            injectedFaults: injector.injected,
            slackRefusals: injector.slackRefusals,
            frozenMs,
            killedInvocations,
            invocationMs: {
                escalation: percentiles(runtime.stats.escalation.durationsMs),
                toolCall: percentiles(runtime.stats.toolCall.durationsMs),
            },
        };
    } finally {
        await reporting?.stop();
        await runtime.stop();
    }
}

/**
 * Freezes this whole process (emulators, receivers, every execution environment) as a stopped
 * VM or a debugger would: a child shell sends SIGSTOP, sleeps, sends SIGCONT. Resolves with the
 * window once the process runs again.
 */
async function freezeProcess(seconds: number): Promise<FreezeWindow> {
    const startMs = Date.now();
    const child = spawn("sh", ["-c", `kill -STOP ${process.pid}; sleep ${seconds}; kill -CONT ${process.pid}`], { stdio: "ignore" });
    await new Promise<void>((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", () => resolve());
    });
    return { startMs, endMs: Date.now() };
}

/** Replays (copy redrive) the escalation dead letters marked "paged; Slack failed"; returns them. */
async function replaySlackFailures(runtime: LocalRuntime): Promise<DeadLetterEntry[]> {
    const { escalation } = runtime.lanes;
    const entries = (await peekMessages(runtime.sqs, escalation.deadLetterQueueUrl)).map(toDeadLetterEntry);
    const slackFailed = entries.filter((entry) => entry.reason?.errorClass === "SlackFailedAfterPageError");
    if (slackFailed.length > 0) {
        await redriveByCopy(
            runtime.sqs,
            {
                deadLetterQueueUrl: escalation.deadLetterQueueUrl,
                deadLetterQueueArn: escalation.deadLetterQueueArn,
                sourceQueueUrl: escalation.queueUrl,
                sourceQueueArn: escalation.queueArn,
            },
            { messageIds: new Set(slackFailed.map((entry) => entry.messageId)) },
        );
    }
    return slackFailed;
}

async function waitUntil(condition: () => boolean): Promise<void> {
    while (!condition()) {
        await sleep(5);
    }
}

/**
 * Waits until `processed` passes `threshold` while invocations are running, then kills and
 * restarts the consumers. Returns how many invocations the kill cut off.
 */
async function killMidBatchAndRestart(runtime: LocalRuntime, threshold: number): Promise<number> {
    const processed = () => runtime.stats.escalation.processed + runtime.stats.toolCall.processed;
    while (processed() < threshold || runtime.invocationsInFlight() === 0) {
        await sleep(5);
    }
    const cutOff = runtime.invocationsInFlight();
    await runtime.killConsumers();
    await runtime.startConsumers();
    return cutOff;
}

/**
 * Calls `onProgress` with a fresh snapshot every poll from the first message on (sending, the
 * freeze and the kill included), so a run that stalls shows where. Nothing runs without a listener.
 */
function reportProgress(runtime: LocalRuntime, onProgress: ((state: PipelineSnapshot) => void) | undefined): { stop(): Promise<void> } {
    if (onProgress === undefined) {
        return { stop: async () => undefined };
    }
    let stopped = false;
    const loop = (async () => {
        while (!stopped) {
            onProgress(await snapshot(runtime));
            await sleep(POLL_MS);
        }
    })();
    return {
        async stop() {
            stopped = true;
            await loop;
        },
    };
}

/** Until the source queues stay empty over two polls (a deleted message never comes back). */
async function waitUntilDrained(runtime: LocalRuntime, maxWaitMs: number): Promise<PipelineSnapshot> {
    const deadline = Date.now() + maxWaitMs;
    let emptyPolls = 0;
    for (;;) {
        const state = await snapshot(runtime);
        emptyPolls = state.queued === 0 && runtime.invocationsInFlight() === 0 ? emptyPolls + 1 : 0;
        if (emptyPolls >= 2 || Date.now() > deadline) {
            return state;
        }
        await sleep(POLL_MS);
    }
}

async function observe(runtime: LocalRuntime, stateDirectory: string, final: PipelineSnapshot) {
    const { s3 } = createAwsClients(runtime.emulators.environment);
    try {
        return await observeWith(runtime, stateDirectory, final, s3);
    } finally {
        s3.destroy();
    }
}

async function observeWith(runtime: LocalRuntime, stateDirectory: string, final: PipelineSnapshot, s3: S3Client) {
    const { escalation, toolCall } = runtime.lanes;
    const entries = async (queueUrl: string) =>
        Promise.all((await peekMessages(runtime.sqs, queueUrl)).map(toDeadLetterEntry).map((entry) => withOffloadedBody(entry, s3)));
    return {
        incidents: runtime.receivers.pagerDuty.incidents,
        pagerDutyRequests: runtime.receivers.pagerDuty.requests,
        slackRequests: runtime.receivers.slack.requests,
        escalationDeadLetters: await entries(escalation.deadLetterQueueUrl),
        toolCallDeadLetters: await entries(toolCall.deadLetterQueueUrl),
        deadLetterCounts: {
            escalation: total(await queueDepth(runtime.sqs, escalation.deadLetterQueueUrl)),
            toolCall: total(await queueDepth(runtime.sqs, toolCall.deadLetterQueueUrl)),
        },
        queuedAtEnd: final.queued,
        toolRuns: readToolRuns(stateDirectory),
    };
}

/** A dead letter whose body the forward offloaded (too large for the DLQ with its reason), with that body read back from the payload bucket. */
async function withOffloadedBody(entry: DeadLetterEntry, s3: S3Client): Promise<DeadLetterEntry> {
    if (entry.payload === undefined) {
        return entry;
    }
    const object = await s3.send(new GetObjectCommand({ Bucket: entry.payload.s3BucketName, Key: entry.payload.s3Key }));
    return { ...entry, body: (await object.Body?.transformToString("utf8")) ?? "" };
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
