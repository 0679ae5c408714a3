// `--format json`: the verdict and every violation as one JSON document on stdout, each violation
// located at the program file and line where its resource was constructed.
import * as path from "node:path";
import { AnalysisResult } from "./analysis";
import { PolicyViolation } from "./diagnostics";
import { SourcePosition } from "./recorded-stack";
import { countByLevel, hasMandatoryViolation, sortViolations } from "./report";
import { parseUrn } from "./urn";

/** What a machine-readable report says besides the analysis. */
export interface ReportContext {
    readonly programDir: string;
    /** Which policy config was applied and why. */
    readonly policyConfig: string;
    readonly warnings: readonly string[];
}

/** A source position with its file relative to the working directory (how CI names files). */
export function relativeLocation(
    position: SourcePosition | undefined,
    cwd = process.cwd(),
): { file: string; line: number; column: number } | undefined {
    if (position === undefined) {
        return undefined;
    }
    return { file: path.relative(cwd, position.file).split(path.sep).join("/"), line: position.line, column: position.column };
}

function violationJson(v: PolicyViolation, result: AnalysisResult) {
    const { type, name } = parseUrn(v.urn);
    return {
        policy: v.policyName,
        level: v.exemption ? "exempted" : v.enforcementLevel,
        severity: v.severity || undefined,
        resource: { urn: v.urn, type, name },
        location: relativeLocation(result.locations.get(v.urn)),
        message: v.message,
        exemption: v.exemption,
    };
}

export function formatJsonReport(result: AnalysisResult, context: ReportContext): string {
    const counts = countByLevel(result.violations);
    const document = {
        verdict: hasMandatoryViolation(result) ? "failed" : "passed",
        pack: { name: result.pack.name, version: result.pack.version, policies: result.pack.policies.length },
        policyConfig: context.policyConfig,
        summary: { ...counts, resources: result.resourceCount },
        warnings: context.warnings,
        violations: sortViolations(result.violations).map((v) => violationJson(v, result)),
    };
    return `${JSON.stringify(document, null, 2)}\n`;
}
