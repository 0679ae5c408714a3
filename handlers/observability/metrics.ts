import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { EnvironmentSource } from "../config/handler-config";
import { HandlerEnvironment } from "../environment";

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
    /** Records handed back unstarted because the invocation was near its deadline (consumer/invocation-deadline.ts). */
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
