// --format json and --format sarif: each result located at the file and line where the program
// constructed the resource; the SARIF log valid against the SARIF 2.1.0 JSON schema.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { formatJsonReport } from "../../gate/report-json";
import { formatSarifReport } from "../../gate/report-sarif";
import { aViolation, anAnalysis } from "./helpers/violations";

// The schema as @microsoft/jest-sarif ships it (SARIF 2.1.0, JSON Schema draft-04).
const readJson = (file: string): object => JSON.parse(fs.readFileSync(file, "utf8")) as object;
const sarifSchema = readJson(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"));
const draft04 = readJson(require.resolve("ajv/lib/refs/json-schema-draft-04.json"));

const programDir = path.join(process.cwd(), "tests", "fixtures", "programs", "missing-dlq");
const queueUrn = "urn:pulumi:dev::shop::aws:sqs/queue:Queue::orders";
const rootUrn = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev";

function analysis() {
    const result = anAnalysis([
        aViolation(),
        aViolation({ urn: rootUrn, policyName: "policy-exemptions-unused", enforcementLevel: "advisory" }),
        aViolation({
            enforcementLevel: "advisory",
            policyName: "lambda-tracing-active",
            exemption: { reason: "budget", expires: "2099-01-01" },
        }),
    ]);
    return { ...result, locations: new Map([[queueUrn, { file: path.join(programDir, "index.ts"), line: 4, column: 1 }]]) };
}

const context = { programDir, policyConfig: "policy config prod.json (named by --policy-config)", warnings: ["one remote component"] };

describe("machine-readable gate reports", () => {
    it("writes a SARIF log that the SARIF 2.1.0 schema accepts", () => {
        const ajv = new Ajv({ schemaId: "auto", allErrors: true });
        ajv.addMetaSchema(draft04);
        const validate = ajv.compile(sarifSchema);

        const log: unknown = JSON.parse(formatSarifReport(analysis(), context));

        assert.ok(validate(log), ajv.errorsText(validate.errors));
    });

    it("locates a SARIF result at the program file and line that constructed the resource, relative to the working directory", () => {
        const log = JSON.parse(formatSarifReport(analysis(), context));

        const located = log.runs[0].results.find(
            (r: { ruleId: string; level: string }) => r.ruleId === "sqs-queue-has-dlq" && r.level === "error",
        );
        assert.deepStrictEqual(located.locations[0].physicalLocation, {
            artifactLocation: { uri: "tests/fixtures/programs/missing-dlq/index.ts" },
            region: { startLine: 4, startColumn: 1 },
        });
    });

    it("puts a stack-wide SARIF result on the program's Pulumi.yaml", () => {
        const log = JSON.parse(formatSarifReport(analysis(), context));

        const stackWide = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "policy-exemptions-unused");
        assert.strictEqual(stackWide.locations[0].physicalLocation.artifactLocation.uri, "tests/fixtures/programs/missing-dlq/Pulumi.yaml");
    });

    it("marks an exempted violation as an accepted external suppression with its reason", () => {
        const log = JSON.parse(formatSarifReport(analysis(), context));

        const exempted = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "lambda-tracing-active");
        assert.deepStrictEqual(exempted.suppressions, [
            { kind: "external", status: "accepted", justification: "budget (until 2099-01-01)" },
        ]);
    });

    it("writes JSON with the verdict, the applied config, and each violation's level, resource and location", () => {
        const report = JSON.parse(formatJsonReport(analysis(), context));

        assert.deepStrictEqual(
            [
                report.verdict,
                report.policyConfig,
                report.violations[0].level,
                report.violations[0].resource.name,
                report.violations[0].location,
                report.summary.exempted,
            ],
            [
                "failed",
                context.policyConfig,
                "mandatory",
                "orders",
                { file: "tests/fixtures/programs/missing-dlq/index.ts", line: 4, column: 1 },
                1,
            ],
        );
    });
});
