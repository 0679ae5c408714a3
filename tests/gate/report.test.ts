import * as assert from "node:assert/strict";
import { formatReport, formatViolation, hasMandatoryViolation, sortViolations } from "../../gate/report";
import { aViolation, anAnalysis } from "./helpers/violations";

describe("gate report", () => {
    it("prints level, pack, version, policy and resource on the heading line, then the message and the URN", () => {
        const text = formatViolation(aViolation());

        assert.strictEqual(
            text,
            [
                "    [mandatory]  escalation-pipeline v0.1.0  sqs-queue-has-dlq (aws:sqs/queue:Queue: orders)",
                "      Every SQS queue must have a dead-letter queue.",
                "      SQS queue 'orders' must have a dead-letter queue; found none.",
                "      urn: urn:pulumi:dev::shop::aws:sqs/queue:Queue::orders",
            ].join("\n"),
        );
    });

    it("names the resource's own type, not its parents', for a child of a component", () => {
        const text = formatViolation(aViolation({ urn: "urn:pulumi:dev::shop::pkg:index:Lane$aws:sqs/queue:Queue::orders" }));

        assert.match(text.split("\n")[0], /sqs-queue-has-dlq \(aws:sqs\/queue:Queue: orders\)$/);
    });

    it("shows a severity when the policy sets one", () => {
        const text = formatViolation(aViolation({ severity: "high" }));

        assert.match(text, /^ {4}\[mandatory\] \[severity: high\] {2}escalation-pipeline/);
    });

    it("sorts mandatory before advisory, then by policy name, then by URN (the CLI's order)", () => {
        const sorted = sortViolations([
            aViolation({ enforcementLevel: "advisory", policyName: "a-advisory" }),
            aViolation({ policyName: "b-rule", urn: "urn:pulumi:dev::shop::aws:sqs/queue:Queue::z" }),
            aViolation({ policyName: "b-rule", urn: "urn:pulumi:dev::shop::aws:sqs/queue:Queue::a" }),
            aViolation({ policyName: "a-rule" }),
        ]);

        assert.deepStrictEqual(
            sorted.map((v) => `${v.policyName}@${v.urn.split("::").pop()}`),
            ["a-rule@orders", "b-rule@a", "b-rule@z", "a-advisory@orders"],
        );
    });

    it("says 'none' and PASSED when there is no violation", () => {
        const text = formatReport(anAnalysis([]));

        assert.match(
            text,
            /^Policy Violations:\n {4}none\n\nSummary: 0 mandatory, 0 advisory violation\(s\) from escalation-pipeline v0\.1\.0 .*\nResult: PASSED/,
        );
    });

    it("counts mandatory and advisory violations in the summary and says FAILED when one is mandatory", () => {
        const text = formatReport(anAnalysis([aViolation(), aViolation({ enforcementLevel: "advisory" })]));

        assert.match(
            text,
            /Summary: 1 mandatory, 1 advisory violation\(s\)[^\n]*over 12 resources \(12 Analyze calls, 1 AnalyzeStack call\)\.\nResult: FAILED/,
        );
    });

    it("blocks the change only for a mandatory violation", () => {
        assert.deepStrictEqual(
            [
                hasMandatoryViolation(anAnalysis([aViolation({ enforcementLevel: "advisory" })])),
                hasMandatoryViolation(anAnalysis([aViolation()])),
            ],
            [false, true],
        );
    });
});
