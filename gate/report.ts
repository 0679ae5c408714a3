// Prints violations the way `pulumi preview` lists them (level, pack, policy, resource, message,
// URN), sorted as the CLI sorts them, then a one-line summary and the verdict.
import { AnalysisResult } from "./analysis";
import { PolicyViolation, Severity } from "./diagnostics";
import { parseUrn } from "./urn";

const levelRank: Readonly<Record<string, number>> = { mandatory: 0, remediate: 0, advisory: 1, disabled: 2 };
const rankOf = (v: PolicyViolation): number => levelRank[v.enforcementLevel] + (v.exemption ? 0.5 : 0);
const severityRank: Readonly<Record<Severity, number>> = { "critical": 0, "high": 1, "medium": 2, "low": 3, "": 4 };

/** Mandatory first, then by severity, policy name and URN (the CLI's order). */
export function sortViolations(violations: readonly PolicyViolation[]): PolicyViolation[] {
    return [...violations].sort(
        (a, b) =>
            rankOf(a) - rankOf(b) ||
            severityRank[a.severity] - severityRank[b.severity] ||
            a.policyName.localeCompare(b.policyName) ||
            a.urn.localeCompare(b.urn),
    );
}

function resourceClause(urn: string): string {
    const { type, name } = parseUrn(urn);
    return `(${type}: ${name})`;
}

const indent = "    ";

export function formatViolation(v: PolicyViolation): string {
    const severity = v.severity ? ` [severity: ${v.severity}]` : "";
    const level = v.exemption ? "exempted" : v.enforcementLevel;
    const heading = `${indent}[${level}]${severity}  ${v.policyPackName} v${v.policyPackVersion}  ${v.policyName} ${resourceClause(v.urn)}`;
    const message = v.message
        .replace(/\n+$/, "")
        .split("\n")
        .map((line) => `${indent}  ${line}`);
    return [heading, ...message, `${indent}  urn: ${v.urn}`].join("\n");
}

export function countByLevel(violations: readonly PolicyViolation[]): { mandatory: number; advisory: number; exempted: number } {
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const exempted = violations.filter((v) => v.exemption !== undefined).length;
    return { mandatory, advisory: violations.length - mandatory - exempted, exempted };
}

/** True when the change must be blocked: any mandatory violation. */
export function hasMandatoryViolation(result: AnalysisResult): boolean {
    return countByLevel(result.violations).mandatory > 0;
}

export function formatReport(result: AnalysisResult): string {
    const { mandatory, advisory, exempted } = countByLevel(result.violations);
    const lines = ["Policy Violations:"];
    const sorted = sortViolations(result.violations);
    lines.push(...(sorted.length === 0 ? [`${indent}none`] : sorted.map(formatViolation)));
    lines.push(
        "",
        `Summary: ${mandatory} mandatory, ${advisory} advisory violation(s)${exempted > 0 ? `, ${exempted} exempted` : ""} from ${result.pack.name} v${result.pack.version} ` +
            `(${result.pack.policies.length} policies) over ${result.resourceCount} resources ` +
            `(${result.analyzeCalls} Analyze calls, 1 AnalyzeStack call).`,
        mandatory > 0
            ? "Result: FAILED - mandatory policy violations block this change."
            : "Result: PASSED - no mandatory policy violation.",
    );
    return `${lines.join("\n")}\n`;
}
