/**
 * In-process AWS emulators for tests and the local runtime: fauxqs (SQS and S3 on one endpoint)
 * and dynalite (DynamoDB). Both listen on 127.0.0.1 on ports the OS picks, so several suites can
 * run at once and nothing is reachable from another machine. There is no SSM emulator: handlers
 * take secrets from an injected source locally (see handlers/secrets/).
 *
 * fauxqs needs Node >= 22.5 (node:sqlite): run anything importing this module with the Node 22
 * binary from node_modules (npx puts it first on PATH).
 */
import type * as http from "node:http";
import type { AddressInfo } from "node:net";

/** Static credentials: the emulators accept any, the SDK only needs some to sign requests. */
export const EMULATOR_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

export interface EmulatorOptions {
    /**
     * Region the emulated resources live in (ARNs and queue URLs carry it).
     * @default "us-east-1"
     */
    readonly region?: string;
}

export interface LocalEmulators {
    /** SQS endpoint (fauxqs). Queue URLs it returns name the host `sqs.<region>.localhost`; clients must send to this endpoint instead (see `environment`). */
    readonly sqsEndpoint: string;
    /** S3 endpoint (the same fauxqs server). It is an IP address, so the SDK uses path-style requests. */
    readonly s3Endpoint: string;
    /** DynamoDB endpoint (dynalite, in memory, tables ACTIVE at once). */
    readonly dynamoDbEndpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
    /**
     * The standard AWS SDK v3 variables that point every client at these emulators
     * (AWS_ENDPOINT_URL_SQS, _S3, _DYNAMODB, AWS_REGION and static credentials). Merge them into
     * `process.env` before a handler builds its clients.
     */
    readonly environment: Readonly<Record<string, string>>;
    /** Stops both servers and drops their state. */
    stop(): Promise<void>;
}

/** The part of dynalite's factory we use; the package ships no types. */
type DynaliteFactory = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => http.Server;

/** Starts fauxqs and dynalite on loopback and returns their endpoints. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<LocalEmulators> {
    const region = options.region ?? "us-east-1";
    const fauxqs = await startFauxqsOnLoopback(region);
    let dynamo: http.Server;
    try {
        dynamo = await startDynaliteOnLoopback();
    } catch (error) {
        await fauxqs.close();
        throw error;
    }
    const sqsEndpoint = fauxqs.endpoint;
    const dynamoDbEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
    return {
        sqsEndpoint,
        s3Endpoint: sqsEndpoint,
        dynamoDbEndpoint,
        region,
        credentials: EMULATOR_CREDENTIALS,
        environment: {
            AWS_ENDPOINT_URL_SQS: sqsEndpoint,
            AWS_ENDPOINT_URL_S3: sqsEndpoint,
            AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
            AWS_REGION: region,
            AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        },
        async stop() {
            await Promise.all([fauxqs.close(), closeServer(dynamo)]);
        },
    };
}

/**
 * fauxqs's `startFauxqs` always listens on 0.0.0.0; we only ever bind loopback, so we build the
 * same Fastify app with `buildApp` and listen on 127.0.0.1 ourselves. Queue inspection stays
 * available over HTTP (`GET <endpoint>/_fauxqs/queues/<name>`).
 */
async function startFauxqsOnLoopback(region: string): Promise<{ endpoint: string; close(): Promise<void> }> {
    // A real dynamic import: fauxqs is ESM-only and exports no `require` condition (tsx keeps it as import()).
    const { buildApp } = await import("fauxqs");
    const app = buildApp({ logger: false, defaultRegion: region });
    const endpoint = await app.listen({ port: 0, host: "127.0.0.1" });
    return { endpoint, close: () => app.close() };
}

async function startDynaliteOnLoopback(): Promise<http.Server> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite is CommonJS without types
    const dynalite = require("dynalite") as DynaliteFactory;
    // Tables become ACTIVE at once: tests should not wait out dynalite's default 500 ms.
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    return server;
}

/** Closes a server without waiting for idle keep-alive sockets the SDK holds open. */
function closeServer(server: http.Server): Promise<void> {
    return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
    });
}
