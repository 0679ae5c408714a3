// One policy-pack session, driven in the order the CLI drives it: start the pack, ConfigureStack,
// GetAnalyzerInfo, Configure with the reconciled config; then for a recorded stack, Analyze for
// every resource it registers and AnalyzeStack once with all of them.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerConnection } from "./analyzer-client";
import { MessageCache, analyzeRequestOf, analyzeStackRequestOf } from "./analyzer-requests";
import { addDefaultProviders } from "./default-providers";
import { PolicyViolation, levelToProto, violationFromProto } from "./diagnostics";
import { GateUsageError } from "./errors";
import { PolicyPackProject, RunningPolicyPack, startPolicyPack } from "./pack-process";
import { PackInfo, packInfoFromProto } from "./policy-info";
import { PolicyConfigMap, reconcilePolicyConfig } from "./policy-config";
import { RecordedStack, SourcePosition, registrationKinds, rootStackType } from "./recorded-stack";
import { makeUrn } from "./urn";

export interface StackIdentity {
    readonly project: string;
    readonly stack: string;
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
}

export interface SessionOptions {
    readonly policyPack: PolicyPackProject;
    readonly policyConfig: PolicyConfigMap;
    readonly identity: StackIdentity;
    /** Called with notes worth a warning (e.g. config for a policy the pack lacks). */
    readonly warn?: (message: string) => void;
}

export interface AnalysisResult {
    readonly pack: PackInfo;
    readonly violations: readonly PolicyViolation[];
    /** Resources the stack holds, default providers included. */
    readonly resourceCount: number;
    readonly analyzeCalls: number;
    /** Where the program constructed each resource (URN -> file and line), when the SDK said. */
    readonly locations: ReadonlyMap<string, SourcePosition>;
}

// In-flight Analyze calls; the engine also analyses resources concurrently as they register.
// 32 rather than 8: more calls per HTTP/2 read and write on both sides (bench/gate-scale.ts).
const analyzeConcurrency = 32;

async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            await work(items[next++]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function stackConfigureRequest(identity: StackIdentity): analyzerproto.AnalyzerStackConfigureRequest {
    const request = new analyzerproto.AnalyzerStackConfigureRequest();
    request.setProject(identity.project);
    request.setStack(identity.stack);
    request.setDryRun(true);
    const config = request.getConfigMap();
    for (const [key, value] of Object.entries(identity.config)) {
        config.set(key, value);
    }
    request.setConfigSecretKeysList([...identity.secretKeys]);
    return request;
}

export class PolicyGateSession {
    private constructor(
        private readonly pack: RunningPolicyPack,
        private readonly connection: AnalyzerConnection,
        readonly info: PackInfo,
        private readonly identity: StackIdentity,
    ) {}

    /** Starts the pack and configures it; the caller must `close()` the session. */
    static async open(options: SessionOptions): Promise<PolicyGateSession> {
        const pack = await startPolicyPack(options.policyPack);
        const connection = new AnalyzerConnection(pack.address);
        try {
            await connection.configureStack(stackConfigureRequest(options.identity));
            const info = packInfoFromProto(await connection.getAnalyzerInfo(), options.policyPack.version);
            await configure(connection, info, options);
            return new PolicyGateSession(pack, connection, info, options.identity);
        } catch (err) {
            connection.close();
            await pack.stop();
            throw err;
        }
    }

    /** The policy pack's process id. */
    get packPid(): number | undefined {
        return this.pack.pid;
    }

    async analyze(stack: RecordedStack): Promise<AnalysisResult> {
        const { resources, providerOf } = addDefaultProviders(stack, this.identity.config);
        const knownUrns = new Set(resources.map((r) => r.urn));
        const rootUrn =
            resources.find((r) => r.type === rootStackType)?.urn ??
            makeUrn(stack.stack, stack.project, undefined, rootStackType, `${stack.project}-${stack.stack}`);
        const violations: PolicyViolation[] = [];
        const collect = (response: analyzerproto.AnalyzeResponse, fallbackUrn: string): void => {
            for (const diagnostic of response.getDiagnosticsList()) {
                violations.push(violationFromProto(diagnostic, fallbackUrn, knownUrns, this.info.version));
            }
        };

        // The engine analyses what it registers; resources read with .get are only in the stack.
        const registered = resources.filter((r) => r.kind !== registrationKinds.read);
        const messages = new MessageCache();
        // AnalyzeStack goes first, beside the Analyze calls rather than after them: the pack runs
        // one thread, and waiting for the last Analyze answer before encoding and sending the
        // whole stack left it idle for both (bench/gate-scale.ts). @pulumi/policy's server answers
        // each call from its request and the configuration alone, so the order changes no verdict;
        // the stack's diagnostics are still listed last.
        // The first failure of either is the analysis's error (Promise.all also handles the other's).
        const [stackResponse] = await Promise.all([
            this.connection.analyzeStack(analyzeStackRequestOf(resources, providerOf, messages)),
            forEachConcurrently(registered, analyzeConcurrency, async (resource) => {
                collect(await this.connection.analyze(analyzeRequestOf(resource, providerOf.get(resource.urn), messages)), resource.urn);
            }),
        ]);
        collect(stackResponse, rootUrn);

        const locations = new Map<string, SourcePosition>();
        for (const r of resources) {
            if (r.sourcePosition) {
                locations.set(r.urn, r.sourcePosition);
            }
        }
        return { pack: this.info, violations, resourceCount: resources.length, analyzeCalls: registered.length, locations };
    }

    async close(): Promise<void> {
        this.connection.close();
        await this.pack.stop();
    }
}

async function configure(connection: AnalyzerConnection, info: PackInfo, options: SessionOptions): Promise<void> {
    const reconciled = reconcilePolicyConfig(info.policies, info.initialConfig, options.policyConfig);
    for (const name of reconciled.unknownNames) {
        options.warn?.(`policy config names '${name}', which is no policy of pack ${info.name}; it has no effect`);
    }
    if (reconciled.errors.length > 0) {
        throw new GateUsageError(`the policy config does not match the pack's config schemas:\n  ${reconciled.errors.join("\n  ")}`);
    }
    const request = new analyzerproto.ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [name, entry] of reconciled.config) {
        const config = new analyzerproto.PolicyConfig();
        config.setEnforcementlevel(levelToProto(entry.enforcementLevel));
        config.setProperties(Struct.fromJavaScript(entry.properties as Parameters<typeof Struct.fromJavaScript>[0]));
        map.set(name, config);
    }
    if (reconciled.config.size > 0) {
        await connection.configure(request);
    }
}
