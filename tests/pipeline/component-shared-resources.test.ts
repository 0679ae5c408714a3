/**
 * The shared resources' settings that no other test read: each `it` here kills survivors of the
 * pipeline-component mutation run of 2026-12-03 (reports/mutation/README.md), e.g. the payload
 * bucket's TLS-only policy emptied, its default encryption dropped, the table's key attribute lost.
 */
import * as assert from "node:assert/strict";
import { IdempotencyTableSchema } from "../../handlers/environment";
import { buildPipeline, ResourceTypes, single } from "../helpers/pipeline-fixture";
import { parsedJson, MockStack, TEST_ACCOUNT_ID, TEST_REGION } from "../helpers/pulumi-mocks";

const PREFIX = "escalation-pipeline-test-main";

describe("EscalationPipeline shared resources without a key of the stack's own", () => {
    let stack: MockStack;

    before(async () => {
        ({ stack } = await buildPipeline());
    });

    it("refuses every request to the payload bucket and its objects that does not use TLS", () => {
        const bucketName = single(stack, ResourceTypes.bucket).inputs.bucket;
        const policy = parsedJson<{ Statement: { Effect: string; Action: unknown; Resource: unknown; Condition: unknown }[] }>(
            single(stack, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy,
        );

        assert.deepEqual(policy.Statement, [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
    });

    it("encrypts the payload bucket with S3-managed keys (AES256) and no bucket key", () => {
        const [rule] = single(stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs
            .rules as { applyServerSideEncryptionByDefault: unknown; bucketKeyEnabled: boolean }[];

        assert.deepEqual(rule, { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false });
    });

    it("names its one payload expiry rule and enables it", () => {
        const [rule] = single(stack, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as {
            id: string;
            status: string;
        }[];

        assert.deepEqual([rule.id, rule.status], ["expire-payloads", "Enabled"]);
    });

    it("declares the idempotency table's key as a string attribute and leaves it on DynamoDB's own encryption", () => {
        const table = single(stack, ResourceTypes.table);

        assert.deepEqual(table.inputs.attributes, [{ name: IdempotencyTableSchema.partitionKey, type: "S" }]);
        assert.equal(table.inputs.serverSideEncryption, undefined);
    });

    it("alarms on the notifier's DLQ by the maximum of its visible messages above zero, quiet when there is no data, naming the queue", () => {
        const alarm = stack.named("main-alarm-notifier-dlq-depth");

        assert.deepEqual(
            [alarm.inputs.namespace, alarm.inputs.statistic, alarm.inputs.comparisonOperator, alarm.inputs.treatMissingData],
            ["AWS/SQS", "Maximum", "GreaterThanThreshold", "notBreaching"],
        );
        assert.match(String(alarm.inputs.alarmDescription), new RegExp(`are in ${PREFIX}-alarm-notifier-dlq: PagerDuty or Slack`));
    });

    it("grants the alarm notifier the pager's two SSM parameters by their full ARNs", () => {
        const permissions = stack
            .ofType(ResourceTypes.rolePolicy)
            .find((policy) => String(policy.inputs.name).startsWith(`${PREFIX}-alarm-notifier`));
        assert.ok(permissions, "the alarm notifier has a role policy");
        const statements = parsedJson<{ Statement: { Action: string[]; Resource: unknown }[] }>(permissions.inputs.policy).Statement;
        const parameterArn = (name: string) => `arn:aws:ssm:${TEST_REGION}:${TEST_ACCOUNT_ID}:parameter/${PREFIX}/${name}`;

        assert.deepEqual(statements.find((statement) => statement.Action.includes("ssm:GetParameter"))?.Resource, [
            parameterArn("pagerduty-routing-key"),
            parameterArn("slack-webhook-url"),
        ]);
    });
});
