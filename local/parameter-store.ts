/**
 * A loopback SSM Parameter Store answering the two calls the consumers make through Powertools
 * Parameters (GetParameter and GetParameters, AWS JSON 1.1). There is no SSM emulator on npm; with
 * this one the shipped bundles read their secrets exactly as on AWS, through AWS_ENDPOINT_URL_SSM.
 * Values are kept as given: SecureString decryption is a no-op locally.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalParameterStore {
    readonly endpoint: string;
    /** Creates or overwrites a SecureString parameter. */
    put(name: string, value: string): void;
    close(): Promise<void>;
}

interface StoredParameter {
    readonly value: string;
    readonly version: number;
    readonly lastModified: number;
}

const TARGET_PREFIX = "AmazonSSM.";

export async function startParameterStore(region: string, accountId: string, port = 0): Promise<LocalParameterStore> {
    const parameters = new Map<string, StoredParameter>();
    const describe = (name: string, stored: StoredParameter) => ({
        Name: name,
        Type: "SecureString",
        Value: stored.value,
        Version: stored.version,
        LastModifiedDate: stored.lastModified / 1000,
        ARN: `arn:aws:ssm:${region}:${accountId}:parameter${name.startsWith("/") ? "" : "/"}${name}`,
        DataType: "text",
    });
    const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const reply = (status: number, body: unknown) => {
                response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
                response.end(JSON.stringify(body));
            };
            const target = String(request.headers["x-amz-target"] ?? "");
            let input: { Name?: string; Names?: string[] };
            try {
                input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as typeof input;
            } catch {
                reply(400, { __type: "SerializationException", message: "the request body is not JSON" });
                return;
            }
            if (target === `${TARGET_PREFIX}GetParameter`) {
                const stored = parameters.get(input.Name ?? "");
                if (stored === undefined) {
                    reply(400, { __type: "ParameterNotFound", message: `Parameter ${input.Name} not found.` });
                } else {
                    reply(200, { Parameter: describe(input.Name!, stored) });
                }
            } else if (target === `${TARGET_PREFIX}GetParameters`) {
                const names = input.Names ?? [];
                reply(200, {
                    Parameters: names.filter((name) => parameters.has(name)).map((name) => describe(name, parameters.get(name)!)),
                    InvalidParameters: names.filter((name) => !parameters.has(name)),
                });
            } else {
                reply(400, {
                    __type: "UnknownOperationException",
                    message: `the local parameter store answers GetParameter and GetParameters, not ${target}`,
                });
            }
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
    });
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        put(name, value) {
            parameters.set(name, { value, version: (parameters.get(name)?.version ?? 0) + 1, lastModified: Date.now() });
        },
        close: () =>
            new Promise<void>((resolve, reject) => {
                server.close((error) => (error ? reject(error) : resolve()));
                server.closeAllConnections();
            }),
    };
}
