// The Reporter every rule reports through: an unknown value a check did not handle becomes a
// violation on the resource it was checking, and any other error still fails the rule.
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { ReportViolation } from "@pulumi/policy";
import { Reporter } from "../../policy/rule";
import { createStackValidationArgs, fakeResource, UNKNOWN } from "../helpers/policy-args";

function reporter(): { reporter: Reporter; reported: { message: string; urn?: string }[] } {
    const reported: { message: string; urn?: string }[] = [];
    const report = ((message: string, urn?: string) => reported.push({ message, urn })) as ReportViolation;
    return { reporter: new Reporter(report, "a rule", { unknownValues: "violation" }), reported };
}

describe("rule reporter: one resource's check", () => {
    const queue = fakeResource(aws.sqs.Queue, "orders", { visibilityTimeoutSeconds: UNKNOWN });
    const [resource] = createStackValidationArgs({ name: "none", description: "none", validateStack: () => undefined }, [queue]).resources;

    it("reports an unknown value the check read without handling it, on that resource", () => {
        const { reporter: report, reported } = reporter();

        report.forResource(resource, () => resource.props.visibilityTimeoutSeconds);

        assert.deepEqual(
            reported.map((r) => [r.urn, r.message.split("\n")[0]]),
            [
                [
                    queue.urn,
                    "SQS queue 'orders' visibilityTimeoutSeconds is unknown at preview; it must be known so this rule can be checked.",
                ],
            ],
        );
    });

    it("rethrows any other error of the check", () => {
        const { reporter: report } = reporter();

        const check = () =>
            report.forResource(resource, () => {
                throw new RangeError("a bug in the rule");
            });

        assert.throws(check, RangeError);
    });

    it("reports nothing for a check that passes", () => {
        const { reporter: report, reported } = reporter();

        report.forResource(resource, () => undefined);

        assert.deepEqual(reported, []);
    });
});
