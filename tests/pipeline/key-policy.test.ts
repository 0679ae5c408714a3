/**
 * The key policy the stack writes on its own key and the check of an existing key's policy
 * (pipeline/key-policy.ts), and the alarm notifier's documents (alarm-notifier-policies.ts): pure
 * functions, tested here without Pulumi so the `pipeline` mutation scope covers them (issue 18).
 * tests/pipeline/preflight.test.ts runs the existing-key check through `npm run preflight`.
 */
import assert from "node:assert/strict";
import { alarmNotifierDeadLetterQueuePolicy, alarmNotifierPolicy } from "../../pipeline/alarm-notifier-policies";
import { missingKeyPolicyGrants, stackKeyPolicy } from "../../pipeline/key-policy";
import type { PolicyDocument, PolicyStatement } from "../../pipeline/policy-documents";

const ACCOUNT = "123456789012";
const context = { partition: "aws", accountId: ACCOUNT, region: "eu-west-1", dnsSuffix: "amazonaws.com" };

/** A key policy of `statements` only. */
function policyOf(...statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

const serviceUse = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"];
const cloudWatch: PolicyStatement = {
    Sid: "cw",
    Effect: "Allow",
    Principal: { Service: "cloudwatch.amazonaws.com" },
    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
    Resource: "*",
};
const sns: PolicyStatement = { ...cloudWatch, Sid: "sns", Principal: { Service: "sns.amazonaws.com" } };
const account: PolicyStatement = {
    Sid: "acct",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: serviceUse,
    Resource: "*",
};

/** The first words of each missing grant: which principal it is about. */
function missingFor(policy: PolicyDocument): string[] {
    return missingKeyPolicyGrants(policy, ACCOUNT).map((sentence) => sentence.split(" ").slice(0, 4).join(" "));
}

describe("key policy", () => {
    it("administers the stack's key by the account and lets it use the key only through the pipeline's services", () => {
        const root = `arn:aws:iam::${ACCOUNT}:root`;

        assert.deepEqual(stackKeyPolicy(context), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AccountAdministersKey",
                    Effect: "Allow",
                    Principal: { AWS: root },
                    Action: [
                        "kms:CreateAlias",
                        "kms:DeleteAlias",
                        "kms:UpdateAlias",
                        "kms:DescribeKey",
                        "kms:Enable*",
                        "kms:Disable*",
                        "kms:List*",
                        "kms:Get*",
                        "kms:Put*",
                        "kms:Update*",
                        "kms:Revoke*",
                        "kms:TagResource",
                        "kms:UntagResource",
                        "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion",
                        "kms:RotateKeyOnDemand",
                    ],
                    Resource: "*",
                },
                {
                    Sid: "AccountUsesKeyThroughPipelineServices",
                    Effect: "Allow",
                    Principal: { AWS: root },
                    Action: serviceUse,
                    Resource: "*",
                    Condition: {
                        StringEquals: {
                            "kms:CallerAccount": ACCOUNT,
                            "kms:ViaService": [
                                "sqs.eu-west-1.amazonaws.com",
                                "sns.eu-west-1.amazonaws.com",
                                "lambda.eu-west-1.amazonaws.com",
                                "dynamodb.eu-west-1.amazonaws.com",
                                "s3.eu-west-1.amazonaws.com",
                                "ssm.eu-west-1.amazonaws.com",
                            ],
                        },
                    },
                },
                { ...cloudWatch, Sid: "CloudWatchAlarmsPublishToEncryptedTopic" },
                { ...sns, Sid: "SnsRedrivesUndeliveredAlarmsToEncryptedQueue" },
            ],
        });
    });

    it("finds nothing missing in the policy the stack writes", () => {
        assert.deepEqual(missingKeyPolicyGrants(stackKeyPolicy(context), ACCOUNT), []);
    });

    it("finds nothing missing in a policy of the three grants", () => {
        assert.deepEqual(missingKeyPolicyGrants(policyOf(cloudWatch, sns, account), ACCOUNT), []);
    });

    it("names each of the three grants an empty policy lacks, saying what would fail", () => {
        assert.deepEqual(missingKeyPolicyGrants(policyOf(), ACCOUNT), [
            "no statement lets cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*: alarms published to the encrypted topic would be dropped",
            "no statement lets sns.amazonaws.com kms:Decrypt and kms:GenerateDataKey*: alarm notifications SNS cannot deliver to the notifier could not reach its encrypted DLQ and would be lost",
            `no statement lets account ${ACCOUNT} (its IAM principals, through sqs, sns, lambda, dynamodb, s3, ssm) kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:CreateGrant, kms:DescribeKey: ` +
                'Lambda\'s CreateFunction would fail with "KMS key is invalid for CreateGrant" and the queues, table and parameters could not use the key',
        ]);
    });

    it("does not count a Deny as a grant", () => {
        assert.deepEqual(missingFor(policyOf({ ...cloudWatch, Effect: "Deny" }, sns, account)), [
            "no statement lets cloudwatch.amazonaws.com",
        ]);
    });

    it("does not count a grant of only some of the actions", () => {
        assert.deepEqual(missingFor(policyOf({ ...cloudWatch, Action: ["kms:Decrypt"] }, sns, account)), [
            "no statement lets cloudwatch.amazonaws.com",
        ]);
    });

    it("does not count a grant to another service for CloudWatch's", () => {
        assert.deepEqual(missingFor(policyOf({ ...cloudWatch, Principal: { Service: "events.amazonaws.com" } }, sns, account)), [
            "no statement lets cloudwatch.amazonaws.com",
        ]);
    });

    it("accepts a service principal among several, and a single action written as a string", () => {
        const both: PolicyStatement = {
            ...cloudWatch,
            Principal: { Service: ["cloudwatch.amazonaws.com", "sns.amazonaws.com"] } as unknown as { Service: string },
            Action: "kms:*",
        };

        assert.deepEqual(missingKeyPolicyGrants(policyOf(both, account), ACCOUNT), []);
    });

    it("takes a grant of actions matching without regard to case", () => {
        assert.deepEqual(missingFor(policyOf({ ...cloudWatch, Action: ["KMS:DECRYPT", "kms:generatedatakey*"] }, sns, account)), []);
    });

    it("does not read a pattern's other characters as wildcards", () => {
        // "kms:Decryp." would match "kms:Decrypt" if the dot were a regular-expression wildcard.
        assert.deepEqual(missingFor(policyOf({ ...cloudWatch, Action: ["kms:Decryp.", "kms:GenerateDataKey*"] }, sns, account)), [
            "no statement lets cloudwatch.amazonaws.com",
        ]);
    });

    it("keeps a pattern's other characters as they are written", () => {
        // Dropped, the dot of "kms:De.crypt" would leave "kms:Decrypt".
        assert.deepEqual(missingFor(policyOf({ ...cloudWatch, Action: ["kms:De.crypt", "kms:GenerateDataKey*"] }, sns, account)), [
            "no statement lets cloudwatch.amazonaws.com",
        ]);
    });

    it("does not take a grant of a longer action for the one wanted", () => {
        assert.deepEqual(missingFor(policyOf({ ...cloudWatch, Action: ["kms:DecryptMore", "kms:GenerateDataKey*"] }, sns, account)), [
            "no statement lets cloudwatch.amazonaws.com",
        ]);
    });

    it("takes a grant of the exact action a wanted pattern names without its star", () => {
        // kms:GenerateDataKey* is wanted; a grant of kms:GenerateDataKey covers its base action.
        assert.deepEqual(missingFor(policyOf({ ...cloudWatch, Action: ["kms:Decrypt", "kms:GenerateDataKey"] }, sns, account)), []);
    });

    for (const principal of [`arn:aws-cn:iam::${ACCOUNT}:root`, `arn:aws-us-gov:iam::${ACCOUNT}:root`, ACCOUNT, "*"]) {
        it(`accepts the account's use granted to ${principal}`, () => {
            assert.deepEqual(missingFor(policyOf(cloudWatch, sns, { ...account, Principal: { AWS: principal } })), []);
        });
    }

    it("accepts the account's use granted to the principal '*'", () => {
        assert.deepEqual(missingFor(policyOf(cloudWatch, sns, { ...account, Principal: "*" })), []);
    });

    it("does not take another account's root, or a statement without principal, for the account", () => {
        const other = { ...account, Principal: { AWS: "arn:aws:iam::999999999999:root" } };
        const none = { ...account, Principal: undefined };

        assert.deepEqual(missingFor(policyOf(cloudWatch, sns, other, none)), ["no statement lets account"]);
    });

    it("does not take a service principal for the account, or the account's root for a service", () => {
        const asService = { ...account, Principal: { Service: `arn:aws:iam::${ACCOUNT}:root` } };
        const rootForCloudWatch = { ...cloudWatch, Principal: { AWS: "cloudwatch.amazonaws.com" } };

        assert.deepEqual(missingFor(policyOf(rootForCloudWatch, sns, asService)), [
            "no statement lets cloudwatch.amazonaws.com",
            "no statement lets account",
        ]);
    });
});

describe("alarm notifier policies", () => {
    const resources = {
        deadLetterQueueArn: "arn:aws:sqs:eu-west-1:123456789012:p-alarm-notifier-dlq",
        logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/p-alarm-notifier",
        parameterArns: ["arn:aws:ssm:eu-west-1:123456789012:parameter/p/a", "arn:aws:ssm:eu-west-1:123456789012:parameter/p/b"],
    };
    const statements = [
        { Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: resources.parameterArns },
        { Sid: "OnFailureDestination", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: resources.deadLetterQueueArn },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${resources.logGroupArn}:*`,
        },
        { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
    ];

    it("grants the notifier its secrets, its DLQ, its logs and traces, and no key without one", () => {
        assert.deepEqual(alarmNotifierPolicy(resources), { Version: "2012-10-17", Statement: statements });
    });

    it("grants the notifier the customer's key when there is one", () => {
        assert.deepEqual(alarmNotifierPolicy({ ...resources, kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" }), {
            Version: "2012-10-17",
            Statement: [
                ...statements,
                {
                    Sid: "UseCustomerKey",
                    Effect: "Allow",
                    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                    Resource: "arn:aws:kms:eu-west-1:123456789012:key/k",
                },
            ],
        });
    });

    it("lets only SNS send to the notifier's DLQ, for the alarm topic, over TLS", () => {
        const topic = "arn:aws:sns:eu-west-1:123456789012:p-alarms";

        assert.deepEqual(alarmNotifierDeadLetterQueuePolicy(resources.deadLetterQueueArn, topic), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sqs:*",
                    Resource: [resources.deadLetterQueueArn],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
                {
                    Sid: "AlarmTopicSubscriptionRedrive",
                    Effect: "Allow",
                    Principal: { Service: "sns.amazonaws.com" },
                    Action: "sqs:SendMessage",
                    Resource: resources.deadLetterQueueArn,
                    Condition: { ArnEquals: { "aws:SourceArn": topic } },
                },
            ],
        });
    });
});
