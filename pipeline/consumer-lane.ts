import * as crypto from "node:crypto";
import * as aws from "./aws-services";
import * as pulumi from "@pulumi/pulumi";
import { BUNDLE_FILE_NAME, bundleHandler, type HandlerBundle, HandlerName } from "./handler-bundle";

import { AwsContext } from "./aws-context";
import { consumerEnvironment } from "./consumer-environment";
import { createLaneAlarms, LaneAlarms } from "./lane-alarms";
import { LaneSettings } from "./lane-settings";
import { LaneNames } from "./naming";
import { DataProtection, LogLevel } from "./options";
import { statefulOptions } from "./shared-resources";
import { consumerPolicy, denyInsecureTransportPolicy, lambdaAssumeRolePolicy, redriveAllowPolicy, redrivePolicy } from "./policy-documents";

/** The Lambda runtime and architecture of every consumer (Graviton is cheaper per ms). */
export const ConsumerRuntime = { runtime: "nodejs22.x", architecture: "arm64" } as const;

/** What every function of the pipeline (the lanes' consumers and the alarm notifier) is deployed with. */
export interface DeployedFunctionArgs {
    readonly awsContext: AwsContext;
    readonly logRetentionDays: number;
    readonly logLevel: LogLevel;
    readonly handlerVersion: string;
    /** The customer-managed key; undefined for AWS-managed encryption. */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** Guards the function's DLQ (and a lane's queue) against a rename, a replacement or `pulumi destroy`. */
    readonly dataProtection: DataProtection;
    readonly tags: Record<string, string>;
}

export interface ConsumerLaneArgs extends DeployedFunctionArgs {
    readonly settings: LaneSettings;
    readonly names: LaneNames;
    readonly handler: HandlerName;
    readonly alarmTopicArn: pulumi.Input<string>;
    readonly idempotencyTableName: pulumi.Input<string>;
    readonly payloadBucketName: pulumi.Input<string>;
    /** Names of the SSM parameters this consumer reads, by the environment variable that carries each name. */
    readonly parameters: ReadonlyArray<{ readonly variable: string; readonly name: pulumi.Input<string> }>;
    /** Extra environment variables (already resolved names from the pipeline). */
    readonly environment: Readonly<Record<string, pulumi.Input<string>>>;
    /** The alias of the key the stack creates, when it does (the role's grant names it, see policy-documents.ts). */
    readonly stackKeyAlias?: string;
}

/**
 * One lane: a queue, its DLQ, a consumer function with its own role and log group, the event
 * source mapping between them, and the lane's alarms. Both the standard escalation lane and the
 * FIFO tool-call lane are this component with different settings.
 */
export class ConsumerLane extends pulumi.ComponentResource {
    readonly queue: aws.sqs.Queue;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly eventSourceMapping: aws.lambda.EventSourceMapping;
    readonly alarms: LaneAlarms;
    /** Known at preview: built from the deterministic name. */
    readonly queueArn: pulumi.Output<string>;
    readonly queueUrl: pulumi.Output<string>;
    readonly deadLetterQueueArn: pulumi.Output<string>;
    readonly deadLetterQueueUrl: pulumi.Output<string>;

    constructor(name: string, args: ConsumerLaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("escalation:pipeline:ConsumerLane", name, {}, opts);
        const { settings, names, awsContext, tags } = args;
        const child = { parent: this };
        // Queues hold messages nobody else has: a rename or destroy must not take them along.
        const stateful = { ...child, ...statefulOptions(args.dataProtection) };

        // The DLQ admits redrive only from its source; the source's ARN is built from its name,
        // so the DLQ does not wait on the source queue and no cycle forms.
        this.deadLetterQueue = new aws.sqs.Queue(
            `${name}-dlq`,
            {
                ...laneQueueArgs(names.deadLetterQueue, settings.deadLetterQueue, args.kmsKeyArn, tags),
                redriveAllowPolicy: pulumi.jsonStringify(awsContext.sqsQueueArn(names.queue).apply(redriveAllowPolicy)),
            },
            stateful,
        );
        this.deadLetterQueueArn = awsContext.sqsQueueArn(this.deadLetterQueue.name);
        this.deadLetterQueueUrl = awsContext.sqsQueueUrl(this.deadLetterQueue.name);

        this.queue = new aws.sqs.Queue(
            `${name}-queue`,
            {
                // Its visibility is 6 x function timeout + batching window (see lane-settings.ts).
                ...laneQueueArgs(names.queue, settings.queue, args.kmsKeyArn, tags),
                contentBasedDeduplication: settings.queue.contentBasedDeduplication,
                deduplicationScope: settings.queue.deduplicationScope,
                fifoThroughputLimit: settings.queue.fifoThroughputLimit,
                receiveWaitTimeSeconds: settings.queue.receiveWaitTimeSeconds,
                redrivePolicy: pulumi.jsonStringify(
                    this.deadLetterQueueArn.apply((arn) => redrivePolicy(arn, settings.deadLetterQueue.maxReceiveCount)),
                ),
            },
            stateful,
        );
        this.queueArn = awsContext.sqsQueueArn(this.queue.name);
        this.queueUrl = awsContext.sqsQueueUrl(this.queue.name);

        for (const [suffix, queue, arn] of [
            ["queue", this.queue, this.queueArn],
            ["dlq", this.deadLetterQueue, this.deadLetterQueueArn],
        ] as const) {
            new aws.sqs.QueuePolicy(
                `${name}-${suffix}-tls-only`,
                {
                    queueUrl: awsContext.sqsQueueUrl(queue.name),
                    policy: pulumi.jsonStringify(arn.apply((a) => denyInsecureTransportPolicy("sqs", [a]))),
                },
                { parent: queue },
            );
        }

        const { logGroup, role } = createFunctionLogGroupAndRole(
            name,
            { ...names, logRetentionDays: args.logRetentionDays, awsContext, tags },
            this,
        );
        this.role = role;
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-permissions`,
            {
                name: names.rolePolicy,
                role: this.role.name,
                policy: pulumi.jsonStringify(
                    pulumi
                        .output({
                            queueArn: this.queueArn,
                            deadLetterQueueArn: this.deadLetterQueueArn,
                            idempotencyTableArn: awsContext.dynamoDbTableArn(args.idempotencyTableName),
                            logGroupArn: awsContext.logGroupArn(logGroup.name),
                            payloadBucketArn: awsContext.s3BucketArn(args.payloadBucketName),
                            parameterArns: args.parameters.map((parameter) => awsContext.ssmParameterArn(parameter.name)),
                            // The stack key's ARN would make the whole document unknown at preview.
                            kmsKeyArn: args.stackKeyAlias === undefined ? args.kmsKeyArn : undefined,
                            stackKey:
                                args.stackKeyAlias === undefined
                                    ? undefined
                                    : { alias: args.stackKeyAlias, keyArnPattern: awsContext.kmsKeyArnPattern() },
                        })
                        .apply(consumerPolicy),
                ),
            },
            { parent: this.role },
        );

        const bundle = bundleHandler(args.handler);
        this.function = new aws.lambda.Function(
            `${name}-consumer`,
            {
                name: names.function,
                ...bundledFunctionCode(bundle),
                role: awsContext.iamRoleArn(this.role.name),
                timeout: settings.consumer.timeoutSeconds,
                memorySize: settings.consumer.memorySizeMb,
                reservedConcurrentExecutions: settings.consumer.reservedConcurrency,
                tracingConfig: { mode: "Active" },
                loggingConfig: lambdaLoggingConfig(logGroup.name, args.logLevel),
                kmsKeyArn: args.kmsKeyArn,
                environment: { variables: deployedEnvironment(args, this.queueUrl, this.deadLetterQueueUrl, bundle.code) },
                tags,
            },
            // The role's permissions must exist before Lambda validates the event source mapping.
            { parent: this, dependsOn: [rolePolicy] },
        );

        this.eventSourceMapping = new aws.lambda.EventSourceMapping(
            `${name}-mapping`,
            {
                eventSourceArn: this.queueArn,
                functionName: this.function.name,
                batchSize: settings.mapping.batchSize,
                maximumBatchingWindowInSeconds: settings.mapping.maximumBatchingWindowSeconds,
                // Only the failed items come back; the rest of the batch is deleted.
                functionResponseTypes: ["ReportBatchItemFailures"],
                // AWS takes one or the other: a standard-mode cap, or provisioned pollers (lane-settings.ts validates).
                ...(settings.mapping.provisionedPollers !== undefined
                    ? { provisionedPollerConfig: { ...settings.mapping.provisionedPollers } }
                    : { scalingConfig: { maximumConcurrency: settings.mapping.maximumConcurrency } }),
            },
            child,
        );

        this.alarms = createLaneAlarms(
            {
                logicalPrefix: name,
                names,
                queueName: this.queue.name,
                deadLetterQueueName: this.deadLetterQueue.name,
                functionName: this.function.name,
                settings,
                alarmTopicArn: args.alarmTopicArn,
                tags,
            },
            this,
        );

        this.registerOutputs({
            queueArn: this.queueArn,
            queueUrl: this.queueUrl,
            deadLetterQueueArn: this.deadLetterQueueArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            functionName: this.function.name,
        });
    }
}

/**
 * Lambda's own filter on JSON logs follows the configured level. Without `applicationLogLevel`
 * Lambda drops JSON lines below INFO, and Powertools defers to `AWS_LAMBDA_LOG_LEVEL`, so a DEBUG
 * stack would log no DEBUG line. Platform (system) logs have no ERROR level: WARN is the closest.
 */
export function lambdaLoggingConfig(logGroup: pulumi.Input<string>, logLevel: LogLevel): aws.types.input.lambda.FunctionLoggingConfig {
    return { logFormat: "JSON", logGroup, applicationLogLevel: logLevel, systemLogLevel: logLevel === "ERROR" ? "WARN" : logLevel };
}

/** The function's runtime, architecture, handler and code: the bundle of one of the entry points in handler-bundle.ts. */
export function bundledFunctionCode(
    bundle: HandlerBundle,
): Pick<aws.lambda.FunctionArgs, "runtime" | "architectures" | "handler" | "code"> {
    return {
        runtime: ConsumerRuntime.runtime,
        architectures: [ConsumerRuntime.architecture],
        handler: `${BUNDLE_FILE_NAME.replace(/\.js$/, "")}.handler`,
        code: new pulumi.asset.AssetArchive(
            Object.fromEntries(Object.entries(bundle.files).map(([file, text]) => [file, new pulumi.asset.StringAsset(text)])),
        ),
    };
}

/** The version a function stamps on its dead letters: the configured one and the bundle's code hash, which tells which build sent it. */
export function stampedHandlerVersion(handlerVersion: string, code: string): string {
    return `${handlerVersion}+${crypto.createHash("sha256").update(code).digest("hex").slice(0, 12)}`;
}

/** What a function's log group and role are built from. */
export interface FunctionLogGroupAndRoleArgs {
    /** The function's name, which its role shares (different namespaces, and one name is easier to trace). */
    readonly function: string;
    readonly logGroup: string;
    readonly logRetentionDays: number;
    readonly awsContext: AwsContext;
    readonly tags: Record<string, string>;
}

/** A function's own log group (with its retention) and its role, which only Lambda may assume; children of `parent`. */
export function createFunctionLogGroupAndRole(
    logicalPrefix: string,
    args: FunctionLogGroupAndRoleArgs,
    parent: pulumi.Resource,
): { readonly logGroup: aws.cloudwatch.LogGroup; readonly role: aws.iam.Role } {
    const { awsContext, tags } = args;
    const logGroup = new aws.cloudwatch.LogGroup(
        `${logicalPrefix}-logs`,
        { name: args.logGroup, retentionInDays: args.logRetentionDays, tags },
        { parent },
    );
    const role = new aws.iam.Role(
        `${logicalPrefix}-role`,
        { name: args.function, assumeRolePolicy: pulumi.jsonStringify(awsContext.accountId.apply(lambdaAssumeRolePolicy)), tags },
        { parent },
    );
    return { logGroup, role };
}

/** What a lane's queue and its DLQ are both created with: name, type, timing, size, encryption at rest, tags. */
function laneQueueArgs(
    name: string,
    queue: LaneSettings["queue"] | LaneSettings["deadLetterQueue"],
    kmsKeyArn: pulumi.Input<string> | undefined,
    tags: Record<string, string>,
): aws.sqs.QueueArgs {
    return {
        name,
        fifoQueue: queue.fifo || undefined,
        visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
        messageRetentionSeconds: queue.messageRetentionSeconds,
        maxMessageSize: queue.maximumMessageSizeBytes,
        ...encryptionAtRest(kmsKeyArn),
        tags,
    };
}

/** SQS-managed encryption by default; a customer key when one is configured. */
export function encryptionAtRest(
    kmsKeyArn: pulumi.Input<string> | undefined,
): Pick<aws.sqs.QueueArgs, "sqsManagedSseEnabled" | "kmsMasterKeyId"> {
    return kmsKeyArn !== undefined ? { kmsMasterKeyId: kmsKeyArn } : { sqsManagedSseEnabled: true };
}

function deployedEnvironment(
    args: ConsumerLaneArgs,
    queueUrl: pulumi.Output<string>,
    deadLetterQueueUrl: pulumi.Output<string>,
    code: string,
): Record<string, pulumi.Input<string>> {
    return {
        ...args.environment,
        ...Object.fromEntries(args.parameters.map((parameter) => [parameter.variable, parameter.name])),
        ...consumerEnvironment<pulumi.Input<string>>({
            settings: args.settings,
            functionName: args.names.function,
            logLevel: args.logLevel,
            // The code hash tells which build dead-lettered a message.
            handlerVersion: stampedHandlerVersion(args.handlerVersion, code),
            queueUrl,
            deadLetterQueueUrl,
            idempotencyTableName: args.idempotencyTableName,
            payloadBucketName: args.payloadBucketName,
        }),
        NODE_OPTIONS: "--enable-source-maps",
    };
}
