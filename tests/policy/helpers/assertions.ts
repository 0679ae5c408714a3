// Assertions over the violations a policy reported, printing them all when one is missing.
import * as assert from "node:assert/strict";
import { EnforcementLevel, Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { FakeResource, ReportedViolation, runResourcePolicy, runStackPolicy } from "./args";

export interface ExpectedViolation {
    /** A substring of the message. */
    readonly message: string;
    /** The resource the violation must name, when given. */
    readonly resource?: FakeResource;
    readonly enforcementLevel?: EnforcementLevel;
}

function show(violations: readonly ReportedViolation[]): string {
    return violations.length === 0
        ? "(none)"
        : violations.map((v) => `[${v.enforcementLevel}] ${v.policyName} ${v.urn ?? "-"}: ${v.message}`).join("\n");
}

export function assertNoViolations(violations: readonly ReportedViolation[]): void {
    assert.equal(violations.length, 0, `expected no violations, got:\n${show(violations)}`);
}

export function assertViolation(violations: readonly ReportedViolation[], expected: ExpectedViolation): ReportedViolation {
    const found = violations.find(
        (v) =>
            v.message.includes(expected.message) &&
            (expected.resource === undefined || v.urn === expected.resource.urn) &&
            (expected.enforcementLevel === undefined || v.enforcementLevel === expected.enforcementLevel),
    );
    assert.ok(
        found,
        `expected a violation containing ${JSON.stringify(expected.message)}` +
            `${expected.resource === undefined ? "" : ` on ${expected.resource.urn}`}` +
            `${expected.enforcementLevel === undefined ? "" : ` at level ${expected.enforcementLevel}`}, got:\n${show(violations)}`,
    );
    return found;
}

/**
 * The one violation reported, matching `expected`: a check that also reports something else (a
 * second violation, or a crash the policy server turned into one) fails here.
 */
export function assertOnlyViolation(violations: readonly ReportedViolation[], expected: ExpectedViolation): ReportedViolation {
    const found = assertViolation(violations, expected);
    assert.equal(violations.length, 1, `expected only that violation, got:\n${show(violations)}`);
    return found;
}

function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
    return "validateStack" in policy;
}

/** Runs any policy of the pack over the resources: stack policies once, resource policies per resource. */
export async function runPolicy(
    policy: Policies[number],
    resources: readonly FakeResource[],
    config: Record<string, unknown> = {},
): Promise<ReportedViolation[]> {
    if (isStackPolicy(policy)) {
        return runStackPolicy(policy, resources, config);
    }
    const perResource = await Promise.all(
        resources.map((resource) => runResourcePolicy(policy as ResourceValidationPolicy, resource, config)),
    );
    return perResource.flat();
}
