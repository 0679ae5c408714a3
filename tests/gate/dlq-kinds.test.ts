// Dead-letter queues of other services, and redrive targets that are no queue ARN, judged by the
// gate as users run it (prod policy config: every rule mandatory).
import * as assert from "node:assert/strict";
import { GateRun, assertGateRun, noViolations, reportedPolicies, runOf, startProdRuns } from "./helpers/gate-process";

const programs = ["dlq-kinds", "dlq-kinds-by-output", "dlq-kinds-without-alarm", "malformed-dlq-arn", "stringified-output-dlq"] as const;
const kinds = [
    "lambda-dlq",
    "invoke-on-failure",
    "stream-on-failure",
    "sns-redrive",
    "eventbridge-dlq",
    "scheduler-dlq",
    "pipe-dlq",
    "redrive-allow",
];

describe("offline gate on dead-letter queues of every kind (prod policy config)", function () {
    this.timeout(900_000);
    let runs: Map<string, Promise<GateRun>>;

    before(() => {
        runs = startProdRuns(programs);
    });

    it("dlq-kinds: a queue per kind of dead-letter reference passes with no violation", async () => {
        const run = await runOf(runs, "dlq-kinds");

        assertGateRun(run, 0, noViolations);
    });

    it("dlq-kinds-by-output: the same with every queue named by its arn output, an inline redriveAllowPolicy and a DynamoDB pipe", async () => {
        const run = await runOf(runs, "dlq-kinds-by-output");

        assertGateRun(run, 0, noViolations);
    });

    it("dlq-kinds-without-alarm: exits 1 naming only cloudwatch-dlq-depth-alarm", async () => {
        const run = await runOf(runs, "dlq-kinds-without-alarm");

        assert.deepStrictEqual(
            { code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory") },
            { code: 1, mandatory: ["cloudwatch-dlq-depth-alarm"] },
            run.stdout,
        );
    });

    it("dlq-kinds-without-alarm: asks every kind's queue for a depth alarm", async () => {
        const run = await runOf(runs, "dlq-kinds-without-alarm");

        const unwatched = kinds.filter((kind) =>
            run.stdout.includes(`SQS queue 'kinds-${kind}' is a dead-letter queue and must have a CloudWatch alarm`),
        );

        assert.deepStrictEqual(unwatched, kinds, run.stdout);
    });

    it("malformed-dlq-arn: exits 1 naming only sqs-queue-has-dlq, quoting the value", async () => {
        const run = await runOf(runs, "malformed-dlq-arn");

        assert.deepStrictEqual(
            { code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory") },
            { code: 1, mandatory: ["sqs-queue-has-dlq"] },
            run.stdout,
        );
        assertGateRun(run, 1, "found 'not-an-arn': it is not an ARN.");
    });

    it("stringified-output-dlq: exits 1 naming only sqs-queue-has-dlq, saying the value is a stringified Output", async () => {
        const run = await runOf(runs, "stringified-output-dlq");

        assert.deepStrictEqual(
            { code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory") },
            { code: 1, mandatory: ["sqs-queue-has-dlq"] },
            run.stdout,
        );
        assertGateRun(run, 1, "it is the text JSON.stringify gives for a Pulumi Output");
    });
});
