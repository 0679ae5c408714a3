import * as aws from "./aws-services";
import * as pulumi from "@pulumi/pulumi";

/**
 * Partition, region and account, looked up with invokes (which run during `pulumi preview`), and
 * the ARNs and URLs built from them. Building ARNs from deterministic names instead of reading
 * `resource.arn` keeps them known at preview, so the policy pack can evaluate them on a brand-new
 * stack. Pass the name as an output of the resource that owns it (e.g. `queue.name`) so the ARN
 * still carries the dependency on that resource.
 */
export class AwsContext {
    private constructor(
        readonly partition: pulumi.Output<string>,
        readonly region: pulumi.Output<string>,
        readonly accountId: pulumi.Output<string>,
        readonly dnsSuffix: pulumi.Output<string>,
    ) {}

    static lookup(parent: pulumi.Resource): AwsContext {
        const opts = { parent };
        const partition = aws.getPartitionOutput({}, opts);
        return new AwsContext(
            partition.partition,
            aws.getRegionOutput({}, opts).region,
            aws.getCallerIdentityOutput({}, opts).accountId,
            partition.dnsSuffix,
        );
    }

    private arn(service: string, resource: pulumi.Input<string>, options: { regional: boolean; account: boolean }) {
        const region = options.regional ? this.region : "";
        const account = options.account ? this.accountId : "";
        return pulumi.interpolate`arn:${this.partition}:${service}:${region}:${account}:${resource}`;
    }

    sqsQueueArn(queueName: pulumi.Input<string>) {
        return this.arn("sqs", queueName, { regional: true, account: true });
    }

    /** The URL form SQS returns for a queue: https://sqs.<region>.<dns suffix>/<account>/<name>. */
    sqsQueueUrl(queueName: pulumi.Input<string>) {
        return pulumi.interpolate`https://sqs.${this.region}.${this.dnsSuffix}/${this.accountId}/${queueName}`;
    }

    iamRoleArn(roleName: pulumi.Input<string>) {
        return this.arn("iam", pulumi.interpolate`role/${roleName}`, { regional: false, account: true });
    }

    dynamoDbTableArn(tableName: pulumi.Input<string>) {
        return this.arn("dynamodb", pulumi.interpolate`table/${tableName}`, { regional: true, account: true });
    }

    logGroupArn(logGroupName: pulumi.Input<string>) {
        return this.arn("logs", pulumi.interpolate`log-group:${logGroupName}`, { regional: true, account: true });
    }

    /** Parameter names start with "/", which the ARN keeps: ...:parameter/prefix/name. */
    ssmParameterArn(parameterName: pulumi.Input<string>) {
        return this.arn("ssm", pulumi.interpolate`parameter${parameterName}`, { regional: true, account: true });
    }

    s3BucketArn(bucketName: pulumi.Input<string>) {
        return this.arn("s3", bucketName, { regional: false, account: false });
    }

    /** Every key of this account and region: narrowed by a condition where it is used. */
    kmsKeyArnPattern() {
        return this.arn("kms", "key/*", { regional: true, account: true });
    }

    snsTopicArn(topicName: pulumi.Input<string>) {
        return this.arn("sns", topicName, { regional: true, account: true });
    }
}
