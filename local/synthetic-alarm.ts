/**
 * A synthetic CloudWatch alarm for the local runtime: the exact SNS event CloudWatch would send
 * for one of a lane's alarms (names, ARNs and metric as the component creates them), handed to
 * the alarm notifier running as the local runtime runs functions, which pages the loopback
 * PagerDuty and posts to the loopback Slack. CloudWatch and SNS have no local emulator; this is
 * where the local path starts, and everything after it is the shipped notifier.
 */
import { randomUUID } from "node:crypto";
import type { SNSEvent } from "aws-lambda";
import type { AlarmState } from "../handlers/alarms";
import { HandlerEnvironment } from "../handlers/environment";
import { LaneAlarmMetrics, laneAlarmNames, pipelineAlarmRoutes } from "../pipeline/lane-alarms";
import type { LaneAlarmKind } from "../pipeline/options";
import type { LaneName } from "../pipeline/pipeline-settings";
import { LocalHandlerModules } from "./lambda/handler-modules";
import type { LocalHandlerInput } from "./lambda/handler-input";
import { LOCAL_ACCOUNT_ID } from "./lambda/lambda-context";
import type { InvocationOutcome } from "./lambda/execution-environment";
import { LocalFunction } from "./lambda/local-function";
import type { LocalRuntime } from "./runtime";

/** CloudWatch's name for the region in notifications; the local runtime's region is fixed. */
const REGION_DISPLAY_NAMES: Readonly<Record<string, string>> = { "us-east-1": "US East (N. Virginia)", "eu-west-1": "EU (Ireland)" };
const NOTIFIER_DOWNSTREAM_TIMEOUT_MS = 5000;

export interface SyntheticAlarm {
    readonly lane: LaneName;
    readonly kind: LaneAlarmKind;
    readonly state: AlarmState;
    readonly previousState: AlarmState;
}

/** The SNS event carrying CloudWatch's notification for `alarm`, in the shape tests/fixtures/alarms records. */
export function syntheticAlarmEvent(runtime: LocalRuntime, alarm: SyntheticAlarm, now = new Date()): SNSEvent {
    const region = runtime.emulators.region;
    const laneNames = runtime.names.lanes[alarm.lane];
    const alarmName = laneAlarmNames(laneNames)[alarm.kind];
    const metric = LaneAlarmMetrics[alarm.kind];
    const topicArn = `arn:aws:sns:${region}:${LOCAL_ACCOUNT_ID}:${runtime.names.alarmTopic}`;
    const threshold = alarm.kind === "oldestMessageAge" ? runtime.settings.lanes[alarm.lane].oldestMessageAgeSlaSeconds : 0;
    const breaching = alarm.state === "ALARM";
    // The DLQ depth alarm waits the lane's configured minutes; the others one period.
    const periods = alarm.kind === "deadLetterQueueDepth" ? runtime.settings.lanes[alarm.lane].alarms.deadLetterQueueDepthMinutes : 1;
    const stamp = cloudWatchTime(now);
    const message = {
        AlarmName: alarmName,
        AlarmDescription: `Synthetic alarm fired by 'npm run alarm' for the ${alarm.lane} lane.`,
        AWSAccountId: LOCAL_ACCOUNT_ID,
        AlarmConfigurationUpdatedTimestamp: stamp,
        NewStateValue: alarm.state,
        NewStateReason: breaching
            ? `Threshold Crossed: ${periods} out of the last ${periods} datapoints [${threshold + 1}.0] were greater than the threshold (${threshold}.0) (minimum ${periods} datapoints for ${alarm.previousState} -> ALARM transition).`
            : `Threshold Crossed: 1 out of the last 1 datapoints [${threshold}.0] was not greater than the threshold (${threshold}.0) (minimum 1 datapoint for ${alarm.previousState} -> ${alarm.state} transition).`,
        StateChangeTime: stamp,
        Region: REGION_DISPLAY_NAMES[region] ?? region,
        AlarmArn: `arn:aws:cloudwatch:${region}:${LOCAL_ACCOUNT_ID}:alarm:${alarmName}`,
        OldStateValue: alarm.previousState,
        OKActions: [topicArn],
        AlarmActions: [topicArn],
        InsufficientDataActions: [],
        Trigger: {
            MetricName: metric.metricName,
            Namespace: metric.namespace,
            StatisticType: "Statistic",
            Statistic: metric.statistic.toUpperCase(),
            Unit: null,
            Dimensions: [{ value: laneNames[metric.of], name: metric.dimension }],
            Period: 60,
            EvaluationPeriods: periods,
            DatapointsToAlarm: periods,
            ComparisonOperator: "GreaterThanThreshold",
            Threshold: threshold,
            TreatMissingData: "notBreaching",
            EvaluateLowSampleCountPercentile: "",
        },
    };
    const subscriptionArn = `${topicArn}:00000000-0000-4000-8000-000000000000`;
    return {
        Records: [
            {
                EventSource: "aws:sns",
                EventVersion: "1.0",
                EventSubscriptionArn: subscriptionArn,
                Sns: {
                    Type: "Notification",
                    MessageId: randomUUID(),
                    TopicArn: topicArn,
                    Subject: `${alarm.state}: "${alarmName}" in ${message.Region}`.slice(0, 100),
                    Message: JSON.stringify(message),
                    Timestamp: now.toISOString(),
                    SignatureVersion: "1",
                    Signature: "local",
                    SigningCertUrl: "",
                    UnsubscribeUrl: "",
                    MessageAttributes: {},
                },
            },
        ],
    };
}

/** "2026-12-01T08:05:31.572+0000", as CloudWatch writes times. */
function cloudWatchTime(time: Date): string {
    return time.toISOString().replace("Z", "+0000");
}

/**
 * The alarm notifier as a local function, with the environment the component gives it (the
 * routing table from the same settings) and the runtime's loopback PagerDuty and Slack.
 */
export function startLocalAlarmNotifier(runtime: LocalRuntime): LocalFunction {
    const names = runtime.names.alarmNotifier;
    const handlerInput: LocalHandlerInput = {
        secrets: {
            [runtime.names.pagerDutyRoutingKeyParameter]: runtime.pagerDutyRoutingKey,
            [runtime.names.slackWebhookUrlParameter]: runtime.receivers.slack.url,
        },
        downstreamTimeoutMs: NOTIFIER_DOWNSTREAM_TIMEOUT_MS,
    };
    return new LocalFunction({
        functionName: names.function,
        logGroupName: names.logGroup,
        handlerModule: LocalHandlerModules.alarmNotifier,
        timeoutSeconds: 30,
        memorySizeMb: 256,
        reservedConcurrency: 2,
        region: runtime.emulators.region,
        handlerInput,
        environment: {
            [HandlerEnvironment.pagerDutyEventsUrl]: runtime.receivers.pagerDuty.url,
            [HandlerEnvironment.pagerDutyRoutingKeyParameter]: runtime.names.pagerDutyRoutingKeyParameter,
            [HandlerEnvironment.slackWebhookUrlParameter]: runtime.names.slackWebhookUrlParameter,
            [HandlerEnvironment.alarmRoutes]: JSON.stringify(pipelineAlarmRoutes(runtime.names, runtime.settings)),
            [HandlerEnvironment.serviceName]: names.function,
            [HandlerEnvironment.logLevel]: runtime.settings.logLevel,
        },
    });
}

/** What one synthetic alarm did: the notifier's outcome for the ALARM and for the OK that follows. */
export interface SyntheticAlarmRun {
    readonly alarmName: string;
    readonly alarmArn: string;
    readonly fired: InvocationOutcome;
    readonly recovered?: InvocationOutcome;
}

/**
 * Fires one of a lane's alarms through the notifier (OK -> ALARM), then, unless told not to,
 * lets it recover (ALARM -> OK), as CloudWatch would publish both to the alarm topic.
 */
export async function fireSyntheticAlarm(
    runtime: LocalRuntime,
    notifier: LocalFunction,
    target: { readonly lane: LaneName; readonly kind: LaneAlarmKind; readonly recover?: boolean },
): Promise<SyntheticAlarmRun> {
    const firing = syntheticAlarmEvent(runtime, { lane: target.lane, kind: target.kind, state: "ALARM", previousState: "OK" });
    const { AlarmName: alarmName, AlarmArn: alarmArn } = JSON.parse(firing.Records[0]!.Sns.Message) as {
        AlarmName: string;
        AlarmArn: string;
    };
    const fired = await notifier.invoke(firing);
    if (target.recover === false || fired.kind !== "success") {
        return { alarmName, alarmArn, fired };
    }
    const recovered = await notifier.invoke(
        syntheticAlarmEvent(runtime, { lane: target.lane, kind: target.kind, state: "OK", previousState: "ALARM" }),
    );
    return { alarmName, alarmArn, fired, recovered };
}
