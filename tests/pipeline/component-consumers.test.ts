import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { bundleHandler } from "../../pipeline/handler-bundle";
import { HandlerEnvironment } from "../../handlers/environment";
import { buildPipeline, laneResource, ResourceTypes } from "../helpers/pipeline-fixture";
import { parsedJson, TEST_ACCOUNT_ID, TEST_REGION } from "../helpers/pulumi-mocks";

interface Statement {
    Action: string | string[];
    Resource: string | string[];
    Condition?: unknown;
}

const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

describe("EscalationPipeline consumers", () => {
    it("runs each consumer on nodejs22.x and arm64", async () => {
        const { stack } = await buildPipeline();

        for (const fn of stack.ofType(ResourceTypes.function)) {
            assert.equal(fn.inputs.runtime, "nodejs22.x");
            assert.deepEqual(fn.inputs.architectures, ["arm64"]);
        }
    });

    it("sets timeout, memory and reserved concurrency explicitly from config", async () => {
        const { stack } = await buildPipeline({
            options: { toolCall: { functionTimeoutSeconds: 45, memorySizeMb: 1024, reservedConcurrency: 8 } },
        });
        const fn = laneResource(stack, "tool-call", "consumer");

        assert.equal(fn.inputs.timeout, 45);
        assert.equal(fn.inputs.memorySize, 1024);
        assert.equal(fn.inputs.reservedConcurrentExecutions, 8);
    });

    it("turns on active tracing", async () => {
        const { stack } = await buildPipeline();

        assert.deepEqual(laneResource(stack, "escalation", "consumer").inputs.tracingConfig, { mode: "Active" });
    });

    it("logs as JSON to the function's own log group with the configured retention", async () => {
        const { stack } = await buildPipeline({ options: { logRetentionDays: 14 } });
        const fn = laneResource(stack, "escalation", "consumer");
        const logGroup = laneResource(stack, "escalation", "logs");

        assert.deepEqual(fn.inputs.loggingConfig, {
            logFormat: "JSON",
            logGroup: logGroup.inputs.name,
            applicationLogLevel: "INFO",
            systemLogLevel: "INFO",
        });
        assert.equal(logGroup.inputs.name, `/aws/lambda/${fn.inputs.name}`);
        assert.equal(logGroup.inputs.retentionInDays, 14);
    });

    it("lets Lambda pass DEBUG lines through when the config asks for DEBUG (Lambda filters JSON logs at INFO otherwise)", async () => {
        const { stack } = await buildPipeline({ options: { logLevel: "DEBUG" } });
        const loggingConfig = laneResource(stack, "tool-call", "consumer").inputs.loggingConfig as Record<string, unknown>;

        assert.equal(loggingConfig.applicationLogLevel, "DEBUG");
        assert.equal(loggingConfig.systemLogLevel, "DEBUG");
    });

    it("maps ERROR to the closest system log level Lambda has, WARN", async () => {
        const { stack } = await buildPipeline({ options: { logLevel: "ERROR" } });
        const loggingConfig = laneResource(stack, "escalation", "consumer").inputs.loggingConfig as Record<string, unknown>;

        assert.deepEqual([loggingConfig.applicationLogLevel, loggingConfig.systemLogLevel], ["ERROR", "WARN"]);
    });

    it("packages the esbuild bundle of the lane's handler with its source map and lazily loaded modules", async () => {
        const { stack } = await buildPipeline();
        const fn = laneResource(stack, "tool-call", "consumer");
        const assets = await (fn.inputs.code as pulumi.asset.AssetArchive).assets;
        const code = await (assets["index.js"] as pulumi.asset.StringAsset).text;

        assert.deepEqual(Object.keys(assets).sort(), Object.keys(bundleHandler("toolCall").files).sort());
        assert.ok(Object.keys(assets).includes("index.js.map"));
        assert.equal(code, bundleHandler("toolCall").code);
        assert.equal(fn.inputs.handler, "index.handler");
    });

    it("reserves no concurrency by default and bounds the consumer with the mapping's maximumConcurrency of 5", async () => {
        const { stack } = await buildPipeline();

        assert.equal(laneResource(stack, "escalation", "consumer").inputs.reservedConcurrentExecutions, undefined);
        assert.deepEqual(laneResource(stack, "escalation", "mapping").inputs.scalingConfig, { maximumConcurrency: 5 });
    });

    it("reports batch item failures from every event source mapping", async () => {
        const { stack } = await buildPipeline();

        for (const mapping of stack.ofType(ResourceTypes.eventSourceMapping)) {
            assert.deepEqual(mapping.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
        }
    });

    it("connects each mapping to its own queue and function", async () => {
        const { stack } = await buildPipeline();
        const mapping = laneResource(stack, "escalation", "mapping");

        assert.equal(
            mapping.inputs.eventSourceArn,
            `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${laneResource(stack, "escalation", "queue").inputs.name}`,
        );
        assert.equal(mapping.inputs.functionName, laneResource(stack, "escalation", "consumer").inputs.name);
    });

    it("bounds the mapping's maximum concurrency within the function's reserved concurrency", async () => {
        const { stack } = await buildPipeline({ options: { escalation: { reservedConcurrency: 10, maximumConcurrency: 4 } } });

        assert.deepEqual(laneResource(stack, "escalation", "mapping").inputs.scalingConfig, { maximumConcurrency: 4 });
        assert.equal(laneResource(stack, "escalation", "consumer").inputs.reservedConcurrentExecutions, 10);
    });

    it("uses the configured batch size and batching window on the standard lane", async () => {
        const { stack } = await buildPipeline({ options: { escalation: { batchSize: 50, batchingWindowSeconds: 3 } } });
        const mapping = laneResource(stack, "escalation", "mapping");

        assert.equal(mapping.inputs.batchSize, 50);
        assert.equal(mapping.inputs.maximumBatchingWindowInSeconds, 3);
    });

    it("gives the FIFO mapping no batching window", async () => {
        const { stack } = await buildPipeline();

        assert.equal(laneResource(stack, "tool-call", "mapping").inputs.maximumBatchingWindowInSeconds, undefined);
    });

    it("gives each function its own role", async () => {
        const { stack } = await buildPipeline();
        const roles = stack.ofType(ResourceTypes.function).map((fn) => fn.inputs.role);

        // Two consumers and the alarm notifier.
        assert.equal(new Set(roles).size, 3);
        assert.equal(stack.ofType(ResourceTypes.role).length, 3);
    });

    it("attaches no managed policy (no *FullAccess) to any role", async () => {
        const { stack } = await buildPipeline();

        assert.equal(stack.ofType(ResourceTypes.rolePolicyAttachment).length, 0);
    });

    it("grants no wildcard action in any role policy", async () => {
        const { stack } = await buildPipeline();
        const policies = stack.ofType(ResourceTypes.rolePolicy);

        // One per role (two consumers, the notifier): without this the loop passes with no policy at all.
        assert.equal(policies.length, 3);
        for (const policy of policies) {
            const granted = actions(parsedJson<{ Statement: Statement[] }>(policy.inputs.policy).Statement);
            assert.ok(
                granted.every((action) => !action.includes("*")),
                `wildcard in ${granted.join(", ")}`,
            );
        }
    });

    it("scopes each consumer's SQS permissions to its own queue and DLQ", async () => {
        const { stack } = await buildPipeline();
        const statements = parsedJson<{ Statement: Statement[] }>(laneResource(stack, "tool-call", "permissions").inputs.policy).Statement;
        const sqsResources = statements.filter((s) => actions([s]).some((a) => a.startsWith("sqs:"))).flatMap((s) => [s.Resource].flat());
        const queueNames = [laneResource(stack, "tool-call", "queue").inputs.name, laneResource(stack, "tool-call", "dlq").inputs.name];

        assert.deepEqual(sqsResources.map((arn) => arn.split(":").pop()).sort(), [...queueNames].sort());
    });

    it("runs each consumer as its own role, named by the role's IAM ARN (global: no region)", async () => {
        const { stack } = await buildPipeline();

        assert.equal(
            laneResource(stack, "escalation", "consumer").inputs.role,
            `arn:aws:iam::${TEST_ACCOUNT_ID}:role/${laneResource(stack, "escalation", "role").inputs.name}`,
        );
    });

    it("grants each consumer the idempotency table and its own log group by their ARNs", async () => {
        const { stack } = await buildPipeline();
        const statements = parsedJson<{ Statement: Statement[] }>(laneResource(stack, "tool-call", "permissions").inputs.policy).Statement;
        const resources = statements.flatMap((s) => [s.Resource].flat());
        const tableName = stack.ofType(ResourceTypes.table)[0].inputs.name;
        const logGroupName = laneResource(stack, "tool-call", "logs").inputs.name;

        assert.ok(resources.includes(`arn:aws:dynamodb:${TEST_REGION}:${TEST_ACCOUNT_ID}:table/${tableName}`), JSON.stringify(resources));
        assert.ok(
            resources.includes(`arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT_ID}:log-group:${logGroupName}:*`),
            JSON.stringify(resources),
        );
    });

    it("lets each consumer list the payload bucket, so a missing payload is 404 NoSuchKey and not 403", async () => {
        const { stack } = await buildPipeline();
        const bucketName = stack.ofType(ResourceTypes.bucket)[0].inputs.bucket;

        for (const lane of ["escalation", "tool-call"] as const) {
            const statements = parsedJson<{ Statement: Statement[] }>(laneResource(stack, lane, "permissions").inputs.policy).Statement;
            const listing = statements.filter((s) => actions([s]).includes("s3:ListBucket"));
            assert.deepEqual(
                listing.map((s) => s.Resource),
                [`arn:aws:s3:::${bucketName}`],
            );
        }
    });

    it("names each role policy from the prefix", async () => {
        const { stack } = await buildPipeline();

        assert.deepEqual(
            stack
                .ofType(ResourceTypes.rolePolicy)
                .map((p) => p.inputs.name)
                .sort(),
            [
                "escalation-pipeline-test-main-alarm-notifier-permissions",
                "escalation-pipeline-test-main-escalation-pager-permissions",
                "escalation-pipeline-test-main-tool-executor-permissions",
            ],
        );
    });

    it("lets each consumer use the stack-created key, and encrypts its environment with it", async () => {
        const { stack } = await buildPipeline({ options: { encryption: "stackKey" } });
        const [key] = stack.ofType(ResourceTypes.kmsKey);
        const keyArn = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT_ID}:key/${key.name}-key-id`;
        const statements = parsedJson<{ Statement: Statement[] }>(laneResource(stack, "escalation", "permissions").inputs.policy).Statement;

        // By alias: the key's ARN is unknown at the first preview, when the policy pack reads this policy.
        assert.deepEqual(
            statements.filter((s) => actions([s]).includes("kms:Decrypt")).map((s) => [s.Resource, s.Condition]),
            [
                [
                    `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT_ID}:key/*`,
                    { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/escalation-pipeline-test-main" } },
                ],
            ],
        );
        assert.equal(laneResource(stack, "escalation", "consumer").inputs.kmsKeyArn, keyArn);
    });

    it("lets only the escalation pager read the PagerDuty and Slack parameters", async () => {
        const { stack } = await buildPipeline();
        const pager = actions(
            parsedJson<{ Statement: Statement[] }>(laneResource(stack, "escalation", "permissions").inputs.policy).Statement,
        );
        const executor = actions(
            parsedJson<{ Statement: Statement[] }>(laneResource(stack, "tool-call", "permissions").inputs.policy).Statement,
        );

        assert.ok(pager.includes("ssm:GetParameter"));
        assert.ok(!executor.includes("ssm:GetParameter"));
    });

    it("grants the pager its PagerDuty and Slack parameters by their full ARNs, the parameter name's leading slash kept", async () => {
        const { stack } = await buildPipeline();
        const statements = parsedJson<{ Statement: Statement[] }>(laneResource(stack, "escalation", "permissions").inputs.policy).Statement;
        const parameterArn = (name: string) => `arn:aws:ssm:${TEST_REGION}:${TEST_ACCOUNT_ID}:parameter${name}`;

        assert.deepEqual(
            statements.filter((s) => actions([s]).includes("ssm:GetParameter")).map((s) => s.Resource),
            [
                [
                    parameterArn("/escalation-pipeline-test-main/pagerduty-routing-key"),
                    parameterArn("/escalation-pipeline-test-main/slack-webhook-url"),
                ],
            ],
        );
    });

    it("tells the handler its queue, DLQ, maxReceiveCount, visibility, backoff tiers and idempotency expiry", async () => {
        const { stack } = await buildPipeline({
            options: { escalation: { functionTimeoutSeconds: 10, maxReceiveCount: 4, backoffTiersSeconds: [2, 20, 200] } },
        });
        const variables = (laneResource(stack, "escalation", "consumer").inputs.environment as { variables: Record<string, string> })
            .variables;

        assert.match(variables[HandlerEnvironment.queueUrl], /\/123456789012\/escalation-pipeline-test-main-escalations$/);
        assert.match(variables[HandlerEnvironment.deadLetterQueueUrl], /escalations-dlq$/);
        assert.equal(variables[HandlerEnvironment.maxReceiveCount], "4");
        assert.equal(variables[HandlerEnvironment.visibilityTimeoutSeconds], "60");
        assert.equal(variables[HandlerEnvironment.backoffTiersSeconds], "2,20,60");
        assert.equal(variables[HandlerEnvironment.idempotencyExpirySeconds], "86400");
    });

    it("passes secrets to the handler only as SSM parameter names", async () => {
        const { stack } = await buildPipeline({
            pagerDutyRoutingKey: "R0UT1NGKEY",
            slackWebhookUrl: "https://hooks.slack.com/services/T/B/X",
        });
        const variables = (laneResource(stack, "escalation", "consumer").inputs.environment as { variables: Record<string, string> })
            .variables;

        assert.equal(variables[HandlerEnvironment.pagerDutyRoutingKeyParameter], "/escalation-pipeline-test-main/pagerduty-routing-key");
        assert.ok(Object.values(variables).every((value) => !value.includes("R0UT1NGKEY") && !value.includes("hooks.slack.com")));
    });

    it("stores configured secrets as SecureString parameters", async () => {
        const { stack } = await buildPipeline({ pagerDutyRoutingKey: "R0UT1NGKEY" });
        const parameters = stack.ofType(ResourceTypes.parameter);

        assert.equal(parameters.length, 1);
        assert.equal(parameters[0].inputs.type, "SecureString");
    });
});
