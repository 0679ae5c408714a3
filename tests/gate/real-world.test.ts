// Issue 10: the gate on programs written the way public Pulumi programs are. No verdict on a
// stack the program did not finish registering; refused invokes reported; remote components
// named; provider-computed identifiers known; exemptions; SARIF located at the program's lines.
import * as assert from "node:assert/strict";
import * as path from "path";
import {
    GateRun,
    assertGateRun,
    fixturePolicyConfigs,
    PROD_POLICY_CONFIG_ARGS,
    repoRoot,
    reportedPolicies,
    runGateOnFixture,
    runOf,
    startRuns,
} from "./helpers/gate-process";

const prod = PROD_POLICY_CONFIG_ARGS;
const answers = path.join(repoRoot, "tests", "fixtures", "invoke-answers", "orders-image.json");
/** A verdict line: present only when the gate judged the stack. */
const verdict = /^Result: /m;

describe("offline gate on real-world program shapes", function () {
    this.timeout(900_000);
    let runs: Map<string, Promise<GateRun>>;

    before(() => {
        runs = startRuns({
            imageInvoke: () => runGateOnFixture("image-function-from-invoke", prod),
            imagePromise: () => runGateOnFixture("image-function-promise", prod),
            imageAnswered: () => runGateOnFixture("image-function-from-invoke", [...prod, "--invoke-answers", answers]),
            neverSettles: () => runGateOnFixture("never-settles", prod),
            caughtInvoke: () => runGateOnFixture("caught-invoke", prod),
            remoteWarn: () => runGateOnFixture("remote-component", prod),
            remoteError: () => runGateOnFixture("remote-component", [...prod, "--remote-components", "error"]),
            redriveIdiom: () => runGateOnFixture("redrive-from-dlq-arn", prod),
            redriveResource: () => runGateOnFixture("redrive-policy-resource", prod),
            exempted: () => runGateOnFixture("missing-dlq", ["--policy-config", path.join(fixturePolicyConfigs, "exemptions.json")]),
            expired: () => runGateOnFixture("missing-dlq", ["--policy-config", path.join(fixturePolicyConfigs, "exemptions-expired.json")]),
            sarif: () => runGateOnFixture("missing-dlq", [...prod, "--format", "sarif"]),
            noPackConfig: () => runGateOnFixture("unencrypted-queue", ["--stack", "dev"]),
        });
    });

    describe("no verdict on a partially registered stack", () => {
        it("exits 2 naming the invoke when a Function's imageUri comes from aws.ecr.getImageOutput", async () => {
            const run = await runOf(runs, "imageInvoke");

            assert.deepStrictEqual(
                {
                    code: run.code,
                    names: run.stderr.includes('aws:ecr/getImage:getImage({"imageTag":"latest","repositoryName":"orders-consumer"})'),
                    verdict: verdict.test(run.stdout),
                },
                { code: 2, names: true, verdict: false },
                run.stdout + run.stderr,
            );
        });

        it("exits 2 when resources are created in the .then() of aws.ecr.getImage (JavaScript with promises)", async () => {
            const run = await runOf(runs, "imagePromise");

            // Naming the invoke: exit 2 without a verdict alone would also be a pack that failed to start.
            assert.deepStrictEqual(
                {
                    code: run.code,
                    names: run.stderr.includes('aws:ecr/getImage:getImage({"imageTag":"latest","repositoryName":"jobs-consumer"})'),
                    verdict: verdict.test(run.stdout),
                },
                { code: 2, names: true, verdict: false },
                run.stdout + run.stderr,
            );
        });

        it("judges the whole stack, function and mapping included, when the invoke is answered", async () => {
            const run = await runOf(runs, "imageAnswered");

            assertGateRun(run, 0, "over 15 resources");
        });

        it("stops a program whose outputs never settle, naming the registration it waited for", async () => {
            const run = await runOf(runs, "neverSettles");

            assertGateRun(
                run,
                2,
                /outputs that never settle[\s\S]*aws:sqs\/queue:Queue 'stuck' \(constructed at .*never-settles\/index\.ts:6\)/,
            );
        });
    });

    describe("refused invokes", () => {
        it("reports an invoke the program caught and exits 2, pointing at --invoke-answers", async () => {
            const run = await runOf(runs, "caughtInvoke");

            assertGateRun(
                run,
                2,
                /aws:lambda\/getFunction:getFunction\(\{"functionName":"orders-consumer"\}\)\nAnswer each with '--invoke-answers <file>'/,
            );
        });
    });

    describe("remote components", () => {
        it("warns, naming each remote component and where it was constructed", async () => {
            const run = await runOf(runs, "remoteWarn");

            assertGateRun(
                run,
                0,
                /warning: the policy pack cannot see inside 1 remote .*\n {2}awsx:ec2:Vpc 'main' \(constructed at .*remote-component\/index\.ts:12\)/,
            );
        });

        it("exits 2 with --remote-components error", async () => {
            const run = await runOf(runs, "remoteError");

            assertGateRun(run, 2, "(--remote-components error)");
        });
    });

    describe("identifiers the provider computes from names", () => {
        it("judges the real maxReceiveCount of pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 4 })", async () => {
            const run = await runOf(runs, "redriveIdiom");

            assert.deepStrictEqual(
                { code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory") },
                // The count (4) passes; the alarm without an action and the missing TLS deny are this fixture's own gaps.
                {
                    code: 1,
                    mandatory: ["cloudwatch-alarm-has-action", "cloudwatch-dlq-depth-alarm", "sqs-queue-policy-denies-insecure-transport"],
                },
                run.stdout,
            );
        });

        it("judges the count of an aws.sqs.RedrivePolicy built from dlq.arn and reports the value found", async () => {
            const run = await runOf(runs, "redriveResource");

            assertGateRun(run, 1, "SQS redrive policy 'payments' maxReceiveCount must be between 3 and 5; found 10.");
        });

        it("blocks aws.sqs.RedrivePolicy with exactly the count, the alarm that pages nobody and the missing TLS deny", async () => {
            const run = await runOf(runs, "redriveResource");

            assert.deepStrictEqual(
                { code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory") },
                // The alarm without alarmActions is deliberate (see the fixture): it must not count as paging.
                {
                    code: 1,
                    mandatory: [
                        "cloudwatch-alarm-has-action",
                        "cloudwatch-dlq-depth-alarm",
                        "sqs-max-receive-count",
                        "sqs-queue-policy-denies-insecure-transport",
                    ],
                },
                run.stdout,
            );
        });
    });

    describe("exemptions in the policy config", () => {
        it("prints an exempted violation as exempted with its reason and does not block", async () => {
            const run = await runOf(runs, "exempted");

            assertGateRun(
                run,
                0,
                /\[exempted\] .* sqs-queue-has-dlq \(aws:sqs\/queue:Queue: orders\)\n(.*\n)*? {6}Exempted until 2099-12-31: replayed from the S3 archive, see RUNBOOK-12/,
            );
        });

        it("reports an exemption that matches nothing as stale", async () => {
            const run = await runOf(runs, "exempted");

            assertGateRun(
                run,
                0,
                "Exemption of 'aws:lambda/function:Function' from lambda-tracing-active (tracing budget exhausted) matches no violation of this stack; it is stale",
            );
        });

        it("blocks under an expired exemption and says it expired", async () => {
            const run = await runOf(runs, "expired");

            assertGateRun(run, 1, "The exemption for this resource expired on 2020-01-31 (migration window)");
        });
    });

    describe("SARIF", () => {
        it("locates each result at the line of the program that constructed the resource", async () => {
            const run = await runOf(runs, "sarif");

            const results = (
                JSON.parse(run.stdout) as {
                    runs: {
                        results: {
                            ruleId: string;
                            locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
                        }[];
                    }[];
                }
            ).runs[0].results;
            const dlq = results.find((r) => r.ruleId === "sqs-queue-has-dlq");
            assert.deepStrictEqual(
                [run.code, dlq?.locations[0].physicalLocation.artifactLocation.uri, dlq?.locations[0].physicalLocation.region.startLine],
                [1, "tests/fixtures/programs/shared/lane.ts", 89],
            );
        });
    });

    describe("which policy config applies", () => {
        it("applies none of the pack's own stack configs to another program, and says so first", async () => {
            const run = await runOf(runs, "noPackConfig");

            // Every policy at the pack's own level: the encryption rule is advisory there, as in dev.json, so exit 0.
            assertGateRun(run, 0, /^Applied: no policy config: .*policy\/config\/dev\.json is written for the pack's own program/m);
        });
    });
});
