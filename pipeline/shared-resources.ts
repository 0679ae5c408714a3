import * as aws from "./aws-services";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "node:crypto";
import { IdempotencyTableSchema } from "../handlers/environment";
import { AwsContext } from "./aws-context";
import { confirmsSubscriptionItself } from "./endpoints";
import { stackKeyPolicy } from "./key-policy";
import { DataProtection } from "./options";
import { denyInsecureTransportPolicy } from "./policy-documents";

export interface SharedResourceContext {
    readonly parent: pulumi.Resource;
    /** Logical-name prefix for children (the component's name). */
    readonly logicalPrefix: string;
    readonly tags: Record<string, string>;
    /** The customer-managed key (created by the stack or existing); undefined for AWS-managed encryption. */
    readonly kmsKeyArn?: pulumi.Input<string>;
    readonly dataProtection: DataProtection;
}

/**
 * The resource options that keep a stateful resource (and what is in it) through a rename,
 * a replacement or `pulumi destroy`, per `dataProtection`.
 */
export function statefulOptions(dataProtection: DataProtection): pulumi.CustomResourceOptions {
    switch (dataProtection) {
        case DataProtection.protect:
            return { protect: true };
        case DataProtection.retainOnDelete:
            return { retainOnDelete: true };
        default:
            return {};
    }
}

/**
 * The stack's own customer-managed key, with rotation on, a 30-day deletion window, and a key
 * policy that admits exactly the services that use it; its alias is `alias/<prefix>`.
 */
export function createStackKey(ctx: SharedResourceContext, awsContext: AwsContext, aliasName: string): aws.kms.Key {
    const key = new aws.kms.Key(
        `${ctx.logicalPrefix}-key`,
        {
            description: `Escalation pipeline ${aliasName.replace(/^alias\//, "")}: queues, topic, table, parameters, payloads, function environment`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: pulumi.jsonStringify(
                pulumi
                    .all([awsContext.partition, awsContext.accountId, awsContext.region, awsContext.dnsSuffix])
                    .apply(([partition, accountId, region, dnsSuffix]) => stackKeyPolicy({ partition, accountId, region, dnsSuffix })),
            ),
            tags: ctx.tags,
        },
        // Deleting the key would make every message, record and payload encrypted with it unreadable.
        { parent: ctx.parent, ...statefulOptions(ctx.dataProtection) },
    );
    new aws.kms.Alias(`${ctx.logicalPrefix}-key`, { name: aliasName, targetKeyId: key.keyId }, { parent: key });
    return key;
}
/** On-demand idempotency table with TTL (records expire by themselves) and point-in-time recovery. */
export function createIdempotencyTable(ctx: SharedResourceContext, tableName: string): aws.dynamodb.Table {
    return new aws.dynamodb.Table(
        `${ctx.logicalPrefix}-idempotency`,
        {
            name: tableName,
            billingMode: "PAY_PER_REQUEST",
            hashKey: IdempotencyTableSchema.partitionKey,
            attributes: [{ name: IdempotencyTableSchema.partitionKey, type: "S" }],
            ttl: { attributeName: IdempotencyTableSchema.timeToLiveAttribute, enabled: true },
            pointInTimeRecovery: { enabled: true },
            serverSideEncryption: ctx.kmsKeyArn !== undefined ? { enabled: true, kmsKeyArn: ctx.kmsKeyArn } : undefined,
            // DynamoDB's own guard, on top of Pulumi's: a table with live records is deleted only on purpose.
            deletionProtectionEnabled: ctx.dataProtection !== DataProtection.none,
            tags: ctx.tags,
        },
        { parent: ctx.parent, ...statefulOptions(ctx.dataProtection) },
    );
}

/**
 * The alarm topic. It is not encrypted with the AWS-managed SNS key on purpose: CloudWatch alarms
 * cannot publish to a topic under that key. With a customer key (whose policy admits CloudWatch) it is.
 */
export function createAlarmTopic(
    ctx: SharedResourceContext,
    topicName: string,
    endpoints: { emailEndpoints: readonly string[]; httpsEndpoints: readonly string[] },
): aws.sns.Topic {
    const topic = new aws.sns.Topic(
        `${ctx.logicalPrefix}-alarms`,
        { name: topicName, kmsMasterKeyId: ctx.kmsKeyArn, tags: ctx.tags },
        { parent: ctx.parent },
    );
    for (const endpoint of endpoints.emailEndpoints) {
        new aws.sns.TopicSubscription(
            subscriptionLogicalName(ctx, "email", endpoint),
            { topic: topic.arn, protocol: "email", endpoint },
            { parent: topic },
        );
    }
    for (const endpoint of endpoints.httpsEndpoints) {
        new aws.sns.TopicSubscription(
            subscriptionLogicalName(ctx, "https", endpoint),
            // Only an endpoint that confirms by itself (PagerDuty) is waited for; see endpoints.ts.
            { topic: topic.arn, protocol: "https", endpoint, endpointAutoConfirms: confirmsSubscriptionItself(endpoint) || undefined },
            { parent: topic },
        );
    }
    return topic;
}

/** An audit trail must outlive the messages it speaks of (DLQ retention: 14 days); a year is the usual audit horizon. */
export const DLQ_AUDIT_RETENTION_DAYS = 365;

/** Where the DLQ tools (CLI and triage console) record every replay, edit, delete and purge. */
export function createDlqAuditLogGroup(ctx: SharedResourceContext, logGroupName: string): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        `${ctx.logicalPrefix}-dlq-audit`,
        { name: logGroupName, retentionInDays: DLQ_AUDIT_RETENTION_DAYS, tags: ctx.tags },
        { parent: ctx.parent },
    );
}

/**
 * A subscription's logical name comes from its endpoint, not its place in the list: removing one
 * endpoint then leaves the others alone (no replacement, no fresh confirmation e-mails). A hash,
 * because an HTTPS endpoint's path often is an integration key that does not belong in a URN.
 */
export function subscriptionLogicalName(
    ctx: Pick<SharedResourceContext, "logicalPrefix">,
    protocol: "email" | "https",
    endpoint: string,
): string {
    const digest = crypto.createHash("sha256").update(endpoint).digest("hex").slice(0, 12);
    return `${ctx.logicalPrefix}-alarms-${protocol}-${digest}`;
}

/**
 * Bucket for payloads too large for an SQS message (the extended-client pattern): private,
 * encrypted, TLS-only, and objects expire when no message can point at them any more
 * (`payloadExpiryDays`).
 */
export function createPayloadBucket(
    ctx: SharedResourceContext,
    awsContext: AwsContext,
    bucketName: pulumi.Input<string>,
    expireAfterDays: number,
): aws.s3.Bucket {
    const bucket = new aws.s3.Bucket(
        `${ctx.logicalPrefix}-payloads`,
        // Only a disposable stack (dataProtection none) may delete the bucket with objects still in it.
        { bucket: bucketName, forceDestroy: ctx.dataProtection === DataProtection.none || undefined, tags: ctx.tags },
        { parent: ctx.parent, ...statefulOptions(ctx.dataProtection) },
    );
    const childOpts = { parent: bucket };
    new aws.s3.BucketPublicAccessBlock(
        `${ctx.logicalPrefix}-payloads`,
        { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        childOpts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${ctx.logicalPrefix}-payloads`,
        {
            bucket: bucket.bucket,
            rules: [
                {
                    applyServerSideEncryptionByDefault:
                        ctx.kmsKeyArn !== undefined
                            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: ctx.kmsKeyArn }
                            : { sseAlgorithm: "AES256" },
                    bucketKeyEnabled: ctx.kmsKeyArn !== undefined,
                },
            ],
        },
        childOpts,
    );
    new aws.s3.BucketLifecycleConfiguration(
        `${ctx.logicalPrefix}-payloads`,
        { bucket: bucket.bucket, rules: [{ id: "expire-payloads", status: "Enabled", filter: {}, expiration: { days: expireAfterDays } }] },
        childOpts,
    );
    const bucketArn = awsContext.s3BucketArn(bucket.bucket);
    new aws.s3.BucketPolicy(
        `${ctx.logicalPrefix}-payloads`,
        {
            bucket: bucket.bucket,
            policy: pulumi.jsonStringify(bucketArn.apply((arn) => denyInsecureTransportPolicy("s3", [arn, `${arn}/*`]))),
        },
        childOpts,
    );
    return bucket;
}

/**
 * A SecureString holding a secret from stack config. When the secret is not in config, the
 * parameter is expected to be managed outside Pulumi under the same name (rotation by another
 * team is common), and only the read permission is granted.
 */
export function createSecretParameter(
    ctx: SharedResourceContext,
    logicalName: string,
    parameterName: string,
    value: pulumi.Input<string> | undefined,
): aws.ssm.Parameter | undefined {
    if (value === undefined) {
        pulumi.log.info(
            `SSM parameter '${parameterName}' is not in stack config; the consumer will read it as managed outside this stack.`,
            ctx.parent,
        );
        return undefined;
    }
    return new aws.ssm.Parameter(
        `${ctx.logicalPrefix}-${logicalName}`,
        { name: parameterName, type: "SecureString", value: pulumi.secret(value), keyId: ctx.kmsKeyArn, tags: ctx.tags },
        { parent: ctx.parent },
    );
}
