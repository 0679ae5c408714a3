import type { Logger } from "@aws-lambda-powertools/logger";
import type { SNSEvent } from "aws-lambda";
import { EnvironmentReader, HandlerConfigError, type EnvironmentSource } from "../config/handler-config";
import { HandlerEnvironment } from "../environment";
import { readEscalationTargets } from "../escalation/escalation-config";
import { postJson } from "../http/post-json";
import { createLogger } from "../observability/logger";
import type { SecretSource } from "../secrets/secret-source";
import { ssmSecretSource } from "../secrets/ssm-secret-source";
import { pagerDutyAlarmResolve, pagerDutyAlarmTrigger, slackAlarmMessage, slackRecoveredMessage } from "./alarm-events";
import { type AlarmNotification, AlarmState, parseAlarmNotification } from "./alarm-notification";
import { AlarmRoute, type AlarmRoutes, DEFAULT_ALARM_ROUTE, parseAlarmRoutes } from "./alarm-routes";

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
