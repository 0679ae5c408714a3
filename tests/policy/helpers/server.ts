// Runs policies through @pulumi/policy's own analyzer handlers (server.js), with requests built
// from protobuf messages the way the CLI sends them: real deserialization of the unknown
// sentinel, the real proxy, and the real handling of an escaping UnknownValueError. No gRPC
// server is started and nothing leaves the process.
import { EnforcementLevel, Policies } from "@pulumi/policy";
import * as serverModule from "@pulumi/policy/server";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { FakeResource } from "./args";

type Callback = (error: Error | null | undefined, response?: analyzerProto.AnalyzeResponse) => void;
type Handler = (call: { request: unknown }, callback: Callback) => Promise<void>;
type HandlerFactory = (packName: string, packVersion: string, packLevel: EnforcementLevel, policies: Policies) => Handler;

// Exported at runtime; the package's .d.ts hides them as internal.
const server = serverModule as unknown as { makeAnalyzeRpcFun: HandlerFactory; makeAnalyzeStackRpcFun: HandlerFactory };

// proto EnforcementLevel values (analyzer.proto).
const LEVELS: Readonly<Record<number, EnforcementLevel>> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

export interface ServerDiagnostic {
    readonly policyName: string;
    readonly message: string;
    readonly urn: string;
    readonly enforcementLevel: EnforcementLevel;
}

function options(): analyzerProto.AnalyzerResourceOptions {
    return new analyzerProto.AnalyzerResourceOptions().setCustomtimeouts(new analyzerProto.AnalyzerResourceOptions.CustomTimeouts());
}

function toProto(resource: FakeResource): analyzerProto.AnalyzerResource {
    const message = new analyzerProto.AnalyzerResource()
        .setType(resource.type)
        .setUrn(resource.urn)
        .setName(resource.name)
        .setProperties(Struct.fromJavaScript(resource.props as Record<string, never>))
        .setOptions(options())
        .setParent(resource.links.parent?.urn ?? "");
    const propertyDependencies = resource.links.propertyDependencies ?? {};
    const dependencies = resource.links.dependencies ?? Object.values(propertyDependencies).flat();
    message.setDependenciesList([...new Set(dependencies.map((r) => r.urn))]);
    for (const [key, list] of Object.entries(propertyDependencies)) {
        message.getPropertydependenciesMap().set(key, new analyzerProto.AnalyzerPropertyDependencies().setUrnsList(list.map((r) => r.urn)));
    }
    return message;
}

function call(handler: Handler, request: unknown): Promise<ServerDiagnostic[]> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (error, response) => {
            if (error) {
                reject(error);
                return;
            }
            resolve(
                (response?.getDiagnosticsList() ?? []).map((d) => ({
                    policyName: d.getPolicyname(),
                    message: d.getMessage(),
                    urn: d.getUrn(),
                    enforcementLevel: LEVELS[d.getEnforcementlevel()],
                })),
            );
        });
    });
}

/** The AnalyzeStack request the CLI would send for these resources. */
export function stackRequestOf(resources: readonly FakeResource[]): analyzerProto.AnalyzeStackRequest {
    return new analyzerProto.AnalyzeStackRequest().setResourcesList(resources.map(toProto));
}

/** AnalyzeStack over the resources, with the pack configured by nothing (schema defaults only). */
export function analyzeStack(policies: Policies, resources: readonly FakeResource[]): Promise<ServerDiagnostic[]> {
    return analyzeStackRequest(policies, stackRequestOf(resources));
}

/** AnalyzeStack of a request built elsewhere (e.g. by the offline gate), same configuration. */
export function analyzeStackRequest(policies: Policies, request: analyzerProto.AnalyzeStackRequest): Promise<ServerDiagnostic[]> {
    return call(server.makeAnalyzeStackRpcFun("escalation-pipeline", "0.1.0", "mandatory", policies), request);
}

/** Analyze of one resource (its inputs), as the CLI calls it for every resource it registers. */
export function analyzeResource(policies: Policies, resource: FakeResource): Promise<ServerDiagnostic[]> {
    const request = new analyzerProto.AnalyzeRequest()
        .setType(resource.type)
        .setUrn(resource.urn)
        .setName(resource.name)
        .setProperties(Struct.fromJavaScript(resource.props as Record<string, never>))
        .setOptions(options());
    return call(server.makeAnalyzeRpcFun("escalation-pipeline", "0.1.0", "mandatory", policies), request);
}
