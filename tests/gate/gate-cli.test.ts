// The gate as users run it: verdicts on compliant programs, policy config handling, any program
// layout, and exit code 2 with a clear message whenever the run cannot be judged.
import * as assert from "node:assert/strict";
import * as path from "path";
import {
    GateRun,
    assertGateRun,
    noViolations,
    fixturePacks,
    fixturePolicyConfigs,
    fixturePrograms,
    PROD_POLICY_CONFIG_ARGS,
    realPolicyConfig,
    reportedPolicies,
    runGate,
    runGateOnFixture,
    runOf,
    startRuns,
} from "./helpers/gate-process";

const miniPack = ["--policy-pack", path.join(fixturePacks, "mini")];

describe("offline gate CLI", function () {
    this.timeout(600_000);
    let runs: Map<string, Promise<GateRun>>;

    before(() => {
        runs = startRuns({
            compliantProd: () => runGateOnFixture("compliant", PROD_POLICY_CONFIG_ARGS),
            unencryptedDev: () => runGateOnFixture("unencrypted-queue", ["--policy-config", realPolicyConfig("dev")]),
            asyncEntry: () => runGateOnFixture("async-entry", PROD_POLICY_CONFIG_ARGS),
            miniStrict: () =>
                runGateOnFixture("compliant", [...miniPack, "--policy-config", path.join(fixturePolicyConfigs, "mini-strict.json")]),
            miniInvalid: () =>
                runGateOnFixture("compliant", [...miniPack, "--policy-config", path.join(fixturePolicyConfigs, "mini-invalid.json")]),
            programThrows: () => runGateOnFixture("program-throws"),
            unknownInvoke: () => runGateOnFixture("unknown-invoke"),
            packTypeError: () => runGateOnFixture("compliant", ["--policy-pack", path.join(fixturePacks, "type-error")]),
        });
    });

    describe("verdicts", () => {
        it("passes the compliant program under the prod policy config, where every rule is mandatory", async () => {
            const run = await runOf(runs, "compliantProd");

            assertGateRun(run, 0, noViolations);
        });

        it("reports a rule the dev config keeps advisory as advisory and exits 0", async () => {
            const run = await runOf(runs, "unencryptedDev");

            assert.deepStrictEqual(
                {
                    code: run.code,
                    advisory: reportedPolicies(run.stdout, "advisory"),
                    mandatory: reportedPolicies(run.stdout, "mandatory"),
                },
                { code: 0, advisory: ["sqs-queue-encrypted-at-rest"], mandatory: [] },
                run.stdout + run.stderr,
            );
        });

        it("runs a program whose Pulumi.yaml main names a directory exporting an async function", async () => {
            const run = await runOf(runs, "asyncEntry");

            assertGateRun(run, 0, "over 15 resources");
        });

        it("prints the URN and the policy's message under each violation", async () => {
            const run = await runOf(runs, "miniStrict");

            assert.match(
                run.stdout,
                / {4}\[mandatory\] {2}gate-mini-pack v0\.0\.1 {2}mini-visibility-bounded \(aws:sqs\/queue:Queue: orders\)\n.*\n {6}visibilityTimeoutSeconds must be at least 200, 180 found\n {6}urn: urn:pulumi:dev::gate-fixture-compliant::aws:sqs\/queue:Queue::orders\n/,
            );
        });
    });

    describe("policy config", () => {
        it("sends config file values to the pack over its schema defaults (200 s instead of 30 s)", async () => {
            const run = await runOf(runs, "miniStrict");

            assert.deepStrictEqual(
                { code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory") },
                { code: 1, mandatory: ["mini-visibility-bounded"] },
            );
        });

        it("exits 2 naming the policy, the setting and the value when config breaks the pack's schema", async () => {
            const run = await runOf(runs, "miniInvalid");

            assertGateRun(run, 2, 'mini-visibility-bounded: minimumSeconds must be of type integer, "soon" given');
        });

        it("exits 2 naming the policy and the allowed levels for an invalid enforcement level", async () => {
            const run = await runGateOnFixture("compliant", ["--policy-config", path.join(fixturePolicyConfigs, "bad-level.json")]);

            assertGateRun(
                run,
                2,
                /'sqs-queue-has-dlq' in .*bad-level\.json must be one of advisory, mandatory, remediate, disabled, "sometimes" given/,
            );
        });
    });

    describe("runs that cannot be judged exit 2", () => {
        const unjudgeable: readonly { title: string; args: string[]; says: RegExp }[] = [
            {
                title: "names a program directory that does not exist",
                args: ["--program", path.join(fixturePrograms, "no-such-program")],
                says: /program directory .*no-such-program does not exist/,
            },
            {
                title: "names a directory without Pulumi.yaml",
                args: ["--program", path.join(fixturePrograms, "shared")],
                says: /no Pulumi\.yaml in program directory .*shared/,
            },
            {
                title: "names the missing stack config file",
                args: ["--program", path.join(fixturePrograms, "compliant"), "--stack", "qa"],
                says: /no stack config file .*Pulumi\.qa\.yaml/,
            },
            {
                title: "names a policy pack directory without PulumiPolicy.yaml",
                args: ["--program", path.join(fixturePrograms, "compliant"), "--policy-pack", fixturePrograms],
                says: /no PulumiPolicy\.yaml in .*programs/,
            },
            { title: "rejects an unknown flag with the usage", args: ["--stak", "dev"], says: /unknown argument '--stak'/ },
        ];
        for (const { title, args, says } of unjudgeable) {
            it(title, async () => {
                const run = await runGate(args);

                assertGateRun(run, 2, says);
            });
        }

        it("shows the error of a program that throws", async () => {
            const run = await runOf(runs, "programThrows");

            assertGateRun(run, 2, "Missing required configuration variable 'gate-fixture-program-throws:maxReceiveCount'");
        });

        it("refuses a pack that does not type-check, as `pulumi preview --policy-pack` does", async () => {
            const run = await runOf(runs, "packTypeError");

            assertGateRun(run, 2, "Type 'string' is not assignable to type 'number'");
        });

        it("names an invoke the gate cannot answer offline", async () => {
            const run = await runOf(runs, "unknownInvoke");

            assertGateRun(run, 2, "the offline gate cannot answer invoke 'aws:ec2/getVpc:getVpc'");
        });
    });
});
