import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./aws-context";
import { denyInsecureTransportPolicy } from "./policy-documents";

/** Attribute names Powertools Idempotency uses by default, so the handlers need no mapping. */
export const IdempotencyAttributes = { key: "id", expiry: "expiration" } as const;

export interface SharedResourceContext {
    readonly parent: pulumi.Resource;
    /** Logical-name prefix for children (the component's name). */
    readonly logicalPrefix: string;
    readonly tags: Record<string, string>;
    readonly kmsKeyArn?: string;
}

/** On-demand idempotency table with TTL (records expire by themselves) and point-in-time recovery. */
export function createIdempotencyTable(ctx: SharedResourceContext, tableName: string): aws.dynamodb.Table {
    return new aws.dynamodb.Table(
        `${ctx.logicalPrefix}-idempotency`,
        {
            name: tableName,
            billingMode: "PAY_PER_REQUEST",
            hashKey: IdempotencyAttributes.key,
            attributes: [{ name: IdempotencyAttributes.key, type: "S" }],
            ttl: { attributeName: IdempotencyAttributes.expiry, enabled: true },
            pointInTimeRecovery: { enabled: true },
            serverSideEncryption: ctx.kmsKeyArn !== undefined ? { enabled: true, kmsKeyArn: ctx.kmsKeyArn } : undefined,
            tags: ctx.tags,
        },
        { parent: ctx.parent },
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
    endpoints.emailEndpoints.forEach((endpoint, index) => {
        new aws.sns.TopicSubscription(`${ctx.logicalPrefix}-alarms-email-${index}`, { topic: topic.arn, protocol: "email", endpoint }, { parent: topic });
    });
    endpoints.httpsEndpoints.forEach((endpoint, index) => {
        new aws.sns.TopicSubscription(
            `${ctx.logicalPrefix}-alarms-https-${index}`,
            // PagerDuty's CloudWatch integration confirms the subscription by itself.
            { topic: topic.arn, protocol: "https", endpoint, endpointAutoConfirms: true },
            { parent: topic },
        );
    });
    return topic;
}

/** An audit trail must outlive the messages it speaks of (DLQ retention: 14 days); a year is the usual audit horizon. */
export const DLQ_AUDIT_RETENTION_DAYS = 365;

/** Where the DLQ tools (CLI and triage console) record every replay, edit, delete and purge. */
export function createDlqAuditLogGroup(ctx: SharedResourceContext, logGroupName: string): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(`${ctx.logicalPrefix}-dlq-audit`, { name: logGroupName, retentionInDays: DLQ_AUDIT_RETENTION_DAYS, tags: ctx.tags }, { parent: ctx.parent });
}

/**
 * Bucket for payloads too large for an SQS message (the extended-client pattern): private,
 * encrypted, TLS-only, and objects expire a day after the longest a message can live in the DLQ.
 */
export function createPayloadBucket(ctx: SharedResourceContext, awsContext: AwsContext, bucketName: pulumi.Input<string>, expireAfterDays: number): aws.s3.Bucket {
    const opts = { parent: ctx.parent };
    const bucket = new aws.s3.Bucket(`${ctx.logicalPrefix}-payloads`, { bucket: bucketName, tags: ctx.tags }, opts);
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
                        ctx.kmsKeyArn !== undefined ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: ctx.kmsKeyArn } : { sseAlgorithm: "AES256" },
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
        { bucket: bucket.bucket, policy: pulumi.jsonStringify(bucketArn.apply((arn) => denyInsecureTransportPolicy("s3", [arn, `${arn}/*`]))) },
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
        pulumi.log.info(`SSM parameter '${parameterName}' is not in stack config; the consumer will read it as managed outside this stack.`, ctx.parent);
        return undefined;
    }
    return new aws.ssm.Parameter(
        `${ctx.logicalPrefix}-${logicalName}`,
        { name: parameterName, type: "SecureString", value: pulumi.secret(value), keyId: ctx.kmsKeyArn, tags: ctx.tags },
        { parent: ctx.parent },
    );
}
