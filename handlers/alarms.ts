/**
 * The alarm notifier: CloudWatch alarm notifications from SNS, their routes (page or Slack),
 * the PagerDuty and Slack events they become, and the handler that sends them (resolving on OK).
 */
import * as z from "./zod";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { SNSEvent, SNSEventRecord } from "aws-lambda";
import { EnvironmentReader, type EnvironmentSource, readEscalationTargets } from "./config";
import { HandlerConfigError, InvalidMessageError } from "./errors";
import { AlarmRoute, type AlarmRoutes, HandlerEnvironment } from "./environment";
// Re-exported for the notifier's callers that import them from here; their home is environment.ts.
export { AlarmRoute, type AlarmRoutes } from "./environment";
import { postJson, PAGERDUTY_EVENT_SOURCE } from "./downstream";
import { createLogger } from "./observability";
import { type SecretSource, ssmSecretSource } from "./secrets";
import { describeSchemaIssues } from "./messages";

export interface AlarmNotifierOptions {
    /** @default process.env */
    readonly environment?: EnvironmentSource;
    /** @default SSM Parameter Store through Powertools Parameters (the pager's parameters) */
    readonly secrets?: SecretSource;
    /** @default a Powertools Logger named "alarm-notifier" */
    readonly logger?: Logger;
    /**
     * How long a call to PagerDuty or Slack may take. A failed call fails the invocation, and
     * Lambda's asynchronous retries (then the on-failure destination) take over.
     * @default 5000
     */
    readonly downstreamTimeoutMs?: number;
}

/** What the notifier did with one alarm notification (logged, and returned for tests). */
export const AlarmOutcome = {
    paged: "paged",
    postedOnly: "posted",
    resolved: "resolved",
    recoveredPostedOnly: "recovered-posted",
    resolvedQuietly: "resolved-quietly",
    ignored: "ignored",
} as const;
export type AlarmOutcome = (typeof AlarmOutcome)[keyof typeof AlarmOutcome];

export type AlarmNotifierHandler = (event: SNSEvent) => Promise<AlarmOutcome[]>;

const DEFAULT_DOWNSTREAM_TIMEOUT_MS = 5000;

interface NotifierTargets {
    readonly pagerDutyEventsUrl: string;
    readonly pagerDutyRoutingKeyParameter: string;
    readonly slackWebhookUrlParameter: string;
    readonly routes: AlarmRoutes;
}

function readNotifierTargets(environment: EnvironmentSource): NotifierTargets {
    const problems: string[] = [];
    let delivery: ReturnType<typeof readEscalationTargets> | undefined;
    try {
        delivery = readEscalationTargets(environment);
    } catch (error) {
        problems.push((error as Error).message);
    }
    const routes = parseAlarmRoutes(
        new EnvironmentReader(environment, problems).optional(HandlerEnvironment.alarmRoutes),
        HandlerEnvironment.alarmRoutes,
        problems,
    );
    if (problems.length > 0 || delivery === undefined) {
        throw new HandlerConfigError(problems.join("; "));
    }
    return { ...delivery, routes };
}

/**
 * The alarm notifier, subscribed to the alarm topic. ALARM: a PagerDuty trigger whose dedup_key
 * is the alarm's ARN (when the alarm's route is "page"), then a Slack post. OK: the matching
 * PagerDuty resolve, then a Slack "recovered" post when the alarm had fired. INSUFFICIENT_DATA:
 * nothing. PagerDuty goes first, so a Slack failure retried by Lambda re-sends a trigger PagerDuty
 * folds into the same incident. Any failure (a downstream down, a message that is not an alarm)
 * is thrown: Lambda retries twice and then hands the event to the notifier's DLQ, which is alarmed.
 */
export function createAlarmNotifier(options: AlarmNotifierOptions = {}): AlarmNotifierHandler {
    const environment = options.environment ?? process.env;
    const targets = readNotifierTargets(environment);
    const secrets = options.secrets ?? ssmSecretSource(environment);
    const logger = options.logger ?? createLogger("alarm-notifier", environment);
    const timeoutMs = options.downstreamTimeoutMs ?? DEFAULT_DOWNSTREAM_TIMEOUT_MS;
    const post = (url: string, body: unknown, downstream: string) => postJson(url, body, { downstream, timeoutMs });

    const notify = async (alarm: AlarmNotification): Promise<AlarmOutcome> => {
        if (alarm.NewStateValue === AlarmState.insufficientData) {
            return AlarmOutcome.ignored;
        }
        const route = targets.routes[alarm.AlarmName] ?? DEFAULT_ALARM_ROUTE;
        if (targets.routes[alarm.AlarmName] === undefined) {
            logger.warn("alarm not in the routing table; paging", { alarmName: alarm.AlarmName });
        }
        const pages = route === AlarmRoute.page;
        const webhookUrl = await secrets.get(targets.slackWebhookUrlParameter);
        const routingKey = pages ? await secrets.get(targets.pagerDutyRoutingKeyParameter) : "";
        if (alarm.NewStateValue === AlarmState.alarm) {
            if (pages) {
                await post(targets.pagerDutyEventsUrl, pagerDutyAlarmTrigger(alarm, routingKey), "PagerDuty");
            }
            await post(webhookUrl, slackAlarmMessage(alarm, pages), "Slack");
            return pages ? AlarmOutcome.paged : AlarmOutcome.postedOnly;
        }
        if (pages) {
            // A resolve for a key with no open incident is a no-op at PagerDuty, so it is always safe to send.
            await post(targets.pagerDutyEventsUrl, pagerDutyAlarmResolve(alarm, routingKey), "PagerDuty");
        }
        // OK after INSUFFICIENT_DATA is how every new alarm starts: nothing recovered, nothing to post.
        if (alarm.OldStateValue !== AlarmState.alarm) {
            return AlarmOutcome.resolvedQuietly;
        }
        await post(webhookUrl, slackRecoveredMessage(alarm, pages), "Slack");
        return pages ? AlarmOutcome.resolved : AlarmOutcome.recoveredPostedOnly;
    };

    return async (event) => {
        const outcomes: AlarmOutcome[] = [];
        // SNS hands Lambda one record per invocation; the loop only makes a hand-built event safe.
        for (const record of event.Records) {
            let alarm: AlarmNotification;
            try {
                alarm = parseAlarmNotification(record);
            } catch (error) {
                logger.error("SNS message is not an alarm notification; Lambda retries, then the notifier's DLQ keeps it", {
                    messageId: record.Sns.MessageId,
                    error: error as Error,
                });
                throw error;
            }
            const log = {
                alarmName: alarm.AlarmName,
                alarmArn: alarm.AlarmArn,
                state: alarm.NewStateValue,
                previousState: alarm.OldStateValue,
            };
            try {
                const outcome = await notify(alarm);
                logger.info("alarm notification handled", { ...log, outcome });
                outcomes.push(outcome);
            } catch (error) {
                logger.error("alarm notification failed; Lambda retries, then the notifier's DLQ keeps it", {
                    ...log,
                    error: error as Error,
                });
                throw error;
            }
        }
        return outcomes;
    };
}

/** The three states of a CloudWatch alarm, as `NewStateValue` and `OldStateValue` spell them. */
export const AlarmState = { alarm: "ALARM", ok: "OK", insufficientData: "INSUFFICIENT_DATA" } as const;
export type AlarmState = (typeof AlarmState)[keyof typeof AlarmState];

const AlarmStateSchema = z.enum([AlarmState.alarm, AlarmState.ok, AlarmState.insufficientData]);

/**
 * The JSON CloudWatch publishes to SNS when a metric alarm changes state (the SNS `Message`).
 * Only the fields the notifier uses are checked; CloudWatch sends more (OKActions, AlarmActions,
 * Trigger.StatisticType, ...) and they are dropped. `AlarmDescription` is null when the alarm has none.
 */
export const AlarmNotificationSchema = z.object({
    AlarmName: z.string().check(z.minLength(1)),
    AlarmDescription: z.nullish(z.string()),
    AWSAccountId: z.string(),
    NewStateValue: AlarmStateSchema,
    NewStateReason: z.string(),
    StateChangeTime: z.string(),
    Region: z.string(),
    AlarmArn: z.string().check(z.regex(/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/)),
    OldStateValue: AlarmStateSchema,
    Trigger: z.optional(
        z.object({
            MetricName: z.optional(z.string()),
            Namespace: z.optional(z.string()),
            Dimensions: z.optional(z.array(z.object({ name: z.string(), value: z.string() }))),
            Threshold: z.optional(z.number()),
        }),
    ),
});
export type AlarmNotification = z.output<typeof AlarmNotificationSchema>;

/** The alarm notification an SNS record carries; InvalidMessageError when it is not one. */
export function parseAlarmNotification(record: SNSEventRecord): AlarmNotification {
    let parsed: unknown;
    try {
        parsed = JSON.parse(record.Sns.Message) as unknown;
    } catch (error) {
        throw new InvalidMessageError(`SNS message ${record.Sns.MessageId} is not JSON, so not a CloudWatch alarm notification`, {
            cause: error,
        });
    }
    const result = z.safeParse(AlarmNotificationSchema, parsed);
    if (!result.success) {
        throw new InvalidMessageError(
            `SNS message ${record.Sns.MessageId} is not a CloudWatch alarm notification: ${describeSchemaIssues(result.error.issues, parsed)}`,
        );
    }
    return result.data;
}

/**
 * CloudWatch writes times as "2023-10-10T06:41:58.348+0000"; PagerDuty wants ISO 8601 with a
 * colon in the offset, which is also what `Date` parses everywhere.
 */
export function isoTimestamp(cloudWatchTime: string): string | undefined {
    const normalised = cloudWatchTime.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
    const time = Date.parse(normalised);
    return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * An alarm missing from the table pages: the table is built from the same settings as the alarms,
 * so an unknown name is an alarm someone added by hand to the topic, and silence is the worse mistake.
 */
export const DEFAULT_ALARM_ROUTE: AlarmRoute = AlarmRoute.page;

const ROUTES: readonly string[] = Object.values(AlarmRoute);

/** Parses ALARM_ROUTES; returns the problems instead of throwing so the caller can report them all. */
export function parseAlarmRoutes(text: string | undefined, variable: string, problems: string[]): AlarmRoutes {
    if (text === undefined) {
        return {};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text) as unknown;
    } catch {
        problems.push(`'${variable}' must be a JSON object of alarm name -> "page" or "slack", ${JSON.stringify(text.slice(0, 80))} given`);
        return {};
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        problems.push(`'${variable}' must be a JSON object of alarm name -> "page" or "slack", ${JSON.stringify(text.slice(0, 80))} given`);
        return {};
    }
    const routes: Record<string, AlarmRoute> = {};
    for (const [name, route] of Object.entries(parsed)) {
        if (typeof route !== "string" || !ROUTES.includes(route)) {
            problems.push(`'${variable}' entry '${name}' must be "page" or "slack", ${JSON.stringify(route)} given`);
            continue;
        }
        routes[name] = route as AlarmRoute;
    }
    return routes;
}

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
