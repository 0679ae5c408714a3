import * as assert from "node:assert/strict";
import { consumerPolicy, ConsumerResources, denyInsecureTransportPolicy, lambdaAssumeRolePolicy, redriveAllowPolicy } from "../../pipeline";

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
