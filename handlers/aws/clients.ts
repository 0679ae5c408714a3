import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { EnvironmentSource } from "../config/handler-config";
import { s3Module } from "./s3-module";

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
        // Built on first read: only large payloads need S3 (see s3-module.ts).
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
