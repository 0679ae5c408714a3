import * as assert from "node:assert/strict";
import { EscalationPipeline, EscalationPipelineArgs } from "../../pipeline";
import { MockRunOptions, MockResource, MockStack, runWithMocks } from "./pulumi-mocks";

/** The type tokens the component tests look up (tests/helpers/resource-types.ts). */
export { ResourceTypes } from "./resource-types";

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

/** The one resource of a type in the stack; fails, naming the type, when there is none or several. */
export function single(stack: MockStack, type: string): MockResource {
    const found = stack.ofType(type);
    assert.equal(found.length, 1, `expected one ${type}`);
    return found[0];
}
