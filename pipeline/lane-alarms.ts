import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** One-minute periods: a page about a dead message should not wait five. */
const PERIOD_SECONDS = 60;

export interface LaneAlarmTargets {
    readonly logicalPrefix: string;
    /** The alarm's physical name from its suffix (`<prefix>-<lane>-<suffix>`), so a notification says which stack it is from. */
    readonly alarmName: (suffix: string) => string;
    readonly queueName: pulumi.Input<string>;
    readonly deadLetterQueueName: pulumi.Input<string>;
    readonly functionName: pulumi.Input<string>;
    readonly oldestMessageAgeSlaSeconds: number;
    readonly alarmTopicArn: pulumi.Input<string>;
    readonly tags: Record<string, string>;
}

export interface LaneAlarms {
    readonly deadLetterQueueDepth: aws.cloudwatch.MetricAlarm;
    readonly oldestMessageAge: aws.cloudwatch.MetricAlarm;
    readonly functionErrors: aws.cloudwatch.MetricAlarm;
    readonly functionThrottles: aws.cloudwatch.MetricAlarm;
}

/**
 * The four alarms of a lane. Missing data is "not breaching": an idle queue publishes no
 * datapoints, and silence must not page anyone.
 */
export function createLaneAlarms(targets: LaneAlarmTargets, parent: pulumi.Resource): LaneAlarms {
    const alarm = (suffix: string, args: Omit<aws.cloudwatch.MetricAlarmArgs, "period" | "evaluationPeriods" | "comparisonOperator" | "treatMissingData">) =>
        new aws.cloudwatch.MetricAlarm(
            `${targets.logicalPrefix}-${suffix}`,
            {
                name: targets.alarmName(suffix),
                period: PERIOD_SECONDS,
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [targets.alarmTopicArn],
                okActions: [targets.alarmTopicArn],
                tags: targets.tags,
                ...args,
            },
            { parent },
        );
    return {
        // Any message in the DLQ means a human must look: threshold 0.
        deadLetterQueueDepth: alarm("dlq-depth", {
            alarmDescription: pulumi.interpolate`Messages in dead-letter queue ${targets.deadLetterQueueName}: inspect with 'npm run dlq -- list'.`,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: targets.deadLetterQueueName },
            statistic: "Maximum",
            threshold: 0,
        }),
        oldestMessageAge: alarm("oldest-message-age", {
            alarmDescription: pulumi.interpolate`Oldest message in ${targets.queueName} is older than its ${targets.oldestMessageAgeSlaSeconds} s SLA.`,
            namespace: "AWS/SQS",
            metricName: "ApproximateAgeOfOldestMessage",
            dimensions: { QueueName: targets.queueName },
            statistic: "Maximum",
            threshold: targets.oldestMessageAgeSlaSeconds,
        }),
        // Transient failures are reported per item, not as errors: an error here is a crash or timeout.
        functionErrors: alarm("function-errors", {
            alarmDescription: pulumi.interpolate`Consumer ${targets.functionName} crashed or timed out.`,
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: targets.functionName },
            statistic: "Sum",
            threshold: 0,
        }),
        // maximumConcurrency <= reserved concurrency should make throttles impossible; one is a misconfiguration.
        functionThrottles: alarm("function-throttles", {
            alarmDescription: pulumi.interpolate`Consumer ${targets.functionName} was throttled; throttled receives drift messages toward the DLQ.`,
            namespace: "AWS/Lambda",
            metricName: "Throttles",
            dimensions: { FunctionName: targets.functionName },
            statistic: "Sum",
            threshold: 0,
        }),
    };
}
