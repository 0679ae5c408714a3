import { PolicyResource } from "@pulumi/policy";
import { describe } from "./messages";
import { MetricAlarmProps, propsOf } from "./resource-props";
import { ResourceTypes } from "./resource-types";
import { stackRule } from "./rule";
import { read, readOutput } from "./unknown-values";

const DEPTH_METRIC_NAME = "ApproximateNumberOfMessagesVisible";

/**
 * Why a depth alarm cannot page anyone for a single message, or undefined when it can. Values
 * unknown at preview that the program set from another resource (an SNS topic's ARN in
 * alarmActions) count as set, as the engine's property dependency says.
 */
function whyDepthAlarmCannotPage(alarm: PolicyResource): string | undefined {
    const props = propsOf<MetricAlarmProps>(alarm);
    const name = describe(alarm);
    const actions = readOutput(alarm, () => props.alarmActions);
    if (actions.known && (actions.value ?? []).length === 0) {
        return `${name} has no alarmActions`;
    }
    const enabled = read(() => props.actionsEnabled);
    if (enabled.known && enabled.value === false) {
        return `${name} has actionsEnabled false`;
    }
    const operator = read(() => props.comparisonOperator);
    const threshold = read(() => props.threshold);
    if (operator.known && threshold.known) {
        if (operator.value !== "GreaterThanThreshold" && operator.value !== "GreaterThanOrEqualToThreshold") {
            return `${name} uses comparisonOperator ${operator.value ?? "unset"}`;
        }
        const limit = threshold.value ?? 0;
        const firesOnOne = operator.value === "GreaterThanThreshold" ? limit < 1 : limit > 0 && limit <= 1;
        if (!firesOnOne) {
            return (
                `${name} fires only ${operator.value === "GreaterThanThreshold" ? "above" : "from"} ${limit} messages (it must fire on one: ` +
                "GreaterThanThreshold 0 or GreaterThanOrEqualToThreshold 1)"
            );
        }
    }
    const queries = read(() =>
        (props.metricQueries ?? []).map((query) => ({
            id: query.id,
            returnData: query.returnData,
            metricName: query.metric?.metricName,
            stat: query.metric?.stat,
        })),
    );
    if (queries.known && queries.value.length > 0) {
        const returned = queries.value.length === 1 ? queries.value : queries.value.filter((query) => query.returnData === true);
        const series = returned[0];
        if (series !== undefined && series.metricName !== DEPTH_METRIC_NAME) {
            return `${name} returns the series '${series.id}', not the depth`;
        }
        if (series?.stat === "SampleCount") {
            return `${name} uses statistic SampleCount (it counts data points, not messages)`;
        }
        return undefined;
    }
    const statistic = read(() => props.statistic);
    if (statistic.known && statistic.value === "SampleCount") {
        return `${name} uses statistic SampleCount (it counts data points, not messages)`;
    }
    return undefined;
}

/**
 * Mandatory: a message in a DLQ is an escalation that failed; without an alarm on the DLQ's
 * depth that pages someone for a single message, nobody learns of it, which for this pipeline
 * is the same as losing it. Every queue the stack index knows as a DLQ (of an SQS redrive or of
 * any other service) needs one. An alarm counts when it has an enabled action, fires on one
 * message (GreaterThanThreshold 0 / GreaterThanOrEqualToThreshold 1), does not count samples,
 * and, as a metric query, returns the depth series itself (as AWS Config's
 * cloudwatch-alarm-action-check and Control Tower CT.CLOUDWATCH.PR.1 draw the line).
 */
export const cloudwatchDlqDepthAlarm = stackRule({
    name: "cloudwatch-dlq-depth-alarm",
    description:
        "Every dead-letter queue must have a CloudWatch alarm on its depth (AWS/SQS ApproximateNumberOfMessagesVisible) that pages on one message.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        let someDlqUnwatched = false;
        for (const dlq of index.deadLetterQueues) {
            report.forResource(dlq, () => {
                const alarms = index.depthAlarms.byTarget.get(dlq.urn) ?? [];
                const reasons = alarms.map(whyDepthAlarmCannotPage);
                if (reasons.some((reason) => reason === undefined)) {
                    return;
                }
                someDlqUnwatched = true;
                if (alarms.length === 0) {
                    report.violation(
                        dlq,
                        `${describe(dlq)} is a dead-letter queue and must have a CloudWatch alarm on AWS/SQS ` +
                            "ApproximateNumberOfMessagesVisible with dimension QueueName; found none.",
                    );
                    return;
                }
                report.violation(
                    dlq,
                    `${describe(dlq)} is a dead-letter queue and must have a CloudWatch alarm on its depth that can ` +
                        `page; ${reasons.join("; ")}.`,
                );
            });
        }
        // An alarm whose metric or queue is unknown might be the missing one: say so.
        if (someDlqUnwatched) {
            report.unknownReferences(index.depthAlarms.unresolved);
        }
    },
});

/**
 * Advisory by default: an alarm without an enabled action changes colour on a dashboard and tells
 * nobody; the pipeline relies on every alarm it declares. prod.json makes it mandatory.
 */
export const cloudwatchAlarmHasAction = stackRule({
    name: "cloudwatch-alarm-has-action",
    description: "Every CloudWatch alarm must have an enabled alarm action.",
    enforcementLevel: "advisory",
    check: (index, report) => {
        for (const alarm of index.ofType(ResourceTypes.metricAlarm)) {
            report.forResource(alarm, () => {
                const props = propsOf<MetricAlarmProps>(alarm);
                // Presence is what counts: actions unknown at preview come from another resource
                // (a topic's ARN), so they are set.
                const actions = readOutput(alarm, () => props.alarmActions);
                const enabled = report.knownValue(
                    alarm,
                    readOutput(alarm, () => props.actionsEnabled),
                );
                if (enabled === undefined) {
                    return;
                }
                const noActions = actions.known && (actions.value ?? []).length === 0;
                const found = noActions ? "no alarmActions" : enabled.value === false ? "actionsEnabled false" : undefined;
                if (found !== undefined) {
                    report.violation(
                        alarm,
                        `${describe(alarm)} must have an enabled alarm action (alarmActions, actionsEnabled not false); found ${found}.`,
                    );
                }
            });
        }
    },
});

const CONSUMER_METRICS = ["Errors", "Throttles"] as const;

/**
 * Advisory by default (serverless-rules ES/Lambda alarms): a consumer that crashes or is
 * throttled delays every page behind it; its errors and throttles deserve an alarm of their own,
 * before the DLQ fills. prod.json makes it mandatory.
 */
export const cloudwatchConsumerAlarms = stackRule({
    name: "cloudwatch-consumer-alarms",
    description: "Every Lambda function consuming SQS must have CloudWatch alarms on its Errors and Throttles.",
    enforcementLevel: "advisory",
    check: (index, report) => {
        let someConsumerUnwatched = false;
        for (const fn of index.consumerFunctions) {
            report.forResource(fn, () => {
                const missing = CONSUMER_METRICS.filter((metric) => (index.functionAlarms(metric).byTarget.get(fn.urn) ?? []).length === 0);
                if (missing.length === 0) {
                    return;
                }
                someConsumerUnwatched = true;
                report.violation(
                    fn,
                    `${describe(fn)} consumes SQS and must have CloudWatch alarms on AWS/Lambda Errors and Throttles ` +
                        `(dimension FunctionName); found none on ${missing.join(" and ")}.`,
                );
            });
        }
        if (someConsumerUnwatched) {
            for (const metric of CONSUMER_METRICS) {
                report.unknownReferences(index.functionAlarms(metric).unresolved);
            }
        }
    },
});
