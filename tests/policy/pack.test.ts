import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import { EnforcementLevel } from "@pulumi/policy";
import { resolveConfig } from "../../policy/config";
import { policies } from "../../policy/policies";
import { ResourceTypes } from "../../policy/resource-types";
import { assertNoViolations, runPolicy } from "./helpers/assertions";
import { buildLane } from "./helpers/lane";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
type ConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

/** The level the CLI applies: the policy's own entry, else the file's "all", else the pack's default. */
function effectiveLevel(file: ConfigFile, name: string, fallback: EnforcementLevel | undefined): EnforcementLevel | undefined {
    const entry = file[name];
    const own = typeof entry === "string" ? entry : entry?.enforcementLevel;
    return own ?? (file.all as EnforcementLevel | undefined) ?? fallback;
}

function configFile(environment: string): ConfigFile {
    return JSON.parse(readFileSync(join(__dirname, "..", "..", "policy", "config", `${environment}.json`), "utf8")) as ConfigFile;
}

const classes: Record<keyof typeof ResourceTypes, object> = {
    queue: aws.sqs.Queue,
    redrivePolicy: aws.sqs.RedrivePolicy,
    queuePolicy: aws.sqs.QueuePolicy,
    eventSourceMapping: aws.lambda.EventSourceMapping,
    function: aws.lambda.Function,
    logGroup: aws.cloudwatch.LogGroup,
    metricAlarm: aws.cloudwatch.MetricAlarm,
    role: aws.iam.Role,
    rolePolicy: aws.iam.RolePolicy,
    rolePolicyAttachment: aws.iam.RolePolicyAttachment,
    managedPolicy: aws.iam.Policy,
    policyAttachment: aws.iam.PolicyAttachment,
    rolePolicyAttachmentsExclusive: aws.iam.RolePolicyAttachmentsExclusive,
    redriveAllowPolicy: aws.sqs.RedriveAllowPolicy,
    alias: aws.lambda.Alias,
    functionEventInvokeConfig: aws.lambda.FunctionEventInvokeConfig,
    permission: aws.lambda.Permission,
    functionUrl: aws.lambda.FunctionUrl,
    topicSubscription: aws.sns.TopicSubscription,
    eventTarget: aws.cloudwatch.EventTarget,
    schedule: aws.scheduler.Schedule,
    pipe: aws.pipes.Pipe,
};

describe("policy pack", () => {
    it("names every policy uniquely in kebab-case", () => {
        const names = policies.map((policy) => policy.name);

        assert.deepEqual(
            names.filter((name) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name) || names.indexOf(name) !== names.lastIndexOf(name)),
            [],
        );
    });

    it("gives every policy a description that says 'must' and an enforcement level", () => {
        const incomplete = policies.filter((policy) => !policy.description.includes("must") || policy.enforcementLevel === undefined);

        assert.deepEqual(
            incomplete.map((policy) => policy.name),
            [],
        );
    });

    it("uses type tokens that match the @pulumi/aws v7 classes", () => {
        const tokens = Object.fromEntries(
            Object.keys(classes).map((key) => [key, (classes[key as keyof typeof classes] as { __pulumiType: string }).__pulumiType]),
        );

        assert.deepEqual(tokens, { ...ResourceTypes });
    });

    for (const environment of ["dev", "prod"]) {
        it(`${environment}.json configures only policies of the pack, with valid levels and settings`, () => {
            const file = configFile(environment);

            for (const [name, entry] of Object.entries(file)) {
                const policy = policies.find((p) => p.name === name);
                assert.ok(name === "all" || policy !== undefined, `unknown policy '${name}'`);
                const { enforcementLevel, ...settings } = typeof entry === "string" ? { enforcementLevel: entry } : entry;
                assert.ok(enforcementLevel === undefined || LEVELS.includes(enforcementLevel), `bad level for '${name}'`);
                if (policy !== undefined) {
                    resolveConfig(name, policy.configSchema?.properties ?? {}, settings);
                }
            }
        });
    }

    it("prod.json makes every policy mandatory", () => {
        const file = configFile("prod");

        const relaxed = policies.filter((policy) => {
            const entry = file[policy.name];
            const level = typeof entry === "string" ? entry : (entry?.enforcementLevel ?? file.all);
            return level !== "mandatory";
        });

        assert.deepEqual(
            relaxed.map((policy) => policy.name),
            [],
        );
    });

    it("gives every policy the level this table says, by default and under dev.json and prod.json", () => {
        const expected: Record<string, readonly [EnforcementLevel, EnforcementLevel, EnforcementLevel]> = {
            //                                             default      dev          prod
            // Exemptions: their own reports are always advisory (exemptions.ts), whatever the level.
            "policy-exemptions": ["advisory", "advisory", "mandatory"],
            "policy-exemptions-unused": ["advisory", "advisory", "mandatory"],
            "sqs-queue-has-dlq": ["mandatory", "mandatory", "mandatory"],
            "sqs-max-receive-count": ["mandatory", "mandatory", "mandatory"],
            "sqs-visibility-timeout-covers-consumers": ["mandatory", "mandatory", "mandatory"],
            "sqs-dlq-same-type": ["mandatory", "mandatory", "mandatory"],
            "sqs-dlq-retention-longer": ["mandatory", "mandatory", "mandatory"],
            "sqs-dlq-message-size-not-smaller": ["mandatory", "mandatory", "mandatory"],
            "sqs-dlq-admits-source": ["mandatory", "mandatory", "mandatory"],
            "sqs-redrive-no-cycle": ["mandatory", "mandatory", "mandatory"],
            "cloudwatch-dlq-depth-alarm": ["mandatory", "mandatory", "mandatory"],
            "cloudwatch-alarm-has-action": ["advisory", "advisory", "mandatory"],
            "lambda-esm-reports-batch-item-failures": ["mandatory", "mandatory", "mandatory"],
            "lambda-esm-fifo-batching": ["mandatory", "mandatory", "mandatory"],
            "lambda-esm-batch-window": ["mandatory", "mandatory", "mandatory"],
            "lambda-consumer-concurrency-bounded": ["mandatory", "advisory", "mandatory"],
            "lambda-esm-filter-drops-messages": ["advisory", "advisory", "mandatory"],
            "cloudwatch-consumer-alarms": ["advisory", "advisory", "mandatory"],
            "sqs-queue-encrypted-at-rest": ["advisory", "advisory", "mandatory"],
            "sqs-queue-policy-denies-insecure-transport": ["advisory", "advisory", "mandatory"],
            "sqs-queue-policy-no-wildcards": ["mandatory", "mandatory", "mandatory"],
            "sqs-queue-one-access-policy": ["mandatory", "mandatory", "mandatory"],
            "sqs-queue-policy-service-principal-scoped": ["mandatory", "mandatory", "mandatory"],
            "iam-consumer-role-least-privilege": ["mandatory", "mandatory", "mandatory"],
            "lambda-consumer-not-public": ["mandatory", "mandatory", "mandatory"],
            "lambda-timeout-explicit": ["advisory", "advisory", "mandatory"],
            "lambda-tracing-active": ["advisory", "advisory", "mandatory"],
            "lambda-log-retention": ["advisory", "advisory", "mandatory"],
            "lambda-runtime-supported": ["mandatory", "mandatory", "mandatory"],
        };
        const dev = configFile("dev");
        const prod = configFile("prod");

        const actual = Object.fromEntries(
            policies.map((policy) => [
                policy.name,
                [
                    policy.enforcementLevel,
                    effectiveLevel(dev, policy.name, policy.enforcementLevel),
                    effectiveLevel(prod, policy.name, policy.enforcementLevel),
                ],
            ]),
        );

        assert.deepEqual(actual, expected);
    });

    it("dev.json keeps the mission rules mandatory", () => {
        const file = configFile("dev");

        const levels = ["sqs-max-receive-count", "sqs-visibility-timeout-covers-consumers"].map((name) => {
            const entry = file[name];
            return typeof entry === "string" ? entry : entry?.enforcementLevel;
        });

        assert.deepEqual(levels, ["mandatory", "mandatory"]);
    });

    for (const fifo of [false, true]) {
        for (const linkByValueOnly of [false, true]) {
            it(`passes a compliant ${fifo ? "FIFO" : "standard"} lane under every policy${linkByValueOnly ? ", linked by values only" : ""}`, async () => {
                const lane = buildLane({ fifo, linkByValueOnly });

                const violations = (await Promise.all(policies.map((policy) => runPolicy(policy, lane.resources)))).flat();

                assertNoViolations(violations);
            });
        }
    }
});
