import { PAGERDUTY_EVENT_SOURCE } from "../escalation/pager-duty";
import { type AlarmNotification, isoTimestamp } from "./alarm-notification";

/** PagerDuty cuts `payload.summary` at 1024 characters; we cut first so the end says so. */
const MAX_SUMMARY_LENGTH = 1024;

/**
 * The Events API v2 trigger for an alarm. `dedup_key` is the alarm's ARN: every ALARM
 * notification of one alarm (re-sent, or after a flap through INSUFFICIENT_DATA) folds into the
 * one open incident, and the OK notification resolves exactly that incident.
 */
export function pagerDutyAlarmTrigger(alarm: AlarmNotification, routingKey: string) {
    const timestamp = isoTimestamp(alarm.StateChangeTime);
    return {
        routing_key: routingKey,
        event_action: "trigger",
        dedup_key: alarm.AlarmArn,
        payload: {
            summary: truncate(`${alarm.AlarmName}: ${alarm.NewStateReason}`, MAX_SUMMARY_LENGTH),
            source: PAGERDUTY_EVENT_SOURCE,
            severity: "critical",
            component: metricOf(alarm),
            ...(timestamp !== undefined ? { timestamp } : {}),
            custom_details: {
                alarmName: alarm.AlarmName,
                alarmArn: alarm.AlarmArn,
                description: alarm.AlarmDescription ?? "",
                reason: alarm.NewStateReason,
                previousState: alarm.OldStateValue,
                account: alarm.AWSAccountId,
                region: alarm.Region,
                dimensions: Object.fromEntries((alarm.Trigger?.Dimensions ?? []).map((dimension) => [dimension.name, dimension.value])),
            },
        },
    } as const;
}

/** The resolve for the incident an alarm opened: same routing key, same dedup_key (the ARN). */
export function pagerDutyAlarmResolve(alarm: AlarmNotification, routingKey: string) {
    return { routing_key: routingKey, event_action: "resolve", dedup_key: alarm.AlarmArn } as const;
}

/** The Slack post for an alarm that fired; says whether the on-call was paged. */
export function slackAlarmMessage(alarm: AlarmNotification, paged: boolean) {
    const description = alarm.AlarmDescription ? `\n${alarm.AlarmDescription}` : "";
    return {
        text: `[ALARM] ${alarm.AlarmName} (${paged ? "on-call paged" : "not paged"}): ${alarm.NewStateReason}${description}`,
    } as const;
}

/** The Slack post for an alarm back to OK. */
export function slackRecoveredMessage(alarm: AlarmNotification, resolved: boolean) {
    return {
        text: `[RECOVERED] ${alarm.AlarmName} is OK again${resolved ? " (PagerDuty incident resolved)" : ""}: ${alarm.NewStateReason}`,
    } as const;
}

function metricOf(alarm: AlarmNotification): string {
    const trigger = alarm.Trigger;
    return trigger?.Namespace !== undefined && trigger.MetricName !== undefined
        ? `${trigger.Namespace} ${trigger.MetricName}`
        : alarm.AlarmName;
}

function truncate(text: string, length: number): string {
    return text.length <= length ? text : `${text.slice(0, length - 3)}...`;
}
