// Policy violations as the gate reports them, converted from the Analyzer protocol's messages.
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { EnforcementLevel } from "./policy-config";

export const severities = ["", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof severities)[number];

export interface PolicyViolation {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly policyPackVersion: string;
    readonly description: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
    /** "" when the policy set none. */
    readonly severity: Severity;
    /** The resource the violation is about (the root stack for stack-wide ones). */
    readonly urn: string;
}

const levelByProto: Readonly<Record<number, EnforcementLevel>> = {
    [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerproto.EnforcementLevel.DISABLED]: "disabled",
    [analyzerproto.EnforcementLevel.REMEDIATE]: "remediate",
};

const protoByLevel: Readonly<Record<EnforcementLevel, analyzerproto.EnforcementLevel>> = {
    advisory: analyzerproto.EnforcementLevel.ADVISORY,
    mandatory: analyzerproto.EnforcementLevel.MANDATORY,
    disabled: analyzerproto.EnforcementLevel.DISABLED,
    remediate: analyzerproto.EnforcementLevel.REMEDIATE,
};

export function levelFromProto(level: analyzerproto.EnforcementLevel): EnforcementLevel {
    const mapped = levelByProto[level];
    if (mapped === undefined) {
        throw new Error(`unknown enforcement level ${level} from the policy pack`);
    }
    return mapped;
}

export function levelToProto(level: EnforcementLevel): analyzerproto.EnforcementLevel {
    return protoByLevel[level];
}

/**
 * `urn` is where the engine files the violation: the pack's own URN if it names a resource of the
 * stack, else `fallbackUrn` (the analysed resource, or the root stack for AnalyzeStack). A
 * remediate-level violation counts as mandatory, as in the engine.
 */
export function violationFromProto(
    diagnostic: analyzerproto.AnalyzeDiagnostic,
    fallbackUrn: string,
    knownUrns: ReadonlySet<string>,
    packVersion: string | undefined,
): PolicyViolation {
    const level = levelFromProto(diagnostic.getEnforcementlevel());
    const urn = diagnostic.getUrn();
    return {
        policyName: diagnostic.getPolicyname(),
        policyPackName: diagnostic.getPolicypackname(),
        policyPackVersion: packVersion ?? diagnostic.getPolicypackversion(),
        description: diagnostic.getDescription(),
        message: diagnostic.getMessage(),
        enforcementLevel: level === "remediate" ? "mandatory" : level,
        severity: severities[diagnostic.getSeverity()] ?? "",
        urn: urn && knownUrns.has(urn) ? urn : fallbackUrn,
    };
}
