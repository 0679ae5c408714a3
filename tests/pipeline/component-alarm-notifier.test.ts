import * as assert from "node:assert/strict";
import { HandlerEnvironment } from "../../handlers/environment";
import { alarmNotifierDeadLetterQueuePolicy, alarmNotifierPolicy } from "../../pipeline/alarm-notifier-policies";
import { buildPipeline, ResourceTypes } from "../helpers/pipeline-fixture";
import { parsedJson, MockResource, MockStack, TEST_ACCOUNT_ID, TEST_REGION } from "../helpers/pulumi-mocks";

const PREFIX = "escalation-pipeline-test-main";
const TOPIC_ARN = `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT_ID}:${PREFIX}-alarms`;
const DLQ_ARN = `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${PREFIX}-alarm-notifier-dlq`;

describe("EscalationPipeline alarm notifier", () => {
    let stack: MockStack;
    let notifier: MockResource;

    before(async () => {
        ({ stack } = await buildPipeline({ options: { toolCall: { alarms: { routes: { functionErrors: "page" } } } } }));
        notifier = stack.named("main-alarm-notifier-function");
    });

    const routes = () =>
        JSON.parse(
            (notifier.inputs.environment as { variables: Record<string, string> }).variables[HandlerEnvironment.alarmRoutes]!,
        ) as Record<string, string>;

    it("subscribes the notifier function to the alarm topic", () => {
        const subscription = stack.ofType(ResourceTypes.topicSubscription).find((s) => s.inputs.protocol === "lambda");

        assert.equal(subscription?.inputs.topic, TOPIC_ARN);
        assert.equal(subscription?.inputs.endpoint, `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT_ID}:function:${PREFIX}-alarm-notifier`);
    });

    it("sends notifications SNS cannot deliver to the notifier's DLQ (subscription redrive policy)", () => {
        const subscription = stack.ofType(ResourceTypes.topicSubscription).find((s) => s.inputs.protocol === "lambda");

        assert.deepEqual(parsedJson(subscription?.inputs.redrivePolicy), { deadLetterTargetArn: DLQ_ARN });
    });

    it("lets only the alarm topic invoke the notifier", () => {
        const [permission] = stack.ofType(ResourceTypes.permission);

        assert.deepEqual(
            [permission?.inputs.action, permission?.inputs.principal, permission?.inputs.sourceArn, permission?.inputs.function],
            ["lambda:InvokeFunction", "sns.amazonaws.com", TOPIC_ARN, `${PREFIX}-alarm-notifier`],
        );
    });

    it("retries a failed invocation twice, then sends it to the notifier's DLQ (on-failure destination)", () => {
        const [config] = stack.ofType(ResourceTypes.functionEventInvokeConfig);

        assert.equal(config?.inputs.maximumRetryAttempts, 2);
        assert.equal(config?.inputs.maximumEventAgeInSeconds, 3600);
        assert.deepEqual(config?.inputs.destinationConfig, { onFailure: { destination: DLQ_ARN } });
    });

    it("keeps the notifier's DLQ 14 days, encrypted, and refuses SQS redrive into it", () => {
        const dlq = stack.named("main-alarm-notifier-dlq");

        assert.deepEqual([dlq.inputs.messageRetentionSeconds, dlq.inputs.sqsManagedSseEnabled], [1_209_600, true]);
        assert.deepEqual(parsedJson(dlq.inputs.redriveAllowPolicy), { redrivePermission: "denyAll" });
    });

    it("alarms at once on any message in the notifier's DLQ, with an OK action", () => {
        const alarm = stack.named("main-alarm-notifier-dlq-depth");

        assert.deepEqual(
            [alarm.inputs.name, alarm.inputs.metricName, alarm.inputs.dimensions, alarm.inputs.threshold, alarm.inputs.evaluationPeriods],
            [
                `${PREFIX}-alarm-notifier-dlq-depth`,
                "ApproximateNumberOfMessagesVisible",
                { QueueName: `${PREFIX}-alarm-notifier-dlq` },
                0,
                1,
            ],
        );
        assert.deepEqual(alarm.inputs.okActions, alarm.inputs.alarmActions);
    });

    it("reads the pager's own SSM parameters for the routing key and webhook URL", () => {
        const variables = (notifier.inputs.environment as { variables: Record<string, string> }).variables;

        assert.equal(variables[HandlerEnvironment.pagerDutyRoutingKeyParameter], `/${PREFIX}/pagerduty-routing-key`);
        assert.equal(variables[HandlerEnvironment.slackWebhookUrlParameter], `/${PREFIX}/slack-webhook-url`);
    });

    it("routes DLQ depth and oldest-message age to paging, errors and throttles to Slack, by default", () => {
        const table = routes();

        assert.deepEqual(
            [
                table[`${PREFIX}-escalation-dlq-depth`],
                table[`${PREFIX}-escalation-oldest-message-age`],
                table[`${PREFIX}-escalation-function-errors`],
                table[`${PREFIX}-escalation-function-throttles`],
            ],
            ["page", "page", "slack", "slack"],
        );
    });

    it("routes an alarm as the lane's config says", () => {
        assert.equal(routes()[`${PREFIX}-tool-call-function-errors`], "page");
    });

    it("pages for the notifier's own DLQ alarm", () => {
        assert.equal(routes()[`${PREFIX}-alarm-notifier-dlq-depth`], "page");
    });

    it("routes every alarm the stack creates, by its physical name", () => {
        const alarmNames = stack.ofType(ResourceTypes.metricAlarm).map((alarm) => alarm.inputs.name as string);

        assert.deepEqual(Object.keys(routes()).sort(), alarmNames.sort());
    });

    it("runs the notifier bundle on the consumers' runtime with tracing and JSON logs to its own log group", () => {
        assert.deepEqual(
            [notifier.inputs.runtime, notifier.inputs.architectures, notifier.inputs.tracingConfig, notifier.inputs.loggingConfig],
            [
                "nodejs22.x",
                ["arm64"],
                { mode: "Active" },
                {
                    logFormat: "JSON",
                    logGroup: `/aws/lambda/${PREFIX}-alarm-notifier`,
                    applicationLogLevel: "INFO",
                    systemLogLevel: "INFO",
                },
            ],
        );
    });
});

describe("alarm notifier policies", () => {
    it("grants the notifier its two secrets, its DLQ, its logs and traces, and nothing else", () => {
        const document = alarmNotifierPolicy({ deadLetterQueueArn: "arn:q", logGroupArn: "arn:lg", parameterArns: ["arn:p1", "arn:p2"] });

        assert.deepEqual(
            document.Statement.map((statement) => [statement.Action, statement.Resource]),
            [
                [
                    ["ssm:GetParameter", "ssm:GetParameters"],
                    ["arn:p1", "arn:p2"],
                ],
                [["sqs:SendMessage"], "arn:q"],
                [["logs:CreateLogStream", "logs:PutLogEvents"], "arn:lg:*"],
                [["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"],
            ],
        );
    });

    it("lets SNS send to the notifier's DLQ only for the alarm topic, and only over TLS", () => {
        const document = alarmNotifierDeadLetterQueuePolicy("arn:q", "arn:topic");

        assert.deepEqual(
            document.Statement.map((statement) => statement.Sid),
            ["DenyInsecureTransport", "AlarmTopicSubscriptionRedrive"],
        );
        assert.deepEqual(document.Statement[1]?.Condition, { ArnEquals: { "aws:SourceArn": "arn:topic" } });
        assert.deepEqual(document.Statement[1]?.Principal, { Service: "sns.amazonaws.com" });
    });
});
