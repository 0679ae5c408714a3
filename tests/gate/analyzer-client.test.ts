// The gate's Analyzer client against a gRPC server built as the pack's is (@grpc/grpc-js with the
// generated AnalyzerService, loopback, port 0): what the pack answers arrives, and every failure
// of the pack or of the connection stops the gate with the call's name and the cause.
import * as assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { AnalyzerService } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerConnection, analyzerMethods } from "../../gate/analyzer-client";
import { toAnalyzerProperties } from "../../gate/analyzer-requests";
import { PolicyPackError } from "../../gate/errors";

type Reply = (error: Partial<grpc.ServiceError> | null, response?: object) => void;
type Handler<Req> = (call: { request: Req }, reply: Reply) => void;
interface Handlers {
    analyze?: Handler<analyzerproto.AnalyzeRequest>;
    analyzeStack?: Handler<analyzerproto.AnalyzeStackRequest>;
    getAnalyzerInfo?: Handler<Empty>;
    configure?: Handler<analyzerproto.ConfigureAnalyzerRequest>;
}

async function serve(handlers: Handlers): Promise<{ address: string; stop(): void }> {
    // As @pulumi/policy's server.js: messages up to 400 MB.
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(AnalyzerService, handlers as unknown as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}

function diagnosticFor(urn: string, message: string): analyzerproto.AnalyzeDiagnostic {
    const diagnostic = new analyzerproto.AnalyzeDiagnostic();
    diagnostic.setPolicyname("sqs-queue-has-dlq");
    diagnostic.setUrn(urn);
    diagnostic.setMessage(message);
    diagnostic.setEnforcementlevel(analyzerproto.EnforcementLevel.MANDATORY);
    return diagnostic;
}

const queueUrn = "urn:pulumi:dev::shop::aws:sqs/queue:Queue::orders";

function analyzeRequest(urn = queueUrn): analyzerproto.AnalyzeRequest {
    const request = new analyzerproto.AnalyzeRequest();
    request.setUrn(urn);
    request.setType("aws:sqs/queue:Queue");
    request.setName("orders");
    request.setProperties(toAnalyzerProperties({ name: "orders", delaySeconds: 5 }));
    return request;
}

describe("the gate's Analyzer client", () => {
    it("calls the methods at the paths of the Analyzer service definition", () => {
        const service = AnalyzerService as unknown as Record<string, { path: string }>;

        for (const [method, path] of Object.entries(analyzerMethods)) {
            assert.equal(path, service[method].path, method);
        }
    });

    it("sends the request message and returns the pack's response, for concurrent calls on one connection", async () => {
        const seen: string[] = [];
        const server = await serve({
            analyze: (call, callback) => {
                const request = call.request;
                seen.push(`${request.getName()} ${JSON.stringify(request.getProperties()?.toJavaScript())}`);
                const response = new analyzerproto.AnalyzeResponse();
                response.setDiagnosticsList([diagnosticFor(request.getUrn(), `judged ${request.getUrn()}`)]);
                callback(null, response);
            },
        });
        const connection = new AnalyzerConnection(server.address);
        try {
            const urns = Array.from({ length: 20 }, (_, i) => `${queueUrn}-${i}`);

            const responses = await Promise.all(urns.map((urn) => connection.analyze(analyzeRequest(urn))));

            assert.deepEqual(
                responses.map((r) => r.getDiagnosticsList().map((d) => [d.getUrn(), d.getMessage()])),
                urns.map((urn) => [[urn, `judged ${urn}`]]),
            );
            assert.equal(seen[0], 'orders {"delaySeconds":5,"name":"orders"}');
        } finally {
            connection.close();
            server.stop();
        }
    });

    it("carries a message of several megabytes both ways (an AnalyzeStack of thousands of resources)", async () => {
        const server = await serve({
            analyzeStack: (call, callback) => {
                const response = new analyzerproto.AnalyzeResponse();
                response.setDiagnosticsList(call.request.getResourcesList().map((r) => diagnosticFor(r.getUrn(), "x".repeat(1000))));
                callback(null, response);
            },
        });
        const connection = new AnalyzerConnection(server.address);
        try {
            const request = new analyzerproto.AnalyzeStackRequest();
            const big = toAnalyzerProperties({ policy: "p".repeat(1000) });
            request.setResourcesList(
                Array.from({ length: 5000 }, (_, i) => {
                    const resource = new analyzerproto.AnalyzerResource();
                    resource.setUrn(`${queueUrn}-${i}`);
                    resource.setProperties(big);
                    return resource;
                }),
            );

            const response = await connection.analyzeStack(request);

            assert.equal(response.getDiagnosticsList().length, 5000);
            assert.equal(response.getDiagnosticsList()[4999].getUrn(), `${queueUrn}-4999`);
        } finally {
            connection.close();
            server.stop();
        }
    });

    it("rejects with the call's name and the pack's error message when the pack fails a call", async () => {
        const server = await serve({
            analyze: (_call, callback) => {
                callback({ code: grpc.status.UNKNOWN, details: "Error validating resource with policy 'sqs-queue-has-dlq': boom 100% ü" });
            },
        });
        const connection = new AnalyzerConnection(server.address);
        try {
            await assert.rejects(connection.analyze(analyzeRequest()), (err: Error) => {
                assert.ok(err instanceof PolicyPackError);
                assert.equal(
                    err.message,
                    `policy pack Analyze(${queueUrn}) failed: Error validating resource with policy 'sqs-queue-has-dlq': boom 100% ü`,
                );
                return true;
            });
        } finally {
            connection.close();
            server.stop();
        }
    });

    it("rejects naming the gRPC status when the pack does not implement the method", async () => {
        const server = await serve({});
        const connection = new AnalyzerConnection(server.address);
        try {
            await assert.rejects(
                connection.configure(new analyzerproto.ConfigureAnalyzerRequest()),
                /policy pack Configure failed: The server does not implement the method configure/,
            );
        } finally {
            connection.close();
            server.stop();
        }
    });

    it("rejects with the call's name when nothing listens at the address", async () => {
        const server = await serve({});
        const address = server.address;
        server.stop();
        const connection = new AnalyzerConnection(address);
        try {
            await assert.rejects(connection.getAnalyzerInfo(), (err: Error) => {
                assert.ok(err instanceof PolicyPackError);
                assert.match(err.message, /^policy pack GetAnalyzerInfo failed: .*ECONNREFUSED/);
                return true;
            });
            // Later calls are refused too, not left waiting.
            await assert.rejects(
                connection.configure(new analyzerproto.ConfigureAnalyzerRequest()),
                /policy pack Configure failed: .*closed/,
            );
        } finally {
            connection.close();
        }
    });

    it("rejects a call in flight when the pack goes away", async () => {
        let stop = (): void => undefined;
        const server = await serve({
            getAnalyzerInfo: () => stop(),
        });
        stop = server.stop;
        const connection = new AnalyzerConnection(server.address);
        try {
            await assert.rejects(connection.getAnalyzerInfo(), /policy pack GetAnalyzerInfo failed: /);
        } finally {
            connection.close();
        }
    });

    it("decodes an empty response (Configure returns Empty)", async () => {
        const server = await serve({
            configure: (_call, callback) => callback(null, new Empty()),
        });
        const connection = new AnalyzerConnection(server.address);
        try {
            assert.ok((await connection.configure(new analyzerproto.ConfigureAnalyzerRequest())) instanceof Empty);
        } finally {
            connection.close();
            server.stop();
        }
    });
});
