/**
 * Pulumi type tokens of the @pulumi/aws v7 resources the pack reads. Stack policies receive plain
 * resources and compare `type` strings; keeping every token here means a provider rename is a
 * one-line change (tests check each token against the @pulumi/aws class it names).
 */
export const ResourceTypes = {
    queue: "aws:sqs/queue:Queue",
    redrivePolicy: "aws:sqs/redrivePolicy:RedrivePolicy",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
    function: "aws:lambda/function:Function",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    managedPolicy: "aws:iam/policy:Policy",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    rolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    redriveAllowPolicy: "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
    alias: "aws:lambda/alias:Alias",
    functionEventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    permission: "aws:lambda/permission:Permission",
    functionUrl: "aws:lambda/functionUrl:FunctionUrl",
    topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    schedule: "aws:scheduler/schedule:Schedule",
    pipe: "aws:pipes/pipe:Pipe",
} as const;

export type ResourceType = (typeof ResourceTypes)[keyof typeof ResourceTypes];

/** How messages name each kind of resource ("SQS queue 'orders' ..."). */
export const ResourceLabels: Readonly<Record<ResourceType, string>> = {
    [ResourceTypes.queue]: "SQS queue",
    [ResourceTypes.redrivePolicy]: "SQS redrive policy",
    [ResourceTypes.queuePolicy]: "SQS queue policy",
    [ResourceTypes.eventSourceMapping]: "Event source mapping",
    [ResourceTypes.function]: "Lambda function",
    [ResourceTypes.logGroup]: "CloudWatch log group",
    [ResourceTypes.metricAlarm]: "CloudWatch alarm",
    [ResourceTypes.role]: "IAM role",
    [ResourceTypes.rolePolicy]: "IAM role policy",
    [ResourceTypes.rolePolicyAttachment]: "IAM role policy attachment",
    [ResourceTypes.managedPolicy]: "IAM policy",
    [ResourceTypes.policyAttachment]: "IAM policy attachment",
    [ResourceTypes.rolePolicyAttachmentsExclusive]: "IAM exclusive role policy attachments",
    [ResourceTypes.redriveAllowPolicy]: "SQS redrive allow policy",
    [ResourceTypes.alias]: "Lambda alias",
    [ResourceTypes.functionEventInvokeConfig]: "Lambda event invoke config",
    [ResourceTypes.permission]: "Lambda permission",
    [ResourceTypes.functionUrl]: "Lambda function URL",
    [ResourceTypes.topicSubscription]: "SNS subscription",
    [ResourceTypes.eventTarget]: "EventBridge target",
    [ResourceTypes.schedule]: "EventBridge Scheduler schedule",
    [ResourceTypes.pipe]: "EventBridge pipe",
};
