import { EscalationPipeline, EscalationPipelineArgs } from "../../pipeline";
import { ResourceTypes as PackResourceTypes } from "../../policy/resource-types";
import { MockRunOptions, MockResource, MockStack, runWithMocks } from "./pulumi-mocks";

/**
 * The type tokens the component tests look up: the policy pack's (one list, checked against the
 * @pulumi/aws classes in tests/policy/pack.test.ts), and the few the component creates that no
 * rule reads.
 */
export const ResourceTypes = {
    ...PackResourceTypes,
    topic: "aws:sns/topic:Topic",
    table: "aws:dynamodb/table:Table",
    parameter: "aws:ssm/parameter:Parameter",
    bucket: "aws:s3/bucket:Bucket",
    kmsKey: "aws:kms/key:Key",
    kmsAlias: "aws:kms/alias:Alias",
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
export async function buildPipeline(
    args: EscalationPipelineArgs = {},
    run: MockRunOptions = {},
): Promise<{ stack: MockStack; pipeline: EscalationPipeline }> {
    const { stack, result } = await runWithMocks(() => new EscalationPipeline("main", args), run);
    return { stack, pipeline: result };
}

/** The lane's resource of `type` (lane logical names start "main-escalation" or "main-tool-call"). */
export function laneResource(stack: MockStack, lane: "escalation" | "tool-call", logicalSuffix: string): MockResource {
    return stack.named(`main-${lane}-${logicalSuffix}`);
}
