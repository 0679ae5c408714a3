import * as aws from "./aws-services";
import * as pulumi from "@pulumi/pulumi";
import { HandlerEnvironment } from "../handlers/environment";
import { AlarmNotifier, NOTIFIER_RESERVED_CONCURRENCY } from "./alarm-notifier";
import { AwsContext } from "./aws-context";
import { PipelineConfigError } from "./config-error";
import { ConsumerLane } from "./consumer-lane";
import { pipelineAlarmRoutes } from "./lane-alarms";
import { defaultNamePrefix, pipelineNames, PipelineNames } from "./naming";
import { EncryptionMode, PipelineOptions } from "./options";
import { computePipelineSettings, LaneName, Lanes, PipelineSettings } from "./pipeline-settings";
import { pipelineArgumentProblems } from "./stack-config";
import {
    createAlarmTopic,
    createDlqAuditLogGroup,
    createIdempotencyTable,
    createPayloadBucket,
    createSecretParameter,
    createStackKey,
} from "./shared-resources";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const PACKAGE_VERSION: string = require("../package.json").version;

export interface EscalationPipelineArgs {
    /**
     * Settings of both lanes, alarms and encryption, usually the stack's `pipeline` config object.
     * Validated, with every problem reported at once, before any resource is registered.
     * @default {} (every lane setting at its documented default)
     */
    options?: PipelineOptions;
    /**
     * The config key `options` came from, used in error messages ("'pipeline.escalation.maxReceiveCount' ...").
     * @default "pipeline"
     */
    optionsKey?: string;
    /**
     * Prefix of every physical name: lower case letters, digits and hyphens, at most 41 characters.
     * @default "<project>-<stack>-<component name>"
     */
    namePrefix?: string;
    /**
     * PagerDuty Events v2 routing key (a secret: `pulumi config set --secret pagerdutyRoutingKey`).
     * Stored as an SSM SecureString; when absent, the parameter is expected to exist already.
     * @default undefined
     */
    pagerDutyRoutingKey?: pulumi.Input<string>;
    /**
     * Slack incoming-webhook URL (a secret), stored as an SSM SecureString like the routing key.
     * @default undefined
     */
    slackWebhookUrl?: pulumi.Input<string>;
    /** Tags on every taggable resource. @default {} */
    tags?: Record<string, string>;
}

/**
 * The escalation pipeline: a standard escalation lane (pager) and a FIFO tool-call lane (tool
 * executor), each with its DLQ, reserved-concurrency consumer and alarms, sharing an alarm topic,
 * an idempotency table, a large-payload bucket and the pager's secrets.
 */
export class EscalationPipeline extends pulumi.ComponentResource {
    readonly settings: PipelineSettings;
    readonly names: PipelineNames;
    readonly lanes: Readonly<Record<LaneName, ConsumerLane>>;
    readonly alarmTopic: aws.sns.Topic;
    readonly idempotencyTable: aws.dynamodb.Table;
    readonly payloadBucket: aws.s3.Bucket;
    readonly dlqAuditLogGroup: aws.cloudwatch.LogGroup;
    /** The key the stack created (`encryption: stackKey`); undefined otherwise. */
    readonly key?: aws.kms.Key;
    readonly alarmNotifier: AlarmNotifier;

    constructor(name: string, args: EscalationPipelineArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super(): a bad config must not register even the component itself.
        const namePrefix = args.namePrefix ?? defaultNamePrefix(pulumi.getProject(), pulumi.getStack(), name);
        const problems = pipelineArgumentProblems(args.options, args.optionsKey ?? "pipeline", namePrefix);
        if (problems.length > 0) {
            throw new PipelineConfigError(problems);
        }
        super("escalation:pipeline:EscalationPipeline", name, {}, opts);

        this.settings = computePipelineSettings(args.options);
        this.names = pipelineNames(namePrefix);
        const tags = { "escalation-pipeline": namePrefix, ...args.tags };
        const awsContext = AwsContext.lookup(this);
        const { encryption, dataProtection } = this.settings;
        const base = { parent: this, logicalPrefix: name, tags, dataProtection };
        this.key = encryption.mode === EncryptionMode.stackKey ? createStackKey(base, awsContext, this.names.keyAlias) : undefined;
        const kmsKeyArn = encryption.mode === EncryptionMode.existingKey ? encryption.keyArn : this.key?.arn;
        const shared = { ...base, kmsKeyArn };

        this.alarmTopic = createAlarmTopic(shared, this.names.alarmTopic, this.settings.alarms);
        this.idempotencyTable = createIdempotencyTable(shared, this.names.idempotencyTable);
        this.dlqAuditLogGroup = createDlqAuditLogGroup(shared, this.names.dlqAuditLogGroup);
        this.payloadBucket = createPayloadBucket(
            shared,
            awsContext,
            awsContext.accountId.apply(this.names.payloadBucket),
            this.settings.payloadExpiryDays,
        );
        const routingKey = createSecretParameter(
            shared,
            "pagerduty-routing-key",
            this.names.pagerDutyRoutingKeyParameter,
            args.pagerDutyRoutingKey,
        );
        const slackWebhook = createSecretParameter(shared, "slack-webhook-url", this.names.slackWebhookUrlParameter, args.slackWebhookUrl);

        const lane = (
            laneName: LaneName,
            parameters: ConstructorParameters<typeof ConsumerLane>[1]["parameters"],
            environment: Record<string, pulumi.Input<string>>,
        ) =>
            new ConsumerLane(
                `${name}-${Lanes[laneName].logicalName}`,
                {
                    settings: this.settings.lanes[laneName],
                    names: this.names.lanes[laneName],
                    // Each lane's consumer is named after its lane (pipeline/lanes.ts).
                    handler: laneName,
                    awsContext,
                    alarmTopicArn: this.alarmTopic.arn,
                    idempotencyTableName: this.idempotencyTable.name,
                    payloadBucketName: this.payloadBucket.bucket,
                    parameters,
                    environment,
                    logRetentionDays: this.settings.logRetentionDays,
                    logLevel: this.settings.logLevel,
                    handlerVersion: PACKAGE_VERSION,
                    kmsKeyArn,
                    stackKeyAlias: this.key === undefined ? undefined : this.names.keyAlias,
                    dataProtection,
                    tags,
                },
                { parent: this },
            );

        this.lanes = {
            // Only the pager reads the PagerDuty and Slack secrets.
            escalation: lane(
                "escalation",
                [
                    {
                        variable: HandlerEnvironment.pagerDutyRoutingKeyParameter,
                        name: routingKey?.name ?? this.names.pagerDutyRoutingKeyParameter,
                    },
                    {
                        variable: HandlerEnvironment.slackWebhookUrlParameter,
                        name: slackWebhook?.name ?? this.names.slackWebhookUrlParameter,
                    },
                ],
                { [HandlerEnvironment.pagerDutyEventsUrl]: this.settings.pagerDutyEventsUrl },
            ),
            toolCall: lane("toolCall", [], {}),
        };

        this.alarmNotifier = new AlarmNotifier(
            `${name}-alarm-notifier`,
            {
                names: this.names.alarmNotifier,
                awsContext,
                alarmTopic: this.alarmTopic,
                routes: pipelineAlarmRoutes(this.names, this.settings),
                pagerDutyEventsUrl: this.settings.pagerDutyEventsUrl,
                pagerDutyRoutingKeyParameter: routingKey?.name ?? this.names.pagerDutyRoutingKeyParameter,
                slackWebhookUrlParameter: slackWebhook?.name ?? this.names.slackWebhookUrlParameter,
                logRetentionDays: this.settings.logRetentionDays,
                logLevel: this.settings.logLevel,
                handlerVersion: PACKAGE_VERSION,
                kmsKeyArn,
                reservedConcurrency: Object.values(this.settings.lanes).some((lane) => lane.consumer.reservedConcurrency !== undefined)
                    ? NOTIFIER_RESERVED_CONCURRENCY
                    : undefined,
                dataProtection,
                tags,
            },
            { parent: this },
        );

        this.registerOutputs({
            alarmTopicArn: this.alarmTopic.arn,
            idempotencyTableName: this.idempotencyTable.name,
            payloadBucketName: this.payloadBucket.bucket,
            dlqAuditLogGroupName: this.dlqAuditLogGroup.name,
        });
    }
}
