// The engine's side of the Analyzer gRPC protocol, with the generated clients from
// @pulumi/pulumi/proto. Each call returns a promise; failures become PolicyPackError with the
// call's name, because a pack that errors must stop the gate, never let it pass.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { PolicyPackError } from "./errors";

// The pack's server accepts up to 400 MB; a 10,000-resource AnalyzeStack needs tens of MB.
const maxMessageBytes = 400 * 1024 * 1024;

type Unary<Req, Res> = (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown;

export class AnalyzerConnection {
    private readonly client: AnalyzerClient;

    constructor(address: string) {
        this.client = new AnalyzerClient(address, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": maxMessageBytes,
            "grpc.max_send_message_length": maxMessageBytes,
        });
    }

    private call<Req, Res>(name: string, method: Unary<Req, Res>, request: Req): Promise<Res> {
        return new Promise((resolve, reject) => {
            method.call(this.client, request, (error, response) => {
                if (error) {
                    reject(new PolicyPackError(`policy pack ${name} failed: ${error.details || error.message}`));
                } else {
                    resolve(response);
                }
            });
        });
    }

    /** Stack identity and config, as the CLI sends right after starting a pack. */
    configureStack(request: analyzerproto.AnalyzerStackConfigureRequest): Promise<analyzerproto.AnalyzerStackConfigureResponse> {
        return this.call("ConfigureStack", this.client.configureStack, request);
    }

    getAnalyzerInfo(): Promise<analyzerproto.AnalyzerInfo> {
        return this.call("GetAnalyzerInfo", this.client.getAnalyzerInfo, new Empty());
    }

    configure(request: analyzerproto.ConfigureAnalyzerRequest): Promise<Empty> {
        return this.call("Configure", this.client.configure, request);
    }

    analyze(request: analyzerproto.AnalyzeRequest): Promise<analyzerproto.AnalyzeResponse> {
        return this.call(`Analyze(${request.getUrn()})`, this.client.analyze, request);
    }

    analyzeStack(request: analyzerproto.AnalyzeStackRequest): Promise<analyzerproto.AnalyzeResponse> {
        return this.call("AnalyzeStack", this.client.analyzeStack, request);
    }

    close(): void {
        this.client.close();
    }
}
