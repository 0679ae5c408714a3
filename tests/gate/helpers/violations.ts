// Factories for the gate's report tests.
import { AnalysisResult } from "../../../gate/analysis";
import { PolicyViolation } from "../../../gate/diagnostics";

export function aViolation(overrides: Partial<PolicyViolation> = {}): PolicyViolation {
    return {
        policyName: "sqs-queue-has-dlq",
        policyPackName: "escalation-pipeline",
        policyPackVersion: "0.1.0",
        description: "Every SQS queue must have a dead-letter queue.",
        message: "Every SQS queue must have a dead-letter queue.\nSQS queue 'orders' must have a dead-letter queue; found none.",
        enforcementLevel: "mandatory",
        severity: "",
        urn: "urn:pulumi:dev::shop::aws:sqs/queue:Queue::orders",
        ...overrides,
    };
}

export function anAnalysis(violations: readonly PolicyViolation[]): AnalysisResult {
    return {
        pack: { name: "escalation-pipeline", version: "0.1.0", policies: [], initialConfig: {} },
        violations,
        resourceCount: 12,
        analyzeCalls: 12,
        locations: new Map(),
    };
}
