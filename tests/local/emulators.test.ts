import * as assert from "node:assert/strict";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startEmulators, type LocalEmulators } from "../../local/emulators";

describe("local emulators", () => {
    let emulators: LocalEmulators;

    before(async () => {
        emulators = await startEmulators();
    });
    after(async () => {
        await emulators.stop();
    });

    it("listen on loopback only", () => {
        for (const endpoint of [emulators.sqsEndpoint, emulators.s3Endpoint, emulators.dynamoDbEndpoint]) {
            assert.equal(new URL(endpoint).hostname, "127.0.0.1");
        }
    });

    it("serve SQS: a sent message can be received", async () => {
        // Prepare
        const sqs = new SQSClient({ endpoint: emulators.sqsEndpoint, region: emulators.region, credentials: emulators.credentials });
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "emulator-smoke" }));

        // Act
        await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "hello" }));
        const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));

        // Assess
        assert.equal(received.Messages?.[0]?.Body, "hello");
    });

    it("serve S3 on the same endpoint with path-style requests", async () => {
        // Prepare
        const s3 = new S3Client({ endpoint: emulators.s3Endpoint, region: emulators.region, credentials: emulators.credentials });
        await s3.send(new CreateBucketCommand({ Bucket: "emulator-smoke" }));

        // Act
        await s3.send(new PutObjectCommand({ Bucket: "emulator-smoke", Key: "a/b.json", Body: "{}" }));
        const object = await s3.send(new GetObjectCommand({ Bucket: "emulator-smoke", Key: "a/b.json" }));

        // Assess
        assert.equal(await object.Body?.transformToString(), "{}");
    });

    it("serve DynamoDB with tables active at once", async () => {
        // Prepare
        const dynamo = new DynamoDBClient({
            endpoint: emulators.dynamoDbEndpoint,
            region: emulators.region,
            credentials: emulators.credentials,
        });

        // Act
        await dynamo.send(
            new CreateTableCommand({
                TableName: "emulator-smoke",
                AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
                KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
                BillingMode: "PAY_PER_REQUEST",
            }),
        );
        const table = await dynamo.send(new DescribeTableCommand({ TableName: "emulator-smoke" }));

        // Assess
        assert.equal(table.Table?.TableStatus, "ACTIVE");
    });

    it("name every endpoint in the standard SDK environment variables", () => {
        assert.deepEqual(
            [
                emulators.environment.AWS_ENDPOINT_URL_SQS,
                emulators.environment.AWS_ENDPOINT_URL_S3,
                emulators.environment.AWS_ENDPOINT_URL_DYNAMODB,
            ],
            [emulators.sqsEndpoint, emulators.s3Endpoint, emulators.dynamoDbEndpoint],
        );
    });
});
