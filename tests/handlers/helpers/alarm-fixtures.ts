import * as fs from "node:fs";
import * as path from "node:path";
import type { SNSEvent } from "aws-lambda";
import { createAlarmNotifier, type AlarmNotifierHandler, type AlarmRoutes } from "../../../handlers/alarms";

import { HandlerEnvironment } from "../../../handlers/environment";
import { inMemorySecretSource } from "../../../handlers/secrets";
import type { FakeReceivers } from "../../../local/fake-receivers";
import { SECRET_NAMES, silentLogger, TEST_ROUTING_KEY } from "../../helpers/handler-fixtures";

const ALARM_FIXTURES = path.join(__dirname, "..", "..", "fixtures", "alarms");

/** The recorded SNS alarm notifications under tests/fixtures/alarms, by file name without ".json". */
export const AlarmFixture = {
    dlqDepthAlarm: "dlq-depth-alarm",
    dlqDepthInsufficientData: "dlq-depth-insufficient-data",
    dlqDepthAlarmAgain: "dlq-depth-alarm-again",
    dlqDepthOk: "dlq-depth-ok",
    dlqDepthCreatedOk: "dlq-depth-created-ok",
    throttlesAlarm: "function-throttles-alarm",
    throttlesOk: "function-throttles-ok",
} as const;
export type AlarmFixture = (typeof AlarmFixture)[keyof typeof AlarmFixture];

export function alarmEvent(fixture: AlarmFixture): SNSEvent {
    return JSON.parse(fs.readFileSync(path.join(ALARM_FIXTURES, `${fixture}.json`), "utf8")) as SNSEvent;
}

/** The CloudWatch message inside a fixture's SNS record. */
export function alarmMessage(fixture: AlarmFixture): { AlarmName: string; AlarmArn: string } {
    return JSON.parse(alarmEvent(fixture).Records[0]!.Sns.Message) as { AlarmName: string; AlarmArn: string };
}

/** The fixtures' routes: DLQ depth pages, throttles post to Slack only (the defaults). */
export const FIXTURE_ROUTES: AlarmRoutes = {
    [alarmMessage(AlarmFixture.dlqDepthAlarm).AlarmName]: "page",
    [alarmMessage(AlarmFixture.throttlesAlarm).AlarmName]: "slack",
};

/** A notifier pointed at the loopback receivers, with the test secrets. */
export function notifierFor(
    receivers: FakeReceivers,
    routes: AlarmRoutes = FIXTURE_ROUTES,
    downstreamTimeoutMs = 2000,
): AlarmNotifierHandler {
    return createAlarmNotifier({
        environment: {
            [HandlerEnvironment.pagerDutyEventsUrl]: receivers.pagerDuty.url,
            [HandlerEnvironment.pagerDutyRoutingKeyParameter]: SECRET_NAMES.pagerDutyRoutingKey,
            [HandlerEnvironment.slackWebhookUrlParameter]: SECRET_NAMES.slackWebhookUrl,
            [HandlerEnvironment.alarmRoutes]: JSON.stringify(routes),
        },
        secrets: inMemorySecretSource({
            [SECRET_NAMES.pagerDutyRoutingKey]: TEST_ROUTING_KEY,
            [SECRET_NAMES.slackWebhookUrl]: receivers.slack.url,
        }),
        logger: silentLogger(),
        downstreamTimeoutMs,
    });
}
