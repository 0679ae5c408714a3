import { EscalationPipeline, EscalationPipelineArgs } from "../../pipeline";
import { MockRunOptions, RecordedResource, RecordedStack, runWithMocks } from "./pulumi-mocks";

export const ResourceTypes = {
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    function: "aws:lambda/function:Function",
    eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    table: "aws:dynamodb/table:Table",
    parameter: "aws:ssm/parameter:Parameter",
    bucket: "aws:s3/bucket:Bucket",
    kmsKey: "aws:kms/key:Key",
    kmsAlias: "aws:kms/alias:Alias",
    functionEventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    permission: "aws:lambda/permission:Permission",
} as const;

/**
 * Alarm endpoints for tests: not on a documentation domain (validation refuses those), and never
 * contacted (mocks register subscriptions, nothing sends).
 */
export const TestAlarmEndpoints = {
    email: "oncall@alerts.escalation-pipeline.dev",
    otherEmail: "platform@alerts.escalation-pipeline.dev",
    pagerDuty: "https://events.pagerduty.com/integration/abc/enqueue",
    webhook: "https://hooks.alerts.escalation-pipeline.dev/sns",
} as const;

/** Builds one pipeline named "main" under mocks and returns what it registered. */
export async function buildPipeline(args: EscalationPipelineArgs = {}, run: MockRunOptions = {}): Promise<{ stack: RecordedStack; pipeline: EscalationPipeline }> {
    const { stack, result } = await runWithMocks(() => new EscalationPipeline("main", args), run);
    return { stack, pipeline: result };
}

/** Every resource of `type` that belongs to a lane (not the shared ones or the alarm notifier). */
export function laneResources(stack: RecordedStack, type: string): RecordedResource[] {
    return stack.ofType(type).filter((resource) => /^main-(escalation|tool-call)-/.test(resource.name));
}

/** The lane's resource of `type` (lane logical names start "main-escalation" or "main-tool-call"). */
export function laneResource(stack: RecordedStack, lane: "escalation" | "tool-call", logicalSuffix: string): RecordedResource {
    return stack.named(`main-${lane}-${logicalSuffix}`);
}
