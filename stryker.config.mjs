/**
 * Mutation testing (`npm run test:mutation`), run before each release and not in CI: on two
 * shared cores one area takes up to an hour. MUTATION_SCOPE picks the area (policy-sqs,
 * policy-access, policy-lambda, policy-index, failures, pipeline, pipeline-component; default
 * policy-sqs) so a release can rerun only what changed; each scope keeps
 * its own report and incremental file under reports/mutation/<scope>/, so reruns retest only
 * mutants whose code or covering tests changed. Scores and the survivors judged equivalent:
 * reports/mutation/README.md.
 */
const policyTests = ["tests/policy/**/*.test.ts"];
const scopes = {
    // Queue rules: DLQ, maxReceiveCount, redrive policies, queue settings.
    "policy-sqs": { mutate: ["policy/sqs.ts", "policy/redrive.ts", "policy/queue-settings.ts"], spec: policyTests },
    // Access rules: queue policies (TLS deny, principals), IAM wildcards, the policy documents they read.
    "policy-access": { mutate: ["policy/sqs-access.ts", "policy/iam.ts", "policy/policy-documents.ts"], spec: policyTests },
    // Consumer rules: event source mappings, Lambda settings, alarms, AWS's limits.
    "policy-lambda": {
        mutate: ["policy/event-source-mapping.ts", "policy/lambda.ts", "policy/cloudwatch.ts", "policy/aws-facts.ts"],
        spec: policyTests,
    },
    // What every rule stands on: links between resources, unknown values, exemptions, config, and
    // the server's properties deserialized once per request for all the rules.
    "policy-index": {
        mutate: [
            "policy/stack-index.ts",
            "policy/shared-deserialization.ts",
            "policy/unknown-values.ts",
            "policy/references.ts",
            "policy/rule.ts",
            "policy/exemptions.ts",
            "policy/config.ts",
            "policy/config-schema.ts",
            "policy/messages.ts",
            "policy/resource-props.ts",
            "policy/policies.ts",
        ],
        spec: policyTests,
    },
    // The handlers' failure policy: failure kinds, backoff, dead-letter building and forwarding.
    "failures": {
        mutate: [
            "handlers/errors.ts",
            "handlers/failure-policy.ts",
            "handlers/attempt-record.ts",
            "handlers/dead-letter.ts",
            "handlers/dead-letter-forwarder.ts",
        ],
        spec: [
            "tests/handlers/dead-letter-format.test.ts",
            "tests/handlers/failure-errors.test.ts",
            "tests/handlers/failure-policy-steps.test.ts",
            "tests/handlers/failure-policy.test.ts",
            "tests/handlers/dead-letter-faults.test.ts",
            "tests/handlers/delivery-faults.test.ts",
        ],
    },
    // The pipeline's settings, checks and policy documents (no Pulumi resources): lane settings,
    // validation, names, the stack-config reader, the consumers', notifier's and key's policies.
    "pipeline": {
        mutate: [
            "pipeline/alarm-notifier-policies.ts",
            "pipeline/consumer-environment.ts",
            "pipeline/endpoints.ts",
            "pipeline/key-policy.ts",
            "pipeline/lane-settings.ts",
            "pipeline/pipeline-settings.ts",
            "pipeline/checks.ts",
            "pipeline/limits.ts",
            "pipeline/naming.ts",
            "pipeline/policy-documents.ts",
            "pipeline/stack-config.ts",
        ],
        spec: [
            "tests/pipeline/checks.test.ts",
            "tests/pipeline/endpoints.test.ts",
            "tests/pipeline/key-policy.test.ts",
            "tests/pipeline/lane-options.test.ts",
            "tests/pipeline/lane-settings.test.ts",
            "tests/pipeline/naming.test.ts",
            "tests/pipeline/pipeline-validation.test.ts",
            "tests/pipeline/policy-documents.test.ts",
            "tests/pipeline/preflight.test.ts",
            "tests/pipeline/stack-config.test.ts",
        ],
    },
    // The Pulumi component (resources under Pulumi mocks): every test under tests/pipeline that
    // builds it. Four of those files build one pipeline in a `before` hook; per-test coverage
    // charged that build to the wrong test, so a mutant's run skipped the tests that check it
    // (tests/helpers/stryker-suite-hook-coverage.js). A test builds a whole pipeline, several
    // seconds on the loaded machine, hence the longer timeout.
    "pipeline-component": {
        mutate: [
            "pipeline/escalation-pipeline.ts",
            "pipeline/consumer-lane.ts",
            "pipeline/shared-resources.ts",
            "pipeline/alarm-notifier.ts",
            "pipeline/lane-alarms.ts",
            "pipeline/aws-context.ts",
        ],
        spec: [
            "tests/pipeline/component-*.test.ts",
            "tests/pipeline/lane-alarm-settings.test.ts",
            "tests/pipeline/message-size.test.ts",
            "tests/pipeline/provisioned-pollers.test.ts",
            "tests/pipeline/stacks.test.ts",
        ],
        require: ["tsx/cjs", "./tests/helpers/stryker-suite-hook-coverage.js"],
        timeoutMS: 60000,
    },
};

const scopeName = process.env.MUTATION_SCOPE ?? "policy-sqs";
const scope = scopes[scopeName];
if (scope === undefined) {
    throw new Error(`MUTATION_SCOPE must be one of ${Object.keys(scopes).join(", ")}; '${scopeName}' given`);
}
const reportDirectory = `reports/mutation/${scopeName}`;

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    packageManager: "npm",
    testRunner: "mocha",
    mochaOptions: { config: ".mocharc.json", spec: scope.spec, ...(scope.require !== undefined ? { require: scope.require } : {}) },
    // The TypeScript checker drops mutants that do not compile. On a loaded machine it is the
    // bottleneck (the test runner sat idle 97 % of the time): MUTATION_TYPECHECK=off runs
    // without it, and every mutant then runs as tsx runs it (types stripped), so a mutant that
    // only breaks a type is judged by its behaviour.
    checkers: process.env.MUTATION_TYPECHECK === "off" ? [] : ["typescript"],
    tsconfigFile: "tsconfig.stryker.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    mutate: scope.mutate,
    coverageAnalysis: "perTest",
    // Static mutants (module-level constants) need a fresh test process each: 12 % of the
    // mutants but 43 % of the time on policy/. The tables they would mutate have their own
    // table tests (tests/policy/pack.test.ts: levels, names, descriptions).
    ignoreStatic: true,
    concurrency: 2,
    incremental: true,
    incrementalFile: `${reportDirectory}/stryker-incremental.json`,
    reporters: ["html", "json", "clear-text", "progress"],
    htmlReporter: { fileName: `${reportDirectory}/mutation.html` },
    jsonReporter: { fileName: `${reportDirectory}/mutation.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: true },
    tempDirName: ".stryker-tmp",
    ignorePatterns: [".build", ".local-runtime", "dist", "reports", "docs", ".github"],
    thresholds: { high: 90, low: 80, break: null },
    timeoutMS: scope.timeoutMS ?? 10000,
};
