/**
 * The whole pipeline on one machine: emulators, loopback PagerDuty and Slack, the queues, DLQs
 * and table built from the shared settings, and one event source mapping per lane invoking the
 * real consumers. `npm start`, the demo, the soak, the tests and the benchmark all start it here.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Writable } from "node:stream";
import { createAwsClients } from "../handlers/aws";
import { pipelineNames, type PipelineNames } from "../pipeline/naming";
import { type LaneName, Lanes, type PipelineSettings } from "../pipeline/pipeline-settings";
import { type EmulatorPorts, type LocalEmulators, startEmulators } from "./emulators";
import { type BatchReport, EventSourceMapping, type MappingScaling, mappingSettingsFromLane } from "./event-source-mapping";
import { type FakeReceivers, type RecordedRequest, startFakeReceivers } from "./fake-receivers";
import type { LocalHandlerInput } from "./lambda/handler-input";
import { LocalHandlerModules } from "./lambda/handler-modules";
import { explainEmulatorCharacterLimit } from "./emulator-character-limit";
import { ensureHandlerBundles } from "./handler-bundles";
import { laneEnvironment } from "./handler-environment";
import { LocalFunction } from "./lambda/local-function";
import { type ProvisionedLane, type ProvisionedPipeline, provisionPipeline } from "./provision";
import { RuntimeStats } from "./runtime-stats";

export interface LocalRuntimeOptions {
    readonly settings: PipelineSettings;
    /** Physical name prefix (queue, function and table names), as the stack would use. */
    readonly namePrefix: string;
    /** The stack's `tags` config; every queue also gets the component's own `escalation-pipeline: <prefix>` tag. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
    /** Ports of the emulators (0 lets the system pick). @default all 0 */
    readonly ports?: Partial<EmulatorPorts>;
    /** The stack's region (queue URLs, ARNs and the consumers' AWS_REGION carry it). @default "us-east-1" */
    readonly region?: string;
    /**
     * Start the consumers at once.
     * @default true
     */
    readonly startConsumers?: boolean;
    /** Called for every request the loopback PagerDuty and Slack answer. */
    readonly onReceiverRequest?: (request: RecordedRequest) => void;
    /** Where the consumers' logs go (CloudWatch Logs on AWS). @default discarded */
    readonly functionLogSink?: Writable;
    /** Called when a receive or delete fails (the mapping carries on). */
    readonly onMappingError?: (lane: LaneName, error: unknown) => void;
    /**
     * A downstream call's time limit in the consumers. Source code only (refused with the bundle,
     * which keeps the deployed consumer's own).
     * @default a third of the lane's function timeout, at most 5 s
     */
    readonly downstreamTimeoutMs?: number;
    /**
     * What the consumers run: `bundle`, the dist/handlers bundles the component deploys (rebuilt
     * first when stale), secrets read from the loopback SSM, Lambda's 10 s init limit; or `source`,
     * the TypeScript sources through tsx (fast edit loops; secrets injected, a 60 s init limit).
     * @default "bundle", or "source" when `extraToolsModule` is given
     */
    readonly handlerCode?: HandlerCode;
    /** A module exporting `tools` to register in the tool-call consumer next to the defaults (source code only: the bundle has no such hook). */
    readonly extraToolsModule?: string;
    /** Extra environment variables for both consumers (e.g. where the soak's tools write). @default {} */
    readonly extraFunctionEnvironment?: Readonly<Record<string, string>>;
    /**
     * How the mappings scale their pollers (see MappingScaling): AWS's ramp, or every slot at once.
     * @default "ramp"
     */
    readonly scaling?: MappingScaling;
    /**
     * Execution environments started per lane before polling begins, so the first messages do
     * not wait for a cold start (about a second each here).
     * @default 1
     */
    readonly warmEnvironments?: number;
    /** Called after every batch a mapping settles (after its deletes), e.g. to break down where the time went. */
    readonly onBatch?: (lane: LaneName, report: BatchReport) => void;
    /**
     * Time the consumers' outgoing HTTP requests (BatchReport.outcome.timing.requests), for benchmarks.
     * @default false
     */
    readonly measureRequests?: boolean;
}

export interface RuntimeLane extends ProvisionedLane {
    readonly name: LaneName;
    readonly functionName: string;
}

export interface LocalRuntime {
    readonly emulators: LocalEmulators;
    readonly receivers: FakeReceivers;
    readonly sqs: SQSClient;
    readonly settings: PipelineSettings;
    readonly names: PipelineNames;
    readonly pipeline: ProvisionedPipeline;
    readonly lanes: Readonly<Record<LaneName, RuntimeLane>>;
    readonly stats: RuntimeStats;
    /** What the consumers run (see LocalRuntimeOptions.handlerCode). */
    readonly handlerCode: HandlerCode;
    /** The local routing key the loopback PagerDuty receives (a stand-in for the SSM secret). */
    readonly pagerDutyRoutingKey: string;
    /** Invocations running now, both lanes. */
    invocationsInFlight(): number;
    /** Starts fresh functions (warming `warmEnvironments` each) and mappings for both lanes. */
    startConsumers(): Promise<void>;
    /** Stops polling and waits for running invocations to finish and delete what they processed. */
    stopConsumers(): Promise<void>;
    /** Stops the consumers as a crash would: running invocations are cut off and nothing more is deleted. */
    killConsumers(): Promise<void>;
    /** Stops the consumers, then the receivers and the emulators (their state is lost). */
    stop(): Promise<void>;
}

export const HandlerCode = { bundle: "bundle", source: "source" } as const;
export type HandlerCode = (typeof HandlerCode)[keyof typeof HandlerCode];

/** Options the shipped bundle cannot honour: refused rather than silently ignored. */
const SOURCE_ONLY_OPTIONS = {
    extraToolsModule: "registers only its own tools",
    downstreamTimeoutMs: "keeps the deployed consumer's own downstream timeout",
} as const;

export class HandlerCodeError extends Error {
    constructor(option: keyof typeof SOURCE_ONLY_OPTIONS) {
        super(`'${option}' needs handlerCode 'source': the shipped bundle ${SOURCE_ONLY_OPTIONS[option]}`);
        this.name = "HandlerCodeError";
    }
}

const LOCAL_ROUTING_KEY = "local-routing-key-0000000000000000";
/** tsx compiles the sources during init, on cores shared with everything else: far slower than a bundle. */
const SOURCE_INIT_TIMEOUT_MS = 60_000;
/** The component's loggingConfig (pipeline/consumer-lane.ts): JSON, no application log level. */
const CONSUMER_LOGGING = { logFormat: "JSON" } as const;
const MAX_DOWNSTREAM_TIMEOUT_MS = 5000;
/**
 * X-Ray is not emulated, so the consumers run with tracing off (the component deploys them with
 * Active tracing). Off means both: Powertools Tracer disabled (no subsegments; with no daemon the
 * X-Ray SDK sent them to 127.0.0.1:2000, a fixed port on a shared machine), and the X-Ray SDK in
 * manual mode, so it does not create its cls-hooked namespace at load. Its Lambda set-up still
 * creates it for the facade segment, and so enables its async hook on every promise
 * (tests/local/xray-manual-mode.test.ts; README, "Where the local runtime departs from AWS"). In manual mode the SDK's Lambda
 * set-up still tries to put its facade segment on a context it no longer keeps, and logged
 * "Cannot set sub/segment on context" with a stack trace at every cold start: nothing reads that
 * context with the Tracer off, so a missing context is ignored. `extraFunctionEnvironment` can
 * override all three.
 */
const LOCAL_TRACING_OFF = {
    POWERTOOLS_TRACE_ENABLED: "false",
    AWS_XRAY_MANUAL_MODE: "true",
    AWS_XRAY_CONTEXT_MISSING: "IGNORE_ERROR",
} as const;
const LANE_NAMES = Object.keys(Lanes) as LaneName[];

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    // Refused before anything starts.
    handlerCodeOf(options);
    const stats = new RuntimeStats();
    const emulators = await startEmulators({ region: options.region, ports: options.ports });
    let receivers: FakeReceivers | undefined;
    try {
        receivers = await startFakeReceivers({
            onRequest: (request) => {
                stats.recordReceiverRequest(request);
                options.onReceiverRequest?.(request);
            },
        });
        return await assembleRuntime(options, emulators, receivers, stats);
    } catch (error) {
        await receivers?.close();
        await emulators.stop();
        throw error;
    }
}

/** What the consumers run; throws HandlerCodeError for an option the shipped bundle cannot honour. */
function handlerCodeOf(options: LocalRuntimeOptions): HandlerCode {
    const handlerCode = options.handlerCode ?? (options.extraToolsModule !== undefined ? HandlerCode.source : HandlerCode.bundle);
    const sourceOnly = (Object.keys(SOURCE_ONLY_OPTIONS) as (keyof typeof SOURCE_ONLY_OPTIONS)[]).find(
        (option) => options[option] !== undefined,
    );
    if (handlerCode === HandlerCode.bundle && sourceOnly !== undefined) {
        throw new HandlerCodeError(sourceOnly);
    }
    return handlerCode;
}

async function assembleRuntime(
    options: LocalRuntimeOptions,
    emulators: LocalEmulators,
    receivers: FakeReceivers,
    stats: RuntimeStats,
): Promise<LocalRuntime> {
    const { settings } = options;
    const handlerCode = handlerCodeOf(options);
    const bundles = handlerCode === HandlerCode.bundle ? ensureHandlerBundles().entries : undefined;
    const { sqs, dynamoDb, s3 } = createAwsClients(emulators.environment);
    explainEmulatorCharacterLimit(sqs);
    const names = pipelineNames(options.namePrefix);
    const tags = { "escalation-pipeline": options.namePrefix, ...options.tags };
    const pipeline = await provisionPipeline({ sqs, dynamoDb, s3, region: emulators.region }, settings, names, tags);
    dynamoDb.destroy();
    s3.destroy();

    const lanes = Object.fromEntries(
        LANE_NAMES.map((name) => [name, { name, functionName: names.lanes[name].function, ...pipeline.lanes[name] }]),
    ) as Record<LaneName, RuntimeLane>;

    const secrets = { [names.pagerDutyRoutingKeyParameter]: LOCAL_ROUTING_KEY, [names.slackWebhookUrlParameter]: receivers.slack.url };
    // The component stores both as SSM SecureStrings; the bundles read them from there.
    Object.entries(secrets).forEach(([name, value]) => emulators.parameterStore.put(name, value));
    const functionDefinition = (lane: LaneName) => {
        const laneSettings = settings.lanes[lane];
        const handlerInput: LocalHandlerInput = {
            secrets,
            downstreamTimeoutMs:
                options.downstreamTimeoutMs ??
                Math.min(MAX_DOWNSTREAM_TIMEOUT_MS, Math.floor((laneSettings.consumer.timeoutSeconds * 1000) / 3)),
            extraToolsModule: options.extraToolsModule,
        };
        return {
            functionName: names.lanes[lane].function,
            logGroupName: names.lanes[lane].logGroup,
            ...(bundles !== undefined
                ? { handlerModule: bundles[lane] }
                : { handlerModule: LocalHandlerModules[lane], handlerInput, initTimeoutMs: SOURCE_INIT_TIMEOUT_MS }),
            logging: CONSUMER_LOGGING,
            timeoutSeconds: laneSettings.consumer.timeoutSeconds,
            memorySizeMb: laneSettings.consumer.memorySizeMb,
            // Unreserved lanes are bounded by the mapping alone, as in Lambda.
            reservedConcurrency: laneSettings.consumer.reservedConcurrency ?? mappingSettingsFromLane(laneSettings).maximumConcurrency,
            region: emulators.region,
            logSink: options.functionLogSink,
            measureRequests: options.measureRequests,
            environment: {
                ...LOCAL_TRACING_OFF,
                ...options.extraFunctionEnvironment,
                ...laneEnvironment({
                    laneName: lane,
                    settings,
                    names,
                    pipeline,
                    pagerDutyEventsUrl: receivers.pagerDuty.url,
                    emulatorEnvironment: emulators.environment,
                }),
            },
        };
    };

    let consumers: { fn: LocalFunction; mapping: EventSourceMapping }[] = [];
    const startConsumers = async () => {
        if (consumers.length > 0) {
            throw new Error("The consumers are already running; stop or kill them first");
        }
        const functions = LANE_NAMES.map((lane) => new LocalFunction(functionDefinition(lane)));
        // One function after the other: warming is CPU-bound (see LocalFunction.warm).
        for (const fn of functions) {
            await fn.warm(options.warmEnvironments ?? 1);
        }
        consumers = LANE_NAMES.map((lane, index) => {
            const fn = functions[index];
            const mapping = new EventSourceMapping({
                ...mappingSettingsFromLane(settings.lanes[lane]),
                settingsKey: `pipeline.${lane}`,
                scaling: options.scaling,
                sqs,
                queueUrl: lanes[lane].queueUrl,
                source: { queueArn: lanes[lane].queueArn, region: emulators.region },
                target: fn,
                onBatch: (report) => {
                    stats[lane].record(report);
                    options.onBatch?.(lane, report);
                },
                onError: (error) => {
                    stats.mappingErrors++;
                    options.onMappingError?.(lane, error);
                },
            });
            mapping.start();
            return { fn, mapping };
        });
    };
    const stopConsumers = async () => {
        const stopping = consumers;
        consumers = [];
        await Promise.all(stopping.map(({ mapping }) => mapping.stop()));
        await Promise.all(stopping.map(({ fn }) => fn.stop()));
    };
    const killConsumers = async () => {
        const killing = consumers;
        consumers = [];
        killing.forEach(({ mapping }) => mapping.kill());
        await Promise.all(killing.map(({ fn }) => fn.stop()));
    };

    if (options.startConsumers ?? true) {
        await startConsumers();
    }
    return {
        emulators,
        receivers,
        sqs,
        settings,
        names,
        pipeline,
        lanes,
        stats,
        handlerCode,
        pagerDutyRoutingKey: LOCAL_ROUTING_KEY,
        invocationsInFlight: () => consumers.reduce((sum, { mapping }) => sum + mapping.invocationsInFlight, 0),
        startConsumers,
        stopConsumers,
        killConsumers,
        async stop() {
            await stopConsumers();
            sqs.destroy();
            await receivers.close();
            await emulators.stop();
        },
    };
}
