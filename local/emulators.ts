/**
 * In-process AWS emulators for tests and the local runtime: fauxqs (SQS and S3 on one endpoint),
 * dynalite (DynamoDB) and a loopback SSM Parameter Store (local/parameter-store.ts, for the
 * consumers' secrets). All listen on 127.0.0.1 only, on ports the OS picks unless given (tests
 * always let the OS pick, so several suites can run at once; `npm start` uses fixed ports so a
 * client's endpoint config survives restarts).
 *
 * fauxqs needs Node >= 22.5 (node:sqlite): run anything importing this module with the Node 22
 * binary from node_modules (npx puts it first on PATH).
 */
import { Worker } from "node:worker_threads";
import { receiveFifoGroupsAsSqs } from "./fifo-receive";
import { LOCAL_ACCOUNT_ID } from "./lambda/lambda-context";
import { type LocalParameterStore, startParameterStore } from "./parameter-store";

/** Static credentials: the emulators accept any, the SDK only needs some to sign requests. */
export const EMULATOR_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

export interface EmulatorPorts {
    /** fauxqs (SQS and S3). */
    readonly sqs: number;
    readonly dynamoDb: number;
    readonly ssm: number;
}

/** The ports `npm start` listens on unless told otherwise (README, "Local runtime"). */
export const DEFAULT_EMULATOR_PORTS: EmulatorPorts = { sqs: 4600, dynamoDb: 4601, ssm: 4602 };

/** Which flag of `npm start` overrides each port, for the error when one is taken. */
export const EMULATOR_PORT_FLAGS: Readonly<Record<keyof EmulatorPorts, string>> = {
    sqs: "--sqs-port",
    dynamoDb: "--dynamodb-port",
    ssm: "--ssm-port",
};

export class PortInUseError extends Error {
    constructor(
        readonly service: keyof EmulatorPorts,
        readonly port: number,
    ) {
        super(
            `port ${port} (${service === "sqs" ? "SQS + S3" : service === "dynamoDb" ? "DynamoDB" : "SSM"}) on 127.0.0.1 is already in use, perhaps by another 'npm start'; ` +
                `stop it or pass '${EMULATOR_PORT_FLAGS[service]} <port>' (0 lets the system pick a free one)`,
        );
        this.name = "PortInUseError";
    }
}

export interface EmulatorOptions {
    /**
     * Region the emulated resources live in (ARNs and queue URLs carry it).
     * @default "us-east-1"
     */
    readonly region?: string;
    /** Ports to listen on; 0 (the default for each) lets the system pick a free one. @default all 0 */
    readonly ports?: Partial<EmulatorPorts>;
}

export interface LocalEmulators {
    /** SQS endpoint (fauxqs). Queue URLs it returns name the host `sqs.<region>.localhost`; clients must send to this endpoint instead (see `environment`). */
    readonly sqsEndpoint: string;
    /** S3 endpoint (the same fauxqs server). It is an IP address, so the SDK uses path-style requests. */
    readonly s3Endpoint: string;
    /** DynamoDB endpoint (dynalite, in memory, tables ACTIVE at once). */
    readonly dynamoDbEndpoint: string;
    /** SSM Parameter Store (loopback; GetParameter and GetParameters only). */
    readonly parameterStore: LocalParameterStore;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
    /**
     * The standard AWS SDK v3 variables that point every client at these emulators
     * (AWS_ENDPOINT_URL_SQS, _S3, _DYNAMODB, _SSM, AWS_REGION and static credentials). Merge them into
     * `process.env` before a handler builds its clients.
     */
    readonly environment: Readonly<Record<string, string>>;
    /** Stops both servers and drops their state. */
    stop(): Promise<void>;
}

/** What the dynalite thread tells the runtime. */
type DynaliteThreadMessage =
    | { readonly type: "listening"; readonly port: number }
    | { readonly type: "error"; readonly code?: string; readonly message: string }
    | { readonly type: "closed" };

/** dynalite as it runs in its thread; plain CommonJS (the thread has no TypeScript loader), dynalite ships no types. */
const DYNALITE_THREAD = `const { parentPort, workerData } = require("node:worker_threads");
const dynalite = require(workerData.dynalitePath);
// Tables become ACTIVE at once: tests should not wait out dynalite's default 500 ms.
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once("error", (error) => parentPort.postMessage({ type: "error", code: error.code, message: error.message }));
server.listen(workerData.port, "127.0.0.1", () => parentPort.postMessage({ type: "listening", port: server.address().port }));
parentPort.on("message", () => {
    // Idle keep-alive sockets the SDK holds open would keep close() waiting.
    server.close(() => parentPort.postMessage({ type: "closed" }));
    server.closeAllConnections();
});`;

/** Starts fauxqs, dynalite and the parameter store on loopback and returns their endpoints. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<LocalEmulators> {
    const region = options.region ?? "us-east-1";
    const ports = { sqs: 0, dynamoDb: 0, ssm: 0, ...options.ports };
    const fauxqs = await portTaken("sqs", ports.sqs, () => startFauxqsOnLoopback(region, ports.sqs));
    let dynamo: DynaliteServer | undefined;
    let parameterStore: LocalParameterStore;
    try {
        dynamo = await portTaken("dynamoDb", ports.dynamoDb, () => startDynaliteOnLoopback(ports.dynamoDb));
        parameterStore = await portTaken("ssm", ports.ssm, () => startParameterStore(region, LOCAL_ACCOUNT_ID, ports.ssm));
    } catch (error) {
        await fauxqs.close();
        await dynamo?.close();
        throw error;
    }
    const sqsEndpoint = fauxqs.endpoint;
    const dynamoDbEndpoint = `http://127.0.0.1:${dynamo.port}`;
    return {
        sqsEndpoint,
        s3Endpoint: sqsEndpoint,
        dynamoDbEndpoint,
        parameterStore,
        region,
        credentials: EMULATOR_CREDENTIALS,
        environment: {
            AWS_ENDPOINT_URL_SQS: sqsEndpoint,
            AWS_ENDPOINT_URL_S3: sqsEndpoint,
            AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
            AWS_ENDPOINT_URL_SSM: parameterStore.endpoint,
            AWS_REGION: region,
            AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        },
        async stop() {
            await Promise.all([fauxqs.close(), dynamo!.close(), parameterStore.close()]);
        },
    };
}

/**
 * fauxqs's `startFauxqs` always listens on 0.0.0.0; we only ever bind loopback, so we build the
 * same Fastify app with `buildApp` and listen on 127.0.0.1 ourselves. Queue inspection stays
 * available over HTTP (`GET <endpoint>/_fauxqs/queues/<name>`).
 */
async function startFauxqsOnLoopback(region: string, port: number): Promise<{ endpoint: string; close(): Promise<void> }> {
    // A real dynamic import: fauxqs is ESM-only and exports no `require` condition (tsx keeps it as import()).
    const { buildApp } = await import("fauxqs");
    await receiveFifoGroupsAsSqs();
    const app = buildApp({ logger: false, defaultRegion: region });
    try {
        const endpoint = await app.listen({ port, host: "127.0.0.1" });
        return { endpoint, close: () => app.close() };
    } catch (error) {
        await app.close();
        throw error;
    }
}

interface DynaliteServer {
    readonly port: number;
    close(): Promise<void>;
}

/**
 * dynalite in a worker thread of its own: every idempotency write is parsed, validated and stored
 * there, so DynamoDB's work runs beside fauxqs, the receivers and the event source mappings on the
 * main thread rather than taking turns with them (on one thread it was the local path's bottleneck).
 * Its state lives and dies with the thread, as it did with the server.
 */
function startDynaliteOnLoopback(port: number): Promise<DynaliteServer> {
    const worker = new Worker(DYNALITE_THREAD, { eval: true, workerData: { dynalitePath: require.resolve("dynalite"), port } });
    return new Promise<DynaliteServer>((resolve, reject) => {
        const fail = (error: Error) => {
            void worker.terminate();
            reject(error);
        };
        worker.once("error", fail);
        worker.once("message", (message: DynaliteThreadMessage) => {
            worker.off("error", fail);
            if (message.type === "listening") {
                resolve({ port: message.port, close: () => closeDynalite(worker) });
            } else if (message.type === "error") {
                fail(Object.assign(new Error(message.message), { code: message.code }));
            }
        });
    });
}

function closeDynalite(worker: Worker): Promise<void> {
    return new Promise<void>((resolve) => {
        const done = () => {
            void worker.terminate().then(() => resolve());
        };
        worker.once("message", done);
        worker.once("error", done);
        worker.once("exit", () => resolve());
        worker.postMessage("close");
    });
}

/** Runs `start`, turning "address in use" into an error that names the service and the flag. */
async function portTaken<T>(service: keyof EmulatorPorts, port: number, start: () => Promise<T>): Promise<T> {
    try {
        return await start();
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
            throw new PortInUseError(service, port);
        }
        throw error;
    }
}
