import * as aws from "./aws-services";
import * as pulumi from "@pulumi/pulumi";
import { bundleHandler } from "./handler-bundle";
import { type AlarmRoutes, HandlerEnvironment } from "../handlers/environment";
import { alarmNotifierDeadLetterQueuePolicy, alarmNotifierPolicy } from "./alarm-notifier-policies";
import {
    bundledFunctionCode,
    createFunctionLogGroupAndRole,
    type DeployedFunctionArgs,
    encryptionAtRest,
    lambdaLoggingConfig,
    stampedHandlerVersion,
} from "./consumer-lane";
import { DEAD_LETTER_RETENTION_SECONDS } from "./limits";
import { AlarmNotifierNames } from "./naming";
import { statefulOptions } from "./shared-resources";

/**
 * Lambda's asynchronous retries: twice (1 and 2 minutes later), for a PagerDuty or Slack blip;
 * then the on-failure destination. An hour is the oldest notification still worth delivering:
 * older, it may announce an alarm long since back to OK, so it goes to the DLQ instead.
 */
export const AlarmNotifierDelivery = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 } as const;

/** Two downstream calls of at most 5 s each, plus SSM reads: 30 s is ample and bounds a hung call. */
const NOTIFIER_TIMEOUT_SECONDS = 30;
const NOTIFIER_MEMORY_MB = 256;
/**
 * Reserved so the notifier can always run, even while the consumers' reservations hold the
 * account's pool; two cover an alarm storm, since throttled asynchronous events wait in Lambda's
 * queue anyway. Only when the lanes reserve: without lane reservations there is nothing reserved to
 * starve it, and a new account's quota leaves nothing to reserve (PutFunctionConcurrency would fail).
 */
export const NOTIFIER_RESERVED_CONCURRENCY = 2;
/** SQS's default; nothing consumes this DLQ automatically (as the lanes' DLQs). */
const DEAD_LETTER_VISIBILITY_TIMEOUT_SECONDS = 30;

export interface AlarmNotifierArgs extends DeployedFunctionArgs {
    readonly names: AlarmNotifierNames;
    readonly alarmTopic: aws.sns.Topic;
    /** Alarm name -> "page" or "slack", for every alarm that publishes to the topic. */
    readonly routes: AlarmRoutes;
    readonly pagerDutyEventsUrl: string;
    readonly pagerDutyRoutingKeyParameter: pulumi.Input<string>;
    readonly slackWebhookUrlParameter: pulumi.Input<string>;
    /** Reserved concurrency of the notifier; undefined leaves it unreserved. */
    readonly reservedConcurrency?: number;
}

/**
 * The alarm notifier: a Lambda subscribed to the alarm topic that pages PagerDuty and posts to
 * Slack (handlers/alarm-notifier). SNS invokes Lambda asynchronously, so failures have two exits,
 * both into the notifier's own DLQ, whose depth is alarmed:
 * - the function ran and failed (PagerDuty down, a message that is not an alarm): Lambda retries
 *   twice, then its on-failure destination sends the event with the error to the DLQ;
 * - SNS could not invoke the function at all (permission, deleted function): the subscription's
 *   redrive policy sends the notification to the DLQ.
 * The DLQ's alarm goes to the same topic: besides the notifier (which delivers it once it works
 * again), the topic's e-mail and HTTPS subscribers receive it without depending on the notifier.
 */
export class AlarmNotifier extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly deadLetterQueueArn: pulumi.Output<string>;
    readonly deadLetterQueueUrl: pulumi.Output<string>;
    readonly subscription: aws.sns.TopicSubscription;
    readonly deadLetterQueueDepthAlarm: aws.cloudwatch.MetricAlarm;

    constructor(name: string, args: AlarmNotifierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("escalation:pipeline:AlarmNotifier", name, {}, opts);
        const { names, awsContext, tags } = args;
        const child = { parent: this };
        // Built from the topic's name, not read from `topic.arn`, so policies see it at preview.
        const topicArn = awsContext.snsTopicArn(args.alarmTopic.name);

        this.deadLetterQueue = new aws.sqs.Queue(
            `${name}-dlq`,
            {
                name: names.deadLetterQueue,
                visibilityTimeoutSeconds: DEAD_LETTER_VISIBILITY_TIMEOUT_SECONDS,
                messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
                // Fed by SNS and Lambda, never by an SQS redrive: no queue may name it as its DLQ.
                redriveAllowPolicy: JSON.stringify({ redrivePermission: "denyAll" }),
                ...encryptionAtRest(args.kmsKeyArn),
                tags,
            },
            { ...child, ...statefulOptions(args.dataProtection) },
        );
        this.deadLetterQueueArn = awsContext.sqsQueueArn(this.deadLetterQueue.name);
        this.deadLetterQueueUrl = awsContext.sqsQueueUrl(this.deadLetterQueue.name);
        new aws.sqs.QueuePolicy(
            `${name}-dlq-policy`,
            {
                queueUrl: this.deadLetterQueueUrl,
                policy: pulumi.jsonStringify(
                    pulumi
                        .all([this.deadLetterQueueArn, topicArn])
                        .apply(([queueArn, topic]) => alarmNotifierDeadLetterQueuePolicy(queueArn, topic)),
                ),
            },
            { parent: this.deadLetterQueue },
        );

        const { logGroup, role } = createFunctionLogGroupAndRole(
            name,
            { ...names, logRetentionDays: args.logRetentionDays, awsContext, tags },
            this,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-permissions`,
            {
                name: `${names.function}-permissions`,
                role: role.name,
                policy: pulumi.jsonStringify(
                    pulumi
                        .output({
                            deadLetterQueueArn: this.deadLetterQueueArn,
                            logGroupArn: awsContext.logGroupArn(logGroup.name),
                            parameterArns: [args.pagerDutyRoutingKeyParameter, args.slackWebhookUrlParameter].map((parameter) =>
                                awsContext.ssmParameterArn(parameter),
                            ),
                            kmsKeyArn: args.kmsKeyArn,
                        })
                        .apply(alarmNotifierPolicy),
                ),
            },
            { parent: role },
        );

        const bundle = bundleHandler("alarmNotifier");
        this.function = new aws.lambda.Function(
            `${name}-function`,
            {
                name: names.function,
                ...bundledFunctionCode(bundle),
                role: awsContext.iamRoleArn(role.name),
                timeout: NOTIFIER_TIMEOUT_SECONDS,
                memorySize: NOTIFIER_MEMORY_MB,
                reservedConcurrentExecutions: args.reservedConcurrency,
                tracingConfig: { mode: "Active" },
                loggingConfig: lambdaLoggingConfig(logGroup.name, args.logLevel),
                kmsKeyArn: args.kmsKeyArn,
                environment: {
                    variables: {
                        [HandlerEnvironment.pagerDutyEventsUrl]: args.pagerDutyEventsUrl,
                        [HandlerEnvironment.pagerDutyRoutingKeyParameter]: args.pagerDutyRoutingKeyParameter,
                        [HandlerEnvironment.slackWebhookUrlParameter]: args.slackWebhookUrlParameter,
                        [HandlerEnvironment.alarmRoutes]: JSON.stringify(args.routes),
                        [HandlerEnvironment.serviceName]: names.function,
                        [HandlerEnvironment.logLevel]: args.logLevel,
                        [HandlerEnvironment.handlerVersion]: stampedHandlerVersion(args.handlerVersion, bundle.code),
                        NODE_OPTIONS: "--enable-source-maps",
                    },
                },
                tags,
            },
            { parent: this, dependsOn: [rolePolicy] },
        );

        new aws.lambda.FunctionEventInvokeConfig(
            `${name}-async`,
            {
                functionName: this.function.name,
                maximumRetryAttempts: AlarmNotifierDelivery.maximumRetryAttempts,
                maximumEventAgeInSeconds: AlarmNotifierDelivery.maximumEventAgeSeconds,
                destinationConfig: { onFailure: { destination: this.deadLetterQueueArn } },
            },
            // The role must allow sqs:SendMessage before Lambda accepts the destination.
            { parent: this.function, dependsOn: [rolePolicy] },
        );
        const permission = new aws.lambda.Permission(
            `${name}-invoke`,
            { action: "lambda:InvokeFunction", function: this.function.name, principal: "sns.amazonaws.com", sourceArn: topicArn },
            { parent: this.function },
        );
        this.subscription = new aws.sns.TopicSubscription(
            `${name}-subscription`,
            {
                topic: topicArn,
                protocol: "lambda",
                endpoint: pulumi.interpolate`arn:${awsContext.partition}:lambda:${awsContext.region}:${awsContext.accountId}:function:${this.function.name}`,
                redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: this.deadLetterQueueArn }),
            },
            { parent: this, dependsOn: [permission] },
        );

        this.deadLetterQueueDepthAlarm = new aws.cloudwatch.MetricAlarm(
            `${name}-dlq-depth`,
            {
                name: names.deadLetterQueueDepthAlarm,
                alarmDescription: pulumi.interpolate`Alarm notifications the notifier could not deliver are in ${this.deadLetterQueue.name}: PagerDuty or Slack may not have been told. Pages the on-call.`,
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: this.deadLetterQueue.name },
                statistic: "Maximum",
                period: 60,
                // At once: every message here is an alarm nobody may have seen.
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
                treatMissingData: "notBreaching",
                // As the lanes' alarms: the topic's own output, which carries the dependency on it.
                alarmActions: [args.alarmTopic.arn],
                okActions: [args.alarmTopic.arn],
                tags,
            },
            child,
        );

        this.registerOutputs({ functionName: this.function.name, deadLetterQueueUrl: this.deadLetterQueueUrl });
    }
}
