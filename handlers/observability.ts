/**
 * Logging, metrics and tracing: Powertools Logger, Metrics (the business metrics, EMF on stdout)
 * and Tracer, configured by the POWERTOOLS_* variables the component sets.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { EnvironmentSource } from "./config";
import { HandlerEnvironment } from "./environment";
import { Logger, LogLevel } from "@aws-lambda-powertools/logger";
import { HandlerConfigError } from "./errors";
import { Tracer } from "@aws-lambda-powertools/tracer";

/** The CloudWatch namespace of the pipeline's business metrics (POWERTOOLS_METRICS_NAMESPACE overrides it). */
export const METRICS_NAMESPACE = "EscalationPipeline";

/** The business metrics, as CloudWatch shows them. */
export const MetricName = {
    escalationsPaged: "EscalationsPaged",
    slackPosts: "SlackPosts",
    duplicatesAbsorbed: "DuplicatesAbsorbed",
    deadLettered: "DeadLettered",
    retriesScheduled: "RetriesScheduled",
    inProgressElsewhere: "InProgressElsewhere",
    /** Records handed back unstarted because the invocation was near its deadline (deadline.ts). */
    cutOffAtDeadline: "CutOffAtDeadline",
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/**
 * What the consumers count, through Powertools Metrics (CloudWatch embedded metric format on
 * stdout, no API calls). Counts are buffered per invocation and flushed at its end (`flush`);
 * dead letters go out at once, one EMF document per kind, with the kind as a dimension.
 */
export interface ConsumerMetrics {
    count(name: MetricName): void;
    deadLettered(kind: string): void;
    /** Publishes what the invocation counted (nothing is written when it counted nothing). */
    flush(): void;
}

export function createConsumerMetrics(serviceName: string, environment: EnvironmentSource = process.env): ConsumerMetrics {
    const configured = environment[HandlerEnvironment.serviceName];
    const metrics = new Metrics({
        namespace: environment.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
        serviceName: configured === undefined || configured === "" ? serviceName : configured,
    });
    let pending = 0;
    return {
        count(name) {
            metrics.addMetric(name, MetricUnit.Count, 1);
            pending++;
        },
        deadLettered(kind) {
            const single = metrics.singleMetric();
            single.addDimension("kind", kind);
            single.addMetric(MetricName.deadLettered, MetricUnit.Count, 1);
        },
        flush() {
            if (pending > 0) {
                pending = 0;
                metrics.publishStoredMetrics();
            }
        },
    };
}

/** The levels POWERTOOLS_LOG_LEVEL may name (Powertools' own list, case-insensitive). */
const LOG_LEVELS: readonly string[] = Object.values(LogLevel);

/**
 * The consumer's Powertools Logger: JSON lines, level from POWERTOOLS_LOG_LEVEL read from the
 * consumer's environment (process.env in Lambda, the injected one in tests and the local runtime;
 * Powertools alone would read only process.env). Each record gets a child carrying message id,
 * receive count and call id (record-handler.ts), so every line about a message can be found by any
 * of the three. An unknown level is a configuration error, not a silent fallback.
 */
export function createLogger(defaultServiceName: string, environment: EnvironmentSource = process.env): Logger {
    const configured = environment[HandlerEnvironment.serviceName];
    const level = environment[HandlerEnvironment.logLevel]?.trim().toUpperCase();
    if (level !== undefined && level !== "" && !LOG_LEVELS.includes(level)) {
        throw new HandlerConfigError(
            `invalid handler environment: '${HandlerEnvironment.logLevel}' must be one of ${LOG_LEVELS.join(", ")}, ${JSON.stringify(environment[HandlerEnvironment.logLevel])} given`,
        );
    }
    return new Logger({
        serviceName: configured === undefined || configured === "" ? defaultServiceName : configured,
        ...(level !== undefined && level !== "" ? { logLevel: level as (typeof LogLevel)[keyof typeof LogLevel] } : {}),
    });
}

/**
 * The consumer's Powertools Tracer. Created once per execution environment; in Lambda (X-Ray is
 * Active on the functions) it instruments `fetch`, so every PagerDuty and Slack call is an X-Ray
 * subsegment named by its host, with its URL, status and duration, under the invocation's segment.
 * Outside Lambda, or with POWERTOOLS_TRACE_ENABLED=false, it does nothing.
 */
export function createTracer(defaultServiceName: string, environment: EnvironmentSource = process.env): Tracer {
    const configured = environment[HandlerEnvironment.serviceName];
    return new Tracer({
        serviceName: configured === undefined || configured === "" ? defaultServiceName : configured,
        enabled: environment.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== "false",
        captureHTTPsRequests: true,
    });
}

/**
 * Runs one delivery step in its own subsegment (`### <name>`, annotated so a trace can be found by
 * escalation id), with the step's fetch subsegment under it and any error recorded on it. A no-op
 * wrapper when tracing is off. Subsegments follow the async context, so records running side by
 * side each get their own.
 */
export function traceStep<T>(
    tracer: Tracer,
    name: string,
    annotations: Readonly<Record<string, string>>,
    action: () => Promise<T>,
): Promise<T> {
    if (!tracer.isTracingEnabled()) {
        return action();
    }
    return new Promise<T>((resolve, reject) => {
        tracer.provider.captureAsyncFunc(`### ${name}`, (subsegment) => {
            for (const [key, value] of Object.entries(annotations)) {
                subsegment?.addAnnotation(key, value);
            }
            action().then(
                (value) => {
                    subsegment?.close();
                    resolve(value);
                },
                (error: unknown) => {
                    subsegment?.addError(error instanceof Error ? error : new Error(String(error)));
                    subsegment?.close();
                    reject(error);
                },
            );
        });
    });
}
