import * as aws from "./aws-services";
import * as pulumi from "@pulumi/pulumi";
import { AlarmRoute, type AlarmRoutes } from "../handlers/environment";
import type { LaneSettings } from "./lane-settings";
import type { LaneNames, PipelineNames } from "./naming";
import type { LaneAlarmKind } from "./options";
import type { LaneName, PipelineSettings } from "./pipeline-settings";

/** One-minute periods: a page about a dead message should not wait five. */
const PERIOD_SECONDS = 60;

/** Each alarm's suffix, in its logical name and its physical name. */
const ALARM_SUFFIXES: Readonly<Record<LaneAlarmKind, string>> = {
    deadLetterQueueDepth: "dlq-depth",
    oldestMessageAge: "oldest-message-age",
    functionErrors: "function-errors",
    functionThrottles: "function-throttles",
};

/** What each alarm watches: the metric, its statistic, and which of the lane's resources it is about. */
export const LaneAlarmMetrics = {
    deadLetterQueueDepth: {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        statistic: "Maximum",
        dimension: "QueueName",
        of: "deadLetterQueue",
    },
    oldestMessageAge: {
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        statistic: "Maximum",
        dimension: "QueueName",
        of: "queue",
    },
    functionErrors: { namespace: "AWS/Lambda", metricName: "Errors", statistic: "Sum", dimension: "FunctionName", of: "function" },
    functionThrottles: { namespace: "AWS/Lambda", metricName: "Throttles", statistic: "Sum", dimension: "FunctionName", of: "function" },
} as const satisfies Record<
    LaneAlarmKind,
    { namespace: string; metricName: string; statistic: string; dimension: string; of: keyof LaneNames }
>;

/**
 * Deterministic alarm names (naming.ts: "<prefix>-<lane>-<suffix>", e.g.
 * "escalation-pipeline-prod-main-escalation-dlq-depth"). They are known before anything is
 * deployed, so the notifier's routing table (alarm name -> page or slack) is a plain value.
 */
export function laneAlarmNames(names: LaneNames): Readonly<Record<LaneAlarmKind, string>> {
    return Object.fromEntries(Object.entries(ALARM_SUFFIXES).map(([kind, suffix]) => [kind, names.alarm(suffix)])) as Record<
        LaneAlarmKind,
        string
    >;
}

/** The notifier's routing table entries for one lane: each alarm's name and where it goes. */
export function laneAlarmRoutes(names: LaneNames, settings: LaneSettings): AlarmRoutes {
    const alarmNames = laneAlarmNames(names);
    return Object.fromEntries(
        (Object.keys(ALARM_SUFFIXES) as LaneAlarmKind[]).map((kind) => [alarmNames[kind], settings.alarms.routes[kind]]),
    );
}

/**
 * The notifier's whole routing table: every lane's alarms, and the notifier's own DLQ alarm,
 * which always pages (an alarm may have reached nobody). The component and the local runtime
 * both build it here.
 */
export function pipelineAlarmRoutes(names: PipelineNames, settings: PipelineSettings): AlarmRoutes {
    const lanes = Object.keys(settings.lanes) as LaneName[];
    return Object.assign({}, ...lanes.map((lane) => laneAlarmRoutes(names.lanes[lane], settings.lanes[lane])), {
        [names.alarmNotifier.deadLetterQueueDepthAlarm]: AlarmRoute.page,
    }) as AlarmRoutes;
}

export interface LaneAlarmTargets {
    readonly logicalPrefix: string;
    readonly names: LaneNames;
    readonly queueName: pulumi.Input<string>;
    readonly deadLetterQueueName: pulumi.Input<string>;
    readonly functionName: pulumi.Input<string>;
    readonly settings: LaneSettings;
    readonly alarmTopicArn: pulumi.Input<string>;
    readonly tags: Record<string, string>;
}

export type LaneAlarms = Readonly<Record<LaneAlarmKind, aws.cloudwatch.MetricAlarm>>;

type AlarmArgs = Omit<
    aws.cloudwatch.MetricAlarmArgs,
    "name" | "period" | "comparisonOperator" | "treatMissingData" | "namespace" | "metricName" | "statistic"
>;

/**
 * The four alarms of a lane. Missing data is "not breaching": an idle queue publishes no
 * datapoints, and silence must not page anyone. Every alarm sends both ALARM and OK to the topic,
 * so the notifier resolves the incident it opened.
 */
export function createLaneAlarms(targets: LaneAlarmTargets, parent: pulumi.Resource): LaneAlarms {
    const alarmNames = laneAlarmNames(targets.names);
    const { routes, deadLetterQueueDepthMinutes } = targets.settings.alarms;
    const alarm = (kind: LaneAlarmKind, args: AlarmArgs) =>
        new aws.cloudwatch.MetricAlarm(
            `${targets.logicalPrefix}-${ALARM_SUFFIXES[kind]}`,
            {
                name: alarmNames[kind],
                period: PERIOD_SECONDS,
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [targets.alarmTopicArn],
                okActions: [targets.alarmTopicArn],
                tags: targets.tags,
                namespace: LaneAlarmMetrics[kind].namespace,
                metricName: LaneAlarmMetrics[kind].metricName,
                statistic: LaneAlarmMetrics[kind].statistic,
                ...args,
                alarmDescription: pulumi.interpolate`${args.alarmDescription} ${routeSentence(routes[kind])}`,
            },
            { parent },
        );
    return {
        // Any message in the DLQ means a human must look: threshold 0, held for the configured minutes.
        deadLetterQueueDepth: alarm("deadLetterQueueDepth", {
            alarmDescription: pulumi.interpolate`Messages in dead-letter queue ${targets.deadLetterQueueName} for ${deadLetterQueueDepthMinutes} min: inspect with 'npm run dlq -- list'.`,
            dimensions: { QueueName: targets.deadLetterQueueName },
            threshold: 0,
            // Every one of the last N minutes above zero, not N minutes in total.
            evaluationPeriods: deadLetterQueueDepthMinutes,
            datapointsToAlarm: deadLetterQueueDepthMinutes,
        }),
        oldestMessageAge: alarm("oldestMessageAge", {
            alarmDescription: pulumi.interpolate`Oldest message in ${targets.queueName} is older than its ${targets.settings.oldestMessageAgeSlaSeconds} s SLA.`,
            dimensions: { QueueName: targets.queueName },
            threshold: targets.settings.oldestMessageAgeSlaSeconds,
        }),
        // Transient failures are reported per item, not as errors: an error here is a crash or timeout.
        functionErrors: alarm("functionErrors", {
            alarmDescription: pulumi.interpolate`Consumer ${targets.functionName} crashed or timed out.`,
            dimensions: { FunctionName: targets.functionName },
            threshold: 0,
        }),
        // maximumConcurrency <= reserved concurrency should make throttles impossible; one is a misconfiguration.
        functionThrottles: alarm("functionThrottles", {
            alarmDescription: pulumi.interpolate`Consumer ${targets.functionName} was throttled; throttled receives drift messages toward the DLQ.`,
            dimensions: { FunctionName: targets.functionName },
            threshold: 0,
        }),
    };
}

function routeSentence(route: AlarmRoute): string {
    return route === AlarmRoute.page ? "Pages the on-call." : "Posts to Slack; does not page.";
}
