// Each fixture program breaks one rule of the real pack; the gate, run as users run it under the
// prod policy config (every rule mandatory), must exit 1 and name that rule and no other.
import * as assert from "node:assert/strict";
import { GateRun, assertGateRun, noViolations, reportedPolicies, runOf, startProdRuns } from "./helpers/gate-process";

const ruleFixtures: Readonly<Record<string, string>> = {
    "missing-dlq": "sqs-queue-has-dlq",
    "max-receive-count-out-of-range": "sqs-max-receive-count",
    "visibility-below-six-timeouts": "sqs-visibility-timeout-covers-consumers",
    "dlq-type-mismatch": "sqs-dlq-same-type",
    "dlq-retention-not-longer": "sqs-dlq-retention-longer",
    "dlq-without-depth-alarm": "cloudwatch-dlq-depth-alarm",
    "mapping-without-batch-item-failures": "lambda-esm-reports-batch-item-failures",
    "fifo-mapping-with-window": "lambda-esm-fifo-batching",
    "large-batch-without-window": "lambda-esm-batch-window",
    "unbounded-consumer": "lambda-consumer-concurrency-bounded",
    "queue-policy-wildcard-principal": "sqs-queue-policy-no-wildcards",
    "consumer-role-wildcard-action": "iam-consumer-role-least-privilege",
    "deprecated-runtime": "lambda-runtime-supported",
    "unencrypted-queue": "sqs-queue-encrypted-at-rest",
    "queue-policy-allows-plain-http": "sqs-queue-policy-denies-insecure-transport",
    "implicit-function-timeout": "lambda-timeout-explicit",
    "tracing-off": "lambda-tracing-active",
    "no-log-retention": "lambda-log-retention",
    "dlq-smaller-message-size": "sqs-dlq-message-size-not-smaller",
    "dlq-denies-source": "sqs-dlq-admits-source",
    "mapping-with-filter": "lambda-esm-filter-drops-messages",
    "two-queue-policies": "sqs-queue-one-access-policy",
    "service-principal-unscoped": "sqs-queue-policy-service-principal-scoped",
    "alarm-without-action": "cloudwatch-alarm-has-action",
    "consumer-public-via-alias": "lambda-consumer-not-public",
};

describe("offline gate on fixture programs that break one rule (prod policy config)", function () {
    this.timeout(900_000);
    let runs: Map<string, Promise<GateRun>>;

    before(() => {
        const programs = [
            ...Object.keys(ruleFixtures),
            "unknown-redrive",
            "max-receive-count-three",
            "mapping-through-alias",
            "property-dependency-links",
        ];
        runs = startProdRuns(programs);
    });

    for (const [program, rule] of Object.entries(ruleFixtures)) {
        it(`${program}: exits 1 naming only ${rule}`, async () => {
            const run = await runOf(runs, program);

            assert.deepStrictEqual(
                { code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory") },
                { code: 1, mandatory: [rule] },
                run.stderr,
            );
        });
    }

    it("max-receive-count-three: exits 0 with only sqs-max-receive-count's advisory note (AWS advises >= 5), even with every rule mandatory", async () => {
        const run = await runOf(runs, "max-receive-count-three");

        assert.deepStrictEqual(
            { code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory"), advisory: reportedPolicies(run.stdout, "advisory") },
            { code: 0, mandatory: [], advisory: ["sqs-max-receive-count"] },
            run.stdout,
        );
    });

    it("mapping-through-alias: a compliant lane whose mapping invokes an alias (ARN unknown at preview) prints no violation", async () => {
        const run = await runOf(runs, "mapping-through-alias");

        assertGateRun(run, 0, noViolations);
    });

    it("unknown-redrive: exits 1 when the redrive policy is unknown at preview, saying so", async () => {
        const run = await runOf(runs, "unknown-redrive");

        assertGateRun(run, 1, /redrivePolicy is unknown at preview; it must be known/);
    });

    // Issue 18: the monitor's recording of property dependencies and their sending to the
    // analyzer each broke only their unit tests; this program's mapping reaches its queue only
    // through propertyDependencies.eventSourceArn (unknown ARN, two queues among its dependencies).
    it("property-dependency-links: follows a mapping to its queue through property dependencies alone", async () => {
        const run = await runOf(runs, "property-dependency-links");

        assertGateRun(
            run,
            1,
            "SQS queue 'orders' visibilityTimeoutSeconds must be at least 6 x 30 s (timeout of Lambda function 'orders-consumer') + 0 s (batching window of Event source mapping 'orders-mapping') = 180 s; found 60 s.",
        );
    });
});
