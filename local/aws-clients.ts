import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { LocalEmulators } from "./emulators";

type EmulatorEndpoints = Pick<LocalEmulators, "sqsEndpoint" | "s3Endpoint" | "dynamoDbEndpoint" | "region" | "credentials">;

/** SDK clients pointed at the local emulators (never at AWS: endpoint and credentials are explicit). */
export function localSqsClient(emulators: EmulatorEndpoints): SQSClient {
    return new SQSClient({ endpoint: emulators.sqsEndpoint, region: emulators.region, credentials: emulators.credentials });
}

export function localDynamoDbClient(emulators: EmulatorEndpoints): DynamoDBClient {
    return new DynamoDBClient({ endpoint: emulators.dynamoDbEndpoint, region: emulators.region, credentials: emulators.credentials });
}

export function localS3Client(emulators: EmulatorEndpoints): S3Client {
    return new S3Client({ endpoint: emulators.s3Endpoint, region: emulators.region, credentials: emulators.credentials, forcePathStyle: true });
}
