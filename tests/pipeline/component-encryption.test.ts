import * as assert from "node:assert/strict";
import { buildPipeline, ResourceTypes, single } from "../helpers/pipeline-fixture";
import { parsedJson, MockStack, TEST_ACCOUNT_ID, TEST_REGION } from "../helpers/pulumi-mocks";

interface KeyStatement {
    Sid: string;
    Effect: string;
    Principal: { AWS?: string; Service?: string };
    Action: string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

const keyPolicyOf = (stack: MockStack) =>
    parsedJson<{ Statement: KeyStatement[] }>(stack.ofType(ResourceTypes.kmsKey)[0].inputs.policy).Statement;
describe("EscalationPipeline encryption with the key the stack creates", () => {
    let stack: MockStack;
    let keyArn: string;

    before(async () => {
        ({ stack } = await buildPipeline({ options: { encryption: "stackKey" } }));
        keyArn = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT_ID}:key/${single(stack, ResourceTypes.kmsKey).name}-key-id`;
    });

    it("creates one key with automatic rotation and a 30-day deletion window", () => {
        const key = single(stack, ResourceTypes.kmsKey);

        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.inputs.deletionWindowInDays, 30);
    });

    it("names the key by an alias derived from the prefix", () => {
        assert.equal(single(stack, ResourceTypes.kmsAlias).inputs.name, "alias/escalation-pipeline-test-main");
    });

    it("lets CloudWatch decrypt and generate data keys, so alarms can publish to the encrypted topic", () => {
        const cloudWatch = keyPolicyOf(stack).filter((s) => s.Principal.Service === "cloudwatch.amazonaws.com");

        assert.equal(cloudWatch.length, 1);
        assert.equal(cloudWatch[0].Effect, "Allow");
        assert.deepEqual(cloudWatch[0].Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
    });

    it("lets the account use the key only through SQS, SNS, Lambda, DynamoDB, S3 and SSM", () => {
        const use = keyPolicyOf(stack).filter((s) => s.Action.includes("kms:Decrypt") && s.Principal.AWS !== undefined);

        assert.equal(use.length, 1);
        assert.equal(use[0].Principal.AWS, `arn:aws:iam::${TEST_ACCOUNT_ID}:root`);
        assert.deepEqual(
            use[0].Condition?.StringEquals["kms:ViaService"],
            ["sqs", "sns", "lambda", "dynamodb", "s3", "ssm"].map((service) => `${service}.${TEST_REGION}.amazonaws.com`),
        );
        assert.equal(use[0].Condition?.StringEquals["kms:CallerAccount"], TEST_ACCOUNT_ID);
    });

    it("lets SNS send undelivered alarm notifications into the notifier's encrypted DLQ", () => {
        const sns = keyPolicyOf(stack).filter((s) => s.Principal.Service === "sns.amazonaws.com");

        assert.deepEqual(
            sns.map((s) => [s.Effect, s.Action]),
            [["Allow", ["kms:Decrypt", "kms:GenerateDataKey*"]]],
        );
    });

    it("grants no other principal anything in the key policy", () => {
        const principals = keyPolicyOf(stack).map((s) => s.Principal.AWS ?? s.Principal.Service);

        assert.deepEqual([...new Set(principals)].sort(), [
            `arn:aws:iam::${TEST_ACCOUNT_ID}:root`,
            "cloudwatch.amazonaws.com",
            "sns.amazonaws.com",
        ]);
    });

    it("gives account administrators no direct use of the key (only through the services)", () => {
        const administration = keyPolicyOf(stack).find((s) => s.Sid === "AccountAdministersKey");

        assert.ok(administration !== undefined);
        assert.ok(
            !administration.Action.some((action) => ["kms:Decrypt", "kms:Encrypt", "kms:CreateGrant", "kms:*"].includes(action)),
            administration.Action.join(", "),
        );
    });

    it("encrypts the alarm topic, the table and the functions' environment with it", () => {
        assert.equal(single(stack, ResourceTypes.topic).inputs.kmsMasterKeyId, keyArn);
        assert.deepEqual(single(stack, ResourceTypes.table).inputs.serverSideEncryption, { enabled: true, kmsKeyArn: keyArn });
        // Both consumers and the alarm notifier.
        assert.deepEqual(
            stack.ofType(ResourceTypes.function).map((fn) => fn.inputs.kmsKeyArn),
            [keyArn, keyArn, keyArn],
        );
    });

    it("encrypts the payload bucket by default with it, with a bucket key", () => {
        const encryption = single(stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");

        assert.deepEqual((encryption.inputs.rules as unknown[])[0], {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn },
            bucketKeyEnabled: true,
        });
    });

    it("protects the key by default: deleting it would make everything encrypted with it unreadable", () => {
        assert.deepEqual(single(stack, ResourceTypes.kmsKey).options, { protect: true, retainOnDelete: false });
    });
});

describe("EscalationPipeline encryption choices", () => {
    it("creates no key and leaves the topic unencrypted with AWS-managed encryption (CloudWatch cannot publish under the AWS-managed SNS key)", async () => {
        const { stack } = await buildPipeline();

        assert.equal(stack.ofType(ResourceTypes.kmsKey).length, 0);
        assert.equal(single(stack, ResourceTypes.topic).inputs.kmsMasterKeyId, undefined);
    });

    it("stores secrets under the stack's key", async () => {
        const { stack } = await buildPipeline({ options: { encryption: "stackKey" }, pagerDutyRoutingKey: "R0UT1NGKEY" });
        const keyArn = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT_ID}:key/${single(stack, ResourceTypes.kmsKey).name}-key-id`;

        assert.equal(single(stack, ResourceTypes.parameter).inputs.keyId, keyArn);
    });

    it("uses an existing key for the topic, table, parameters and functions", async () => {
        const existing = "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-0123456789ab";
        const { stack } = await buildPipeline({
            options: { encryption: "existingKey", kmsKeyArn: existing },
            slackWebhookUrl: "https://hooks.slack.com/services/T/B/X",
        });

        assert.equal(single(stack, ResourceTypes.topic).inputs.kmsMasterKeyId, existing);
        assert.equal((single(stack, ResourceTypes.table).inputs.serverSideEncryption as { kmsKeyArn: string }).kmsKeyArn, existing);
        assert.equal(single(stack, ResourceTypes.parameter).inputs.keyId, existing);
        assert.deepEqual(
            stack.ofType(ResourceTypes.function).map((fn) => fn.inputs.kmsKeyArn),
            [existing, existing, existing],
        );
    });
});
