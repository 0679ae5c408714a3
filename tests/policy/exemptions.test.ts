// Per-resource exemptions inside the pack: the loader reads them from its config, each wrapped
// policy reports an exempted violation as advisory with the reason, an expired one as before,
// and the last policy names exemptions that matched nothing.
import * as assert from "assert";
import {
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import {
    Exemption,
    exemptionMatches,
    parseExemptions,
    policyExemptions,
    policyExemptionsUnused,
    withExemptions,
} from "../../policy/exemptions";

const queueUrn = "urn:pulumi:dev::shop::pkg:index:Lane$aws:sqs/queue:Queue::orders";

interface Reported {
    readonly message: string;
    readonly urn?: string;
    readonly level: EnforcementLevel;
}

// The server's reportViolation (server.js makeReportViolationFun): a string is framed with the
// description at the policy's level; an object may set its own level.
function recorder(level: EnforcementLevel, description: string): { reported: Reported[]; report: ReportViolation } {
    const reported: Reported[] = [];
    const report = ((violation: string | { message: string; urn?: string; enforcementLevel?: EnforcementLevel }, urn?: string) => {
        if (typeof violation === "string") {
            reported.push({ message: `${description}\n${violation}`, urn, level });
        } else {
            reported.push({ message: violation.message, urn: violation.urn, level: violation.enforcementLevel ?? level });
        }
    }) as ReportViolation;
    return { reported, report };
}

const stackArgs = (config: object): StackValidationArgs =>
    ({ resources: [], getConfig: <T>() => config as T }) as unknown as StackValidationArgs;

const noDlq: StackValidationPolicy = {
    name: "sqs-queue-has-dlq",
    description: "Every SQS queue must have a dead-letter queue.",
    enforcementLevel: "mandatory",
    validateStack: (_args, report) => report("SQS queue 'orders' must have a dead-letter queue; found none.", queueUrn),
};

async function judge(
    exemptions: readonly Exemption[],
    now = new Date("2026-06-01T12:00:00Z"),
): Promise<{ policy: Reported[]; unused: Reported[] }> {
    await (policyExemptions.validateStack as (args: StackValidationArgs, report: ReportViolation) => void)(
        stackArgs({ exemptions }),
        recorder("advisory", "").report,
    );
    const policy = recorder("mandatory", noDlq.description);
    await (withExemptions(noDlq, () => now) as StackValidationPolicy).validateStack(stackArgs({}), policy.report);
    const unused = recorder("advisory", policyExemptionsUnused.description);
    await policyExemptionsUnused.validateStack(stackArgs({}), unused.report);
    return { policy: policy.reported, unused: unused.reported };
}

const exemption = (overrides: Partial<Exemption> = {}): Exemption => ({
    policy: "sqs-queue-has-dlq",
    resource: "orders",
    reason: "replayed from S3",
    expires: "2026-12-31",
    ...overrides,
});

describe("per-resource exemptions", () => {
    it("reports an exempted violation as advisory, with its reason and expiry", async () => {
        const { policy } = await judge([exemption()]);

        assert.deepStrictEqual(policy, [
            {
                message:
                    "Every SQS queue must have a dead-letter queue.\nSQS queue 'orders' must have a dead-letter queue; found none.\nExempted until 2026-12-31: replayed from S3",
                urn: queueUrn,
                level: "advisory",
            },
        ]);
    });

    it("reports a violation under an expired exemption at the policy's level, saying it expired", async () => {
        const { policy } = await judge([exemption({ expires: "2026-05-31" })]);

        assert.deepStrictEqual(
            [policy[0].level, policy[0].message.split("\n")[2]],
            ["mandatory", "The exemption for this resource expired on 2026-05-31 (replayed from S3); renew it or fix the resource."],
        );
    });

    it("keeps an exemption valid through its expiry day (UTC)", async () => {
        const { policy } = await judge([exemption({ expires: "2026-06-01" })], new Date("2026-06-01T23:59:59Z"));

        assert.strictEqual(policy[0].level, "advisory");
    });

    it("reports an exemption that matches no violation as stale, never blocking", async () => {
        const { unused } = await judge([exemption(), exemption({ resource: "payments" })]);

        assert.deepStrictEqual(
            unused.map((u) => [u.level, u.message]),
            [
                [
                    "advisory",
                    "Exemption of 'payments' from sqs-queue-has-dlq (replayed from S3) matches no violation of this stack; it is stale: remove it.",
                ],
            ],
        );
    });

    it("leaves a violation of another policy alone", async () => {
        const { policy } = await judge([exemption({ policy: "sqs-max-receive-count" })]);

        assert.strictEqual(policy[0].level, "mandatory");
    });

    it("matches a resource by URN, by type or by name, each as a glob", () => {
        const matched = [
            "urn:pulumi:dev::shop::*::orders",
            "aws:sqs/queue:Queue",
            "aws:sqs/*",
            "ord*",
            "orders",
            "payments",
            "aws:lambda/*",
        ].map((p) => exemptionMatches(p, queueUrn));

        assert.deepStrictEqual(matched, [true, true, true, true, true, false, false]);
    });

    it("refuses an exemption without an expiry date, naming the entry and the field", () => {
        assert.throws(
            () => parseExemptions([{ policy: "p", resource: "r", reason: "why" }]),
            /'expires' of exemptions\[0\] of policy-exemptions must be a non-empty string, undefined given/,
        );
    });

    it("refuses an expiry that is not a date", () => {
        assert.throws(
            () => parseExemptions([exemption({ expires: "next week" })]),
            /'expires' of exemptions\[0\] of policy-exemptions must be a date YYYY-MM-DD, "next week" given/,
        );
    });

    it("refuses exemptions that are not a list, quoting the value", () => {
        assert.throws(() => parseExemptions("orders"), /'exemptions' of policy-exemptions must be a list, "orders" given/);
    });

    it("names the error class ExemptionConfigError", () => {
        assert.throws(() => parseExemptions("orders"), { name: "ExemptionConfigError" });
    });

    it("keeps an exemption used when the same exemptions are loaded again before the stale report", async () => {
        const load = policyExemptions.validateStack as (args: StackValidationArgs, report: ReportViolation) => void;
        load(stackArgs({ exemptions: [exemption()] }), recorder("advisory", "").report);
        await (withExemptions(noDlq) as StackValidationPolicy).validateStack(stackArgs({}), recorder("mandatory", "").report);
        const unused = recorder("advisory", policyExemptionsUnused.description);

        load(stackArgs({ exemptions: [exemption()] }), recorder("advisory", "").report);
        await policyExemptionsUnused.validateStack(stackArgs({}), unused.report);

        assert.deepStrictEqual(unused.reported, []);
    });

    it("gives a stack policy no resource validation when it wraps it", () => {
        const wrapped = withExemptions(noDlq);

        assert.equal("validateResource" in wrapped && wrapped.validateResource !== undefined, false);
    });

    it("gives a resource policy no stack validation when it wraps it", () => {
        const resourcePolicy = { name: "r", description: "r", enforcementLevel: "mandatory" as const, validateResource: () => undefined };

        const wrapped = withExemptions(resourcePolicy);

        assert.equal("validateStack" in wrapped && wrapped.validateStack !== undefined, false);
    });

    it("exempts a resource policy's violation on the resource it checks", async () => {
        const resourcePolicy = {
            name: "sqs-queue-has-dlq",
            description: "Every SQS queue must have a dead-letter queue.",
            enforcementLevel: "mandatory" as const,
            validateResource: (_args: ResourceValidationArgs, report: ReportViolation) => report("found none."),
        };
        const load = policyExemptions.validateStack as (args: StackValidationArgs, report: ReportViolation) => void;
        load(stackArgs({ exemptions: [exemption()] }), recorder("advisory", "").report);
        const reported = recorder("mandatory", resourcePolicy.description);

        const wrapped = withExemptions(resourcePolicy, () => new Date("2026-06-01T12:00:00Z")) as ResourceValidationPolicy;
        await (wrapped.validateResource as (args: ResourceValidationArgs, report: ReportViolation) => void)(
            { urn: queueUrn } as ResourceValidationArgs,
            reported.report,
        );

        assert.deepStrictEqual(reported.reported, [
            {
                message: "Every SQS queue must have a dead-letter queue.\nfound none.\nExempted until 2026-12-31: replayed from S3",
                urn: queueUrn,
                level: "advisory",
            },
        ]);
    });
});
