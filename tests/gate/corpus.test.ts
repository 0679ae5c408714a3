// Issue 10, item 9: fixture programs written in the styles of public Pulumi programs that use SQS
// and Lambda (each fixture's comment names the public program it models). Every one is judged
// under the prod policy config (every rule mandatory), with the expected verdict per rule: the
// rules named here must be violated, and no other.
import * as assert from "assert";
import { GateRun, realPolicyConfig, reportedPolicies, runGateOnFixture, runOf, startRuns } from "./helpers/gate-process";

const corpus: Readonly<Record<string, readonly string[]>> = {
    // queue.onEvent: CallbackFunction with Pulumi's default managed policies, no DLQ, no partial batch responses.
    "corpus-on-event": [
        "cloudwatch-consumer-alarms", "iam-consumer-role-least-privilege", "lambda-consumer-concurrency-bounded", "lambda-esm-reports-batch-item-failures", "lambda-log-retention",
        "lambda-tracing-active", "sqs-queue-encrypted-at-rest", "sqs-queue-has-dlq", "sqs-queue-policy-denies-insecure-transport",
        "sqs-visibility-timeout-covers-consumers",
    ],
    // CallbackFunction, FIFO queues, mapping by ARN string: the FIFO batch of 10 and the 3..5 count pass.
    "corpus-callback-fifo-arn-string": [
        "cloudwatch-consumer-alarms", "cloudwatch-dlq-depth-alarm", "iam-consumer-role-least-privilege", "lambda-consumer-concurrency-bounded", "lambda-log-retention",
        "lambda-tracing-active", "sqs-queue-encrypted-at-rest", "sqs-queue-policy-denies-insecure-transport",
    ],
    // dlq.arn.apply(JSON.stringify) and RedriveAllowPolicy, auto-named: the count (4) is judged and passes.
    "corpus-redrive-allow-apply": ["cloudwatch-dlq-depth-alarm", "sqs-queue-encrypted-at-rest", "sqs-queue-policy-denies-insecure-transport"],
    // A QueueLambda component: the 60 s function timeout is not covered by the default 30 s visibility.
    "corpus-queue-lambda-component": [
        "cloudwatch-consumer-alarms", "cloudwatch-dlq-depth-alarm", "lambda-consumer-concurrency-bounded", "lambda-log-retention", "lambda-tracing-active",
        "sqs-queue-encrypted-at-rest", "sqs-queue-policy-denies-insecure-transport", "sqs-visibility-timeout-covers-consumers",
    ],
};

describe("offline gate on the real-world style corpus (prod policy config)", function () {
    this.timeout(900_000);
    let runs: Map<string, Promise<GateRun>>;

    before(() => {
        runs = startRuns(Object.fromEntries(Object.keys(corpus).map((program) => [
            program,
            () => runGateOnFixture(program, ["--policy-config", realPolicyConfig("prod")]),
        ])));
    });

    for (const [program, rules] of Object.entries(corpus)) {
        it(`${program}: exits 1 naming exactly ${rules.length} rule(s)`, async () => {
            const run = await runOf(runs, program);

            assert.deepStrictEqual({ code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory") }, { code: 1, mandatory: [...rules].sort() }, run.stdout + run.stderr);
        });
    }
});
