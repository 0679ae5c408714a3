// Issue 10, item 9: fixture programs written in the styles of public Pulumi programs that use SQS
// and Lambda (each fixture's comment names the public program it models; the programs read, and
// what the gate said on a copy of each, are listed in tests/fixtures/programs/CORPUS.md). Every
// one is judged under the prod policy config (every rule mandatory), with the expected verdict
// per rule: the rules named must be violated, and no other. A program whose lookups cannot be
// answered offline must not be judged at all: exit 2, naming each refused invoke, no verdict.
import * as assert from "node:assert/strict";
import * as path from "path";
import { GateRun, PROD_POLICY_CONFIG_ARGS, repoRoot, reportedPolicies, runGateOnFixture, runOf, startRuns } from "./helpers/gate-process";

const prod = PROD_POLICY_CONFIG_ARGS;
const answers = (file: string): string[] => ["--invoke-answers", path.join(repoRoot, "tests", "fixtures", "invoke-answers", file)];

interface Judged {
    readonly program: string;
    readonly args?: readonly string[];
    readonly rules: readonly string[];
}

interface Unjudged {
    readonly program: string;
    readonly refused: readonly string[];
}

/**
 * The rules a consumer breaks when it sets none of the pack's observability: no Errors and Throttles
 * alarms, a log group kept forever (or none), no active tracing.
 */
const UNOBSERVED_CONSUMER = ["cloudwatch-consumer-alarms", "lambda-log-retention", "lambda-tracing-active"];

/**
 * The rules a mapping of a batch size only breaks (queue.onEvent's, or a bare EventSourceMapping): no
 * maximumConcurrency under the function's reserved concurrency, no partial batch responses.
 */
const BATCH_SIZE_ONLY_MAPPING = ["lambda-consumer-concurrency-bounded", "lambda-esm-reports-batch-item-failures"];

const judged: Readonly<Record<string, Judged>> = {
    // queue.onEvent: CallbackFunction with Pulumi's default managed policies, no DLQ, no partial batch responses.
    "corpus-on-event": {
        program: "corpus-on-event",
        rules: [
            ...UNOBSERVED_CONSUMER,
            ...BATCH_SIZE_ONLY_MAPPING,
            "iam-consumer-role-least-privilege",
            "sqs-queue-encrypted-at-rest",
            "sqs-queue-has-dlq",
            "sqs-queue-policy-denies-insecure-transport",
            "sqs-visibility-timeout-covers-consumers",
        ],
    },
    // CallbackFunction, FIFO queues, mapping by ARN string: the FIFO batch of 10 and the 3..5 count pass.
    "corpus-callback-fifo-arn-string": {
        program: "corpus-callback-fifo-arn-string",
        rules: [
            ...UNOBSERVED_CONSUMER,
            "cloudwatch-dlq-depth-alarm",
            "iam-consumer-role-least-privilege",
            "lambda-consumer-concurrency-bounded",
            "sqs-queue-encrypted-at-rest",
            "sqs-queue-policy-denies-insecure-transport",
        ],
    },
    // dlq.arn.apply(JSON.stringify) and RedriveAllowPolicy, auto-named: the count (4) is judged and passes.
    "corpus-redrive-allow-apply": {
        program: "corpus-redrive-allow-apply",
        rules: ["cloudwatch-dlq-depth-alarm", "sqs-queue-encrypted-at-rest", "sqs-queue-policy-denies-insecure-transport"],
    },
    // A QueueLambda component: the 60 s function timeout is not covered by the default 30 s visibility.
    "corpus-queue-lambda-component": {
        program: "corpus-queue-lambda-component",
        rules: [
            ...UNOBSERVED_CONSUMER,
            "cloudwatch-dlq-depth-alarm",
            "lambda-consumer-concurrency-bounded",
            "sqs-queue-encrypted-at-rest",
            "sqs-queue-policy-denies-insecure-transport",
            "sqs-visibility-timeout-covers-consumers",
        ],
    },
    // JavaScript, an explicit provider and onEvent: 180 s of visibility is one CallbackFunction timeout, not six.
    "corpus-js-explicit-provider": {
        program: "corpus-js-explicit-provider",
        rules: [
            ...UNOBSERVED_CONSUMER,
            ...BATCH_SIZE_ONLY_MAPPING,
            "iam-consumer-role-least-privilege",
            "sqs-queue-has-dlq",
            "sqs-queue-policy-denies-insecure-transport",
            "sqs-visibility-timeout-covers-consumers",
        ],
    },
    // JavaScript, an async function never awaited, the DLQ by an ARN string from getCallerIdentity, the count as "4": the count passes.
    "corpus-js-unawaited-promise": {
        program: "corpus-js-unawaited-promise",
        rules: ["cloudwatch-dlq-depth-alarm", "sqs-dlq-retention-longer", "sqs-queue-policy-denies-insecure-transport"],
    },
    // A component whose functions only send to the queue: queue rules apply, consumer rules do not.
    "corpus-producer-component": {
        program: "corpus-producer-component",
        rules: ["sqs-queue-encrypted-at-rest", "sqs-queue-has-dlq", "sqs-queue-policy-denies-insecure-transport"],
    },
    // FIFO in an async entry, the secret answered: equal FIFO retention passes; a count of 3 is advisory only.
    "corpus-fifo-secret-entry (answered)": {
        program: "corpus-fifo-secret-entry",
        args: answers("corpus-fifo-secret.json"),
        rules: [...UNOBSERVED_CONSUMER, "cloudwatch-dlq-depth-alarm", "sqs-queue-policy-denies-insecure-transport"],
    },
    // The same lookups answered "does not exist" (errors in --invoke-answers): the branch that creates everything is judged.
    "corpus-async-entry-lookups (not found)": {
        program: "corpus-async-entry-lookups",
        args: answers("corpus-lookups-not-found.json"),
        rules: [
            ...UNOBSERVED_CONSUMER,
            ...BATCH_SIZE_ONLY_MAPPING,
            "sqs-queue-encrypted-at-rest",
            "sqs-queue-has-dlq",
            "sqs-queue-policy-denies-insecure-transport",
        ],
    },
    // API Gateway sends to the queue; the account comes from a getCallerIdentity promise inside pulumi.interpolate.
    "corpus-apigw-producer": {
        program: "corpus-apigw-producer",
        rules: ["sqs-queue-has-dlq", "sqs-queue-policy-denies-insecure-transport"],
    },
    // An otherwise sound lane whose mapping filters: only the filter blocks.
    "corpus-esm-filter": { program: "corpus-esm-filter", rules: ["lambda-esm-filter-drops-messages"] },
    // Components, onEvent handed an aws.lambda.Function, a topic feeding the queue, a log group without retention.
    "corpus-component-on-event-function": {
        program: "corpus-component-on-event-function",
        rules: [
            ...UNOBSERVED_CONSUMER,
            ...BATCH_SIZE_ONLY_MAPPING,
            "sqs-queue-has-dlq",
            "sqs-queue-policy-denies-insecure-transport",
            "sqs-visibility-timeout-covers-consumers",
        ],
    },
};

const unjudged: Readonly<Record<string, Unjudged>> = {
    // Lookups in try/catch decide what is created: nobody offline can say, so no verdict.
    "corpus-async-entry-lookups": {
        program: "corpus-async-entry-lookups",
        refused: [
            'aws:lambda/getFunction:getFunction({"functionName":"prod-billing-sync"})',
            'aws:lambda/getFunction:getFunction({"functionName":"prod-refund-sync"})',
            'aws:sqs/getQueue:getQueue({"name":"prod-billing-sync-queue"})',
            'aws:sqs/getQueue:getQueue({"name":"prod-refund-sync-queue"})',
        ],
    },
    // The entry awaits a secret before it registers anything.
    "corpus-fifo-secret-entry": {
        program: "corpus-fifo-secret-entry",
        refused: ['aws:secretsmanager/getSecretVersion:getSecretVersion({"secretId":"ledger-qa"})'],
    },
};

/** The refused invokes the gate listed, one per line starting with two spaces and a token. */
function refusedInvokes(stderr: string): string[] {
    return [...new Set([...stderr.matchAll(/^ {2}([a-z0-9-]+:[^:\s]*:[^(\s]+\(.*\))$/gm)].map((m) => m[1]))].sort();
}

describe("offline gate on the real-world style corpus (prod policy config)", function () {
    this.timeout(900_000);
    let runs: Map<string, Promise<GateRun>>;

    before(() => {
        runs = startRuns(
            Object.fromEntries([
                ...Object.entries(judged).map(
                    ([key, { program, args }]) => [key, () => runGateOnFixture(program, [...prod, ...(args ?? [])])] as const,
                ),
                ...Object.entries(unjudged).map(([key, { program }]) => [key, () => runGateOnFixture(program, prod)] as const),
            ]),
        );
    });

    for (const [key, { rules }] of Object.entries(judged)) {
        it(`${key}: exits 1 naming exactly ${rules.length} rule(s)`, async () => {
            const run = await runOf(runs, key);

            assert.deepStrictEqual(
                { code: run.code, mandatory: reportedPolicies(run.stdout, "mandatory") },
                { code: 1, mandatory: [...rules].sort() },
                run.stdout + run.stderr,
            );
        });
    }

    for (const [key, { refused }] of Object.entries(unjudged)) {
        it(`${key}: exits 2 without a verdict, naming its ${refused.length} refused invoke(s)`, async () => {
            const run = await runOf(runs, key);

            assert.deepStrictEqual(
                { code: run.code, verdict: /^Result: /m.test(run.stdout), refused: refusedInvokes(run.stderr) },
                { code: 2, verdict: false, refused: [...refused].sort() },
                run.stdout + run.stderr,
            );
        });
    }
});
