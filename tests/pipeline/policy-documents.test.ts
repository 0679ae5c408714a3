import assert from "node:assert/strict";
import {
    consumerPolicy,
    ConsumerResources,
    denyInsecureTransportPolicy,
    lambdaAssumeRolePolicy,
    redriveAllowPolicy,
    redrivePolicy,
} from "../../pipeline";

const resources: ConsumerResources = {
    queueArn: "arn:aws:sqs:eu-west-1:123456789012:q",
    deadLetterQueueArn: "arn:aws:sqs:eu-west-1:123456789012:q-dlq",
    idempotencyTableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/t",
    logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f",
    payloadBucketArn: "arn:aws:s3:::b",
    parameterArns: [],
};

const actionsOf = (doc: ReturnType<typeof consumerPolicy>) => doc.Statement.flatMap((s) => [s.Action].flat());

describe("policy documents", () => {
    it("grants a consumer no wildcard action", () => {
        assert.ok(actionsOf(consumerPolicy(resources)).every((action) => !action.includes("*")));
    });

    it("lets a consumer receive, delete and change visibility only on its own queue", () => {
        const statement = consumerPolicy(resources).Statement.find((s) => [s.Action].flat().includes("sqs:ReceiveMessage"));

        assert.deepEqual(statement?.Resource, resources.queueArn);
        assert.ok([statement?.Action].flat().includes("sqs:ChangeMessageVisibility"));
    });

    it("lets a consumer write to the payload bucket only under the dead-letter prefix", () => {
        const statements = consumerPolicy(resources).Statement.filter((s) => [s.Action].flat().includes("s3:PutObject"));

        assert.deepEqual(
            statements.map((s) => s.Resource),
            [`${resources.payloadBucketArn}/dead-letters/*`],
        );
    });

    it("lets a standard-queue consumer send only to its DLQ and back to its own queue (the in-progress copy on a last receive)", () => {
        const statements = consumerPolicy(resources).Statement.filter((s) => [s.Action].flat().includes("sqs:SendMessage"));

        assert.deepEqual(
            statements.map((s) => s.Resource),
            [resources.queueArn, resources.deadLetterQueueArn],
        );
    });

    it("lets a FIFO consumer send only to its DLQ (a FIFO queue never gets an in-progress copy)", () => {
        const fifo = { ...resources, queueArn: `${resources.queueArn}.fifo`, deadLetterQueueArn: `${resources.deadLetterQueueArn}.fifo` };
        const statements = consumerPolicy(fifo).Statement.filter((s) => [s.Action].flat().includes("sqs:SendMessage"));

        assert.deepEqual(
            statements.map((s) => s.Resource),
            [fifo.deadLetterQueueArn],
        );
    });

    it("grants item operations on the idempotency table and nothing table-wide", () => {
        const statement = consumerPolicy(resources).Statement.find((s) => s.Resource === resources.idempotencyTableArn);

        assert.deepEqual(statement?.Action, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]);
    });

    it("grants parameter reads only when the consumer has parameters", () => {
        const withoutParameters = actionsOf(consumerPolicy(resources));
        const withParameters = consumerPolicy({ ...resources, parameterArns: ["arn:aws:ssm:eu-west-1:123456789012:parameter/p"] });

        assert.ok(!withoutParameters.includes("ssm:GetParameter"));
        assert.deepEqual(withParameters.Statement.find((s) => s.Sid === "ReadOwnSecrets")?.Resource, [
            "arn:aws:ssm:eu-west-1:123456789012:parameter/p",
        ]);
    });

    it("grants use of a customer key only when there is one", () => {
        assert.ok(!actionsOf(consumerPolicy(resources)).includes("kms:Decrypt"));
        assert.ok(
            actionsOf(consumerPolicy({ ...resources, kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" })).includes("kms:Decrypt"),
        );
    });

    it("lets only Lambda assume the consumer role, for this account", () => {
        const [statement] = lambdaAssumeRolePolicy("123456789012").Statement;

        assert.deepEqual(statement.Principal, { Service: "lambda.amazonaws.com" });
        assert.deepEqual(statement.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
    });

    it("denies every request not made over TLS", () => {
        const [statement] = denyInsecureTransportPolicy("sqs", [resources.queueArn]).Statement;

        assert.equal(statement.Effect, "Deny");
        assert.deepEqual(statement.Condition, { Bool: { "aws:SecureTransport": "false" } });
    });

    it("admits redrive into a DLQ only from its own source", () => {
        assert.deepEqual(redriveAllowPolicy(resources.queueArn), { redrivePermission: "byQueue", sourceQueueArns: [resources.queueArn] });
    });
});

/**
 * Each document whole, as AWS stores it: a statement, action, Sid or condition that changes is a
 * change of what the pipeline grants (found untested by the `pipeline` mutation scope, issue 18).
 */
describe("policy documents in full", () => {
    const queueStatements = (queueArn: string) => [
        {
            Sid: "ConsumeOwnQueue",
            Effect: "Allow",
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
            Resource: queueArn,
        },
    ];
    const sharedStatements = (deadLetterQueueArn: string) => [
        {
            Sid: "DeadLetterWithReason",
            Effect: "Allow",
            Action: ["sqs:SendMessage", "sqs:GetQueueAttributes"],
            Resource: deadLetterQueueArn,
        },
        {
            Sid: "IdempotencyRecords",
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            Resource: resources.idempotencyTableArn,
        },
        { Sid: "OffloadDeadLetterBodies", Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::b/dead-letters/*" },
        { Sid: "ReadLargePayloads", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" },
        { Sid: "TellMissingPayloads", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::b" },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f:*",
        },
        { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
    ];

    it("grants a standard-queue consumer without secrets or key exactly its queue, the in-progress copy, DLQ, table, bucket, logs and traces", () => {
        assert.deepEqual(consumerPolicy(resources), {
            Version: "2012-10-17",
            Statement: [
                ...queueStatements(resources.queueArn),
                { Sid: "RequeueInProgressCopy", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: resources.queueArn },
                ...sharedStatements(resources.deadLetterQueueArn),
            ],
        });
    });

    it("grants a FIFO consumer with parameters and the stack's key its parameters and the key by alias", () => {
        const fifo = {
            ...resources,
            queueArn: "arn:aws:sqs:eu-west-1:123456789012:q.fifo",
            deadLetterQueueArn: "arn:aws:sqs:eu-west-1:123456789012:q-dlq.fifo",
            parameterArns: ["arn:aws:ssm:eu-west-1:123456789012:parameter/a", "arn:aws:ssm:eu-west-1:123456789012:parameter/b"],
            kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/ignored-beside-the-stack-key",
            stackKey: { alias: "alias/p-key", keyArnPattern: "arn:aws:kms:eu-west-1:123456789012:key/*" },
        };

        assert.deepEqual(consumerPolicy(fifo), {
            Version: "2012-10-17",
            Statement: [
                ...queueStatements(fifo.queueArn),
                ...sharedStatements(fifo.deadLetterQueueArn),
                { Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: fifo.parameterArns },
                {
                    Sid: "UseStackKey",
                    Effect: "Allow",
                    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                    Resource: "arn:aws:kms:eu-west-1:123456789012:key/*",
                    Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/p-key" } },
                },
            ],
        });
    });

    it("grants a consumer a customer's key by its ARN", () => {
        const withKey = { ...resources, kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" };

        assert.deepEqual(consumerPolicy(withKey).Statement.at(-1), {
            Sid: "UseCustomerKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: "arn:aws:kms:eu-west-1:123456789012:key/k",
        });
    });

    it("writes the assume-role policy for Lambda in this account", () => {
        assert.deepEqual(lambdaAssumeRolePolicy("123456789012"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "LambdaAssumeRole",
                    Effect: "Allow",
                    Principal: { Service: "lambda.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
                },
            ],
        });
    });

    it("writes the TLS Deny for every action of the service on every resource given", () => {
        assert.deepEqual(denyInsecureTransportPolicy("s3", ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });

    it("writes the redrive policy with the DLQ and the receive count", () => {
        assert.deepEqual(redrivePolicy("arn:aws:sqs:eu-west-1:123456789012:q-dlq", 4), {
            deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:q-dlq",
            maxReceiveCount: 4,
        });
    });

    it("writes the redrive-allow policy by queue, for the source alone", () => {
        assert.deepEqual(redriveAllowPolicy(resources.queueArn), { redrivePermission: "byQueue", sourceQueueArns: [resources.queueArn] });
    });
});
