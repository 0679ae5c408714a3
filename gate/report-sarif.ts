// `--format sarif`: SARIF 2.1.0 for GitHub code scanning, so violations show inline on the pull
// request. Each result sits at the program file and line where its resource was constructed
// (the SDK records it with each registration); a stack-wide result sits on Pulumi.yaml. Mandatory
// violations are errors, advisory ones warnings, exempted ones carry an external suppression.
import * as path from "node:path";
import { AnalysisResult } from "./analysis";
import { PolicyViolation } from "./diagnostics";
import { ReportContext, relativeLocation } from "./report-json";
import { sortViolations } from "./report";

export const sarifSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

function locationOf(v: PolicyViolation, result: AnalysisResult, context: ReportContext) {
    const at = relativeLocation(result.locations.get(v.urn)) ?? {
        file: relativeLocation({ file: path.join(context.programDir, "Pulumi.yaml"), line: 1, column: 1 })?.file ?? "Pulumi.yaml",
        line: 1,
        column: 1,
    };
    return {
        physicalLocation: {
            artifactLocation: { uri: at.file },
            region: { startLine: Math.max(1, at.line), startColumn: Math.max(1, at.column) },
        },
        logicalLocations: [{ fullyQualifiedName: v.urn, kind: "resource" }],
    };
}

function resultOf(v: PolicyViolation, result: AnalysisResult, context: ReportContext, ruleIndex: Map<string, number>) {
    return {
        ruleId: v.policyName,
        ...(ruleIndex.has(v.policyName) ? { ruleIndex: ruleIndex.get(v.policyName) } : {}),
        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
        message: { text: v.message },
        locations: [locationOf(v, result, context)],
        ...(v.exemption
            ? {
                  suppressions: [
                      { kind: "external", status: "accepted", justification: `${v.exemption.reason} (until ${v.exemption.expires})` },
                  ],
              }
            : {}),
        properties: { enforcementLevel: v.enforcementLevel, policyPack: `${v.policyPackName}@${v.policyPackVersion}` },
    };
}

export function formatSarifReport(result: AnalysisResult, context: ReportContext): string {
    const rules = result.pack.policies.map((p) => ({
        id: p.name,
        shortDescription: { text: p.description ?? p.name },
        defaultConfiguration: {
            level: p.enforcementLevel === "mandatory" ? "error" : p.enforcementLevel === "disabled" ? "none" : "warning",
        },
    }));
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const log = {
        $schema: sarifSchemaUri,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: "offline-policy-gate",
                        semanticVersion: result.pack.version,
                        rules,
                        properties: { policyPack: result.pack.name },
                    },
                },
                invocations: [
                    {
                        executionSuccessful: true,
                        toolExecutionNotifications: [context.policyConfig, ...context.warnings].map((text) => ({
                            level: "note",
                            message: { text },
                        })),
                    },
                ],
                results: sortViolations(result.violations).map((v) => resultOf(v, result, context, ruleIndex)),
            },
        ],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
}
