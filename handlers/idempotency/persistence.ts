import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IdempotencyTableSchema } from "../environment";

/** Powertools Idempotency persistence on the lane's DynamoDB table. */
export function createIdempotencyStore(tableName: string, client: DynamoDBClient): DynamoDBPersistenceLayer {
    return new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client, keyAttr: IdempotencyTableSchema.partitionKey });
}

/** CreateTable input for the same shape, for the local runtime and tests (the component builds its own with Pulumi). */
export function idempotencyTableDefinition(tableName: string): CreateTableCommandInput {
    return {
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: IdempotencyTableSchema.partitionKey, AttributeType: "S" }],
        KeySchema: [{ AttributeName: IdempotencyTableSchema.partitionKey, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
    };
}
