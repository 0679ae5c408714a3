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
    /** Set when a policy-config exemption covers the violation (the pack then reports it advisory). */
    readonly exemption?: { readonly reason: string; readonly expires: string };
}

// The line policy/exemptions.ts puts in an exempted violation's message.
const exemptionLine = /^Exempted until (\S+): (.*)$/m;

/** The exemption an exempted violation's message names, if any. */
export function exemptionOf(message: string, level: EnforcementLevel): PolicyViolation["exemption"] {
    const match = level === "advisory" ? exemptionLine.exec(message) : null;
    return match ? { expires: match[1], reason: match[2] } : undefined;
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
    const exemption = exemptionOf(diagnostic.getMessage(), level);
    return {
        policyName: diagnostic.getPolicyname(),
        policyPackName: diagnostic.getPolicypackname(),
        policyPackVersion: packVersion ?? diagnostic.getPolicypackversion(),
        description: diagnostic.getDescription(),
        message: diagnostic.getMessage(),
        enforcementLevel: level === "remediate" ? "mandatory" : level,
        severity: severities[diagnostic.getSeverity()] ?? "",
        urn: urn && knownUrns.has(urn) ? urn : fallbackUrn,
        ...(exemption ? { exemption } : {}),
    };
}
