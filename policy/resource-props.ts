import type * as aws from "@pulumi/aws";
import { PolicyResource } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";

/**
 * Typed views of resource properties. Stack policies get outputs (the provider's State: inputs
 * plus computed values), resource policies get inputs; both use the same property names, so the
 * @pulumi/aws State types catch a misspelt property (`visibilityTimeout`) at compile time.
 * Only types are imported: nothing of @pulumi/aws loads at runtime from here.
 */
export type QueueProps = Unwrap<aws.sqs.QueueState>;
export type RedrivePolicyProps = Unwrap<aws.sqs.RedrivePolicyState>;
export type QueuePolicyProps = Unwrap<aws.sqs.QueuePolicyState>;
export type EventSourceMappingProps = Unwrap<aws.lambda.EventSourceMappingState>;
export type FunctionProps = Unwrap<aws.lambda.FunctionState>;
export type LogGroupProps = Unwrap<aws.cloudwatch.LogGroupState>;
export type MetricAlarmProps = Unwrap<aws.cloudwatch.MetricAlarmState>;
export type RoleProps = Unwrap<aws.iam.RoleState>;
export type RolePolicyProps = Unwrap<aws.iam.RolePolicyState>;
export type RolePolicyAttachmentProps = Unwrap<aws.iam.RolePolicyAttachmentState>;
export type ManagedPolicyProps = Unwrap<aws.iam.PolicyState>;
export type PolicyAttachmentProps = Unwrap<aws.iam.PolicyAttachmentState>;
export type RolePolicyAttachmentsExclusiveProps = Unwrap<aws.iam.RolePolicyAttachmentsExclusiveState>;
export type RedriveAllowPolicyProps = Unwrap<aws.sqs.RedriveAllowPolicyState>;
export type AliasProps = Unwrap<aws.lambda.AliasState>;
export type FunctionEventInvokeConfigProps = Unwrap<aws.lambda.FunctionEventInvokeConfigState>;
export type PermissionProps = Unwrap<aws.lambda.PermissionState>;
export type FunctionUrlProps = Unwrap<aws.lambda.FunctionUrlState>;
export type TopicSubscriptionProps = Unwrap<aws.sns.TopicSubscriptionState>;
export type EventTargetProps = Unwrap<aws.cloudwatch.EventTargetState>;
export type ScheduleProps = Unwrap<aws.scheduler.ScheduleState>;
export type PipeProps = Unwrap<aws.pipes.PipeState>;

/** The resource's properties seen as `T`; reads still go through the unknown-checking proxy. */
export function propsOf<T>(resource: PolicyResource): T {
    return resource.props as T;
}
