import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import { EnforcementLevel } from "@pulumi/policy";
import { resolveConfig } from "../../policy/config";
import { policies } from "../../policy/policies";
import { ResourceTypes } from "../../policy/resource-types";
import { assertNoViolations, runPolicy } from "../helpers/policy-assertions";
import { buildLane } from "../helpers/policy-lane";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
type ConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

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

        assert.deepEqual(names.filter((name) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name) || names.indexOf(name) !== names.lastIndexOf(name)), []);
    });

    it("gives every policy a description that says 'must' and an enforcement level", () => {
        const incomplete = policies.filter((policy) => !policy.description.includes("must") || policy.enforcementLevel === undefined);

        assert.deepEqual(incomplete.map((policy) => policy.name), []);
    });

    it("uses type tokens that match the @pulumi/aws v7 classes", () => {
        const tokens = Object.fromEntries(Object.keys(classes).map((key) => [key, (classes[key as keyof typeof classes] as { __pulumiType: string }).__pulumiType]));

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

        assert.deepEqual(relaxed.map((policy) => policy.name), []);
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
