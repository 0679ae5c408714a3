/**
 * The AWS side of a consumer: the SDK clients (built once per execution environment, endpoints
 * from AWS_ENDPOINT_URL_* for the emulators), FIFO by name, the lazily loaded S3 module, and the
 * idempotency store on the lane's table.
 */
import type * as S3Module from "@aws-sdk/client-s3";
import { DynamoDBClient, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { EnvironmentSource } from "./config";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { IdempotencyTableSchema } from "./environment";

/** The SDK clients a consumer uses, built once per execution environment. */
export interface AwsClients {
    readonly sqs: SQSClient;
    readonly s3: S3Client;
    readonly dynamoDb: DynamoDBClient;
}

/** The SDK's own variable names; in Lambda none is set and every client keeps its defaults. */
const EndpointVariable = { sqs: "AWS_ENDPOINT_URL_SQS", s3: "AWS_ENDPOINT_URL_S3", dynamoDb: "AWS_ENDPOINT_URL_DYNAMODB" } as const;

/**
 * Builds the clients from `environment`, read explicitly (rather than left to the SDK's reading
 * of process.env) so tests and the local runtime can hand a consumer its own environment object.
 * Endpoint overrides use the SDK's standard names. An SQS override must be passed as `endpoint`:
 * without one the SDK sends to the host in the queue URL, and emulators hand out URLs such as
 * http://sqs.us-east-1.localhost:port/... that do not resolve.
 */
export function createAwsClients(environment: EnvironmentSource = process.env): AwsClients {
    let s3: S3Client | undefined;
    return {
        sqs: new SQSClient(clientConfig(environment, EndpointVariable.sqs)),
        // Built on first read: only large payloads need S3 (see s3Module below).
        get s3() {
            s3 ??= new (s3Module().S3Client)(clientConfig(environment, EndpointVariable.s3));
            return s3;
        },
        dynamoDb: new DynamoDBClient(clientConfig(environment, EndpointVariable.dynamoDb)),
    };
}

/**
 * Region and endpoint when the environment names them, SDK defaults otherwise. Static credentials
 * are taken from the environment object only alongside an endpoint override (emulators); against
 * AWS the SDK's own provider chain stays in charge.
 */
export function clientConfig(environment: EnvironmentSource, endpointVariable: string) {
    const endpoint = nonEmpty(environment[endpointVariable]);
    const region = nonEmpty(environment.AWS_REGION) ?? nonEmpty(environment.AWS_DEFAULT_REGION);
    const accessKeyId = nonEmpty(environment.AWS_ACCESS_KEY_ID);
    const secretAccessKey = nonEmpty(environment.AWS_SECRET_ACCESS_KEY);
    return {
        ...(region !== undefined ? { region } : {}),
        ...(endpoint !== undefined ? { endpoint } : {}),
        ...(endpoint !== undefined && accessKeyId !== undefined && secretAccessKey !== undefined
            ? { credentials: { accessKeyId, secretAccessKey } }
            : {}),
    };
}

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value === "" ? undefined : value;
}

// Re-exported for the handlers and tools that import it from here; its home is environment.ts.
export { FIFO_QUEUE_SUFFIX, isFifoQueue } from "./environment";

let loaded: typeof S3Module | undefined;

/**
 * The S3 client module, loaded on first use. Consumers touch S3 only for payloads too large for
 * SQS, and initialising the S3 client's module costs about a third of a cold start
 * (`npm run bench:handlers`), so it is required here, lazily, instead of imported at the top.
 * esbuild keeps a `require`d module in a lazy wrapper, so the bundle pays only when S3 is needed.
 */
export function s3Module(): typeof S3Module {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded ??= require("@aws-sdk/client-s3") as typeof S3Module;
    return loaded;
}

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
