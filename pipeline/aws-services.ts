/**
 * The @pulumi/aws services the pipeline uses, each from its own module, under the names of the
 * package's index (`aws.sqs.Queue`, `aws.getRegionOutput`...): the same classes, so the same type
 * tokens and resources. The index loads all ~250 services' modules on every run of the program
 * (the offline gate's critical path, `npm run gate`); these are the dozen it needs. A service the
 * pipeline starts to use is added here (the type check says so).
 */
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as dynamodb from "@pulumi/aws/dynamodb";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lambda from "@pulumi/aws/lambda";
export * as s3 from "@pulumi/aws/s3";
export * as sns from "@pulumi/aws/sns";
export * as sqs from "@pulumi/aws/sqs";
export * as ssm from "@pulumi/aws/ssm";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { getRegionOutput } from "@pulumi/aws/getRegion";
export type { types } from "@pulumi/aws";
