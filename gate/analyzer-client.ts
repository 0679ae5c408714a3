// The engine's side of the Analyzer gRPC protocol: unary calls to the pack's gRPC server, each a
// standard gRPC request on one HTTP/2 connection (path `/pulumirpc.Analyzer/<Method>`, the
// length-prefixed protobuf message, the status in `grpc-status` / `grpc-message`), with the
// messages of @pulumi/pulumi/proto. The pack sees exactly what a gRPC client sends, the Pulumi
// CLI's included; the client is written on node:http2 rather than @grpc/grpc-js because a stack
// of 10,000 resources is 10,000 Analyze calls, and grpc-js's per-call machinery (interceptors,
// filters, channel and subchannel state, metadata objects) cost the gate ~2.5 times the CPU of
// the calls themselves (bench/gate-scale.ts). Each call returns a promise; failures become
// PolicyPackError with the call's name, because a pack that errors must stop the gate, never let
// it pass.
import * as http2 from "node:http2";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { PolicyPackError } from "./errors";

/** The Analyzer service's methods the gate calls, as named in its gRPC paths. */
export const analyzerMethods = {
    configureStack: "/pulumirpc.Analyzer/ConfigureStack",
    getAnalyzerInfo: "/pulumirpc.Analyzer/GetAnalyzerInfo",
    configure: "/pulumirpc.Analyzer/Configure",
    analyze: "/pulumirpc.Analyzer/Analyze",
    analyzeStack: "/pulumirpc.Analyzer/AnalyzeStack",
} as const;

/** gRPC's status codes, by number, for error messages (grpc/doc/statuscodes.md). */
const statusNames = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

// HTTP/2 flow control: how much of a response may arrive before the gate acknowledges it. The
// default 64 KB would stall a large AnalyzeStack response on round trips.
const receiveWindowBytes = 16 * 1024 * 1024;

// A gRPC message on the wire: 1 byte compressed flag, 4 bytes big-endian length, the message.
const prefixBytes = 5;

function framed(message: Uint8Array): Buffer {
    const frame = Buffer.allocUnsafe(prefixBytes + message.length);
    frame[0] = 0;
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, prefixBytes);
    return frame;
}

/** The one message of a unary response body, or why the body is not one. */
function unframed(body: Buffer): Uint8Array | string {
    if (body.length < prefixBytes) {
        return `a response body of ${body.length} bytes, shorter than a gRPC message prefix`;
    }
    if (body[0] !== 0) {
        return "a compressed response, which the gate did not ask for";
    }
    const length = body.readUInt32BE(1);
    if (body.length !== prefixBytes + length) {
        return `a response body of ${body.length} bytes for a message of ${length}`;
    }
    return body.subarray(prefixBytes);
}

function decodedMessage(value: string | string[] | undefined): string {
    const text = Array.isArray(value) ? value.join(",") : (value ?? "");
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

/** A request message: google-protobuf's, or one the gate encoded itself (gate/analyzer-requests.ts). */
export interface Serializable {
    serializeBinary(): Uint8Array;
}

export class AnalyzerConnection {
    private readonly session: http2.ClientHttp2Session;
    /** Set when the connection fails; every later call is refused with it. */
    private failure: Error | undefined;

    constructor(private readonly address: string) {
        this.session = http2.connect(`http://${address}`, {
            // Node refuses new streams once a session buffers 10 MB, and an AnalyzeStack of
            // 10,000 resources is tens of MB: no limit, as @grpc/grpc-js sets it.
            maxSessionMemory: Number.MAX_SAFE_INTEGER,
            settings: { initialWindowSize: receiveWindowBytes },
        });
        this.session.once("connect", () => this.session.setLocalWindowSize(receiveWindowBytes));
        // Without a listener a connection error would crash the gate; the calls report it.
        this.session.on("error", (err: Error) => {
            this.failure = err;
        });
    }

    private call<Res>(name: string, path: string, request: Serializable, decode: (bytes: Uint8Array) => Res): Promise<Res> {
        return new Promise((resolve, reject) => {
            const fail = (why: string): void => reject(new PolicyPackError(`policy pack ${name} failed: ${why}`));
            if (this.failure !== undefined || this.session.destroyed) {
                fail(`the connection to ${this.address} is closed${this.failure ? `: ${this.failure.message}` : ""}`);
                return;
            }
            let stream: http2.ClientHttp2Stream;
            try {
                stream = this.session.request({
                    ":method": "POST",
                    ":path": path,
                    "content-type": "application/grpc",
                    "te": "trailers",
                });
            } catch (err) {
                fail((err as Error).message);
                return;
            }
            const chunks: Buffer[] = [];
            let httpStatus: number | undefined;
            let grpcStatus: string | undefined;
            let grpcMessage = "";
            let streamError: Error | undefined;
            // Trailers-only responses (every error) carry the status in the headers.
            const readStatus = (headers: http2.IncomingHttpHeaders): void => {
                if (headers["grpc-status"] !== undefined) {
                    grpcStatus = String(headers["grpc-status"]);
                    grpcMessage = decodedMessage(headers["grpc-message"]);
                }
            };
            stream.on("response", (headers) => {
                httpStatus = Number(headers[":status"]);
                readStatus(headers);
            });
            stream.on("trailers", readStatus);
            stream.on("data", (chunk: Buffer) => chunks.push(chunk));
            stream.on("error", (err: Error) => {
                streamError = err;
            });
            // 'close' comes last, after the body, the trailers or an error: settle there, once.
            stream.on("close", () => {
                if (grpcStatus === "0") {
                    const message = unframed(Buffer.concat(chunks));
                    if (typeof message === "string") {
                        fail(`the pack sent ${message}`);
                    } else {
                        resolve(decode(message));
                    }
                } else if (grpcStatus !== undefined) {
                    const code = statusNames[Number(grpcStatus)] ?? `status ${grpcStatus}`;
                    fail(grpcMessage || code);
                } else if (streamError !== undefined || this.failure !== undefined) {
                    fail((streamError ?? (this.failure as Error)).message);
                } else {
                    fail(`the pack closed the call without a gRPC status (HTTP status ${httpStatus ?? "none"}, code ${stream.rstCode})`);
                }
            });
            stream.end(framed(request.serializeBinary()));
        });
    }

    /** Stack identity and config, as the CLI sends right after starting a pack. */
    configureStack(request: analyzerproto.AnalyzerStackConfigureRequest): Promise<analyzerproto.AnalyzerStackConfigureResponse> {
        return this.call(
            "ConfigureStack",
            analyzerMethods.configureStack,
            request,
            analyzerproto.AnalyzerStackConfigureResponse.deserializeBinary,
        );
    }

    getAnalyzerInfo(): Promise<analyzerproto.AnalyzerInfo> {
        return this.call("GetAnalyzerInfo", analyzerMethods.getAnalyzerInfo, new Empty(), analyzerproto.AnalyzerInfo.deserializeBinary);
    }

    configure(request: analyzerproto.ConfigureAnalyzerRequest): Promise<Empty> {
        return this.call("Configure", analyzerMethods.configure, request, Empty.deserializeBinary);
    }

    analyze(request: Serializable & { getUrn(): string }): Promise<analyzerproto.AnalyzeResponse> {
        return this.call(`Analyze(${request.getUrn()})`, analyzerMethods.analyze, request, analyzerproto.AnalyzeResponse.deserializeBinary);
    }

    analyzeStack(request: Serializable): Promise<analyzerproto.AnalyzeResponse> {
        return this.call("AnalyzeStack", analyzerMethods.analyzeStack, request, analyzerproto.AnalyzeResponse.deserializeBinary);
    }

    close(): void {
        this.session.close();
    }
}
