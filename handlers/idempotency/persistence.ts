import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * The idempotency table's shape, which the component's table and Powertools must agree on:
 * partition key `id` (string) and TTL on `expiration` (epoch seconds) are Powertools' defaults.
 */
export const IdempotencyTableSchema = {
    partitionKey: "id",
    timeToLiveAttribute: "expiration",
} as const;

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
