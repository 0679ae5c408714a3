// Reads GetAnalyzerInfo into plain data: the pack's name and version, its policies with their
// default levels and config schemas, and the config the pack set for itself.
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { levelFromProto } from "./diagnostics";
import { JsonSchema } from "./json-schema";
import { PolicyConfigMap, PolicyDescription } from "./policy-config";

export interface PackInfo {
    readonly name: string;
    readonly version: string;
    readonly policies: readonly PolicyDescription[];
    readonly initialConfig: PolicyConfigMap;
}

function policyOf(info: analyzerproto.PolicyInfo): PolicyDescription {
    const schema = info.getConfigschema();
    return {
        name: info.getName(),
        description: info.getDescription() || undefined,
        enforcementLevel: levelFromProto(info.getEnforcementlevel()),
        configSchema: schema && {
            properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, JsonSchema>,
            required: schema.getRequiredList(),
        },
    };
}

export function packInfoFromProto(info: analyzerproto.AnalyzerInfo, versionOverride: string | undefined): PackInfo {
    const initialConfig: Record<string, { enforcementLevel?: ReturnType<typeof levelFromProto>; properties?: Record<string, unknown> }> =
        {};
    info.getInitialconfigMap().forEach((config, name) => {
        initialConfig[name] = {
            enforcementLevel: levelFromProto(config.getEnforcementlevel()),
            properties: config.getProperties()?.toJavaScript(),
        };
    });
    return {
        name: info.getName(),
        version: versionOverride ?? info.getVersion(),
        policies: info.getPoliciesList().map(policyOf),
        initialConfig,
    };
}
