// The pack serves AnalyzeStack with a handler that reads each resource message once per request
// (policy/shared-stack-analysis.ts). Both servers here are @pulumi/policy's own server.js, each a
// fresh copy of the module (its config and stack tags are module state), one as it is and one
// through the pack's serve wrapper, configured with the same Configure and ConfigureStack
// requests and given the same AnalyzeStack requests: the gate's synthetic lanes, fixture programs
// of tests/fixtures/programs recorded by the gate's program host, and lanes with unknown values.
import * as assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { syntheticIdentity, syntheticLaneStack } from "../../bench/gate-lanes";
import { analyzerResourceOf, MessageCache } from "../../gate/analyzer-requests";
import { addDefaultProviders } from "../../gate/default-providers";
import { recordProgram } from "../../gate/program-process";
import { loadProject, loadStackConfig } from "../../gate/project";
import { RecordedStack } from "../../gate/recorded-stack";
import { analyzeRequestDecoder, analyzeStackRequestDecoder, decodedPropertiesOf } from "../../policy/analyze-request-decoding";
import { policies } from "../../policy/policies";
import { Serve, servingSharedStackAnalysis } from "../../policy/shared-stack-analysis";
import { UNKNOWN } from "./helpers/args";
import { buildLane } from "./helpers/lane";
import { stackRequestOf as fakeStackRequestOf } from "./helpers/server";
import { repoRoot } from "../gate/helpers/gate-process";

type Callback = (error: unknown, response?: unknown) => void;
type Handler = (call: { request: unknown }, callback: Callback) => unknown;

const policyRequire = createRequire(require.resolve("@pulumi/policy/server"));
const grpc = policyRequire("@grpc/grpc-js") as { Server: { prototype: Record<string, unknown> } };
const serverPath = require.resolve("@pulumi/policy/server");

/** A fresh copy of server.js's `serve` (fresh module state: no pack served yet, no config). */
function freshServe(): Serve {
    const cached = require.cache[serverPath];
    delete require.cache[serverPath];
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second instance of the module, on purpose
        return (require(serverPath) as { serve: Serve }).serve;
    } finally {
        if (cached !== undefined) {
            require.cache[serverPath] = cached;
        }
    }
}

/** The handlers `serve` registers with grpc-js, captured without listening on a port. */
function servedHandlers(serve: Serve, served: readonly object[] = policies): Record<string, Handler> {
    const prototype = grpc.Server.prototype;
    const { addService, bindAsync } = prototype;
    let handlers: Record<string, Handler> | undefined;
    prototype.addService = (_service: unknown, implementation: Record<string, Handler>) => {
        handlers = implementation;
    };
    prototype.bindAsync = () => undefined;
    try {
        serve("escalation-pipeline", "0.1.0", "mandatory", { policies: served }, {});
    } finally {
        Object.assign(prototype, { addService, bindAsync });
    }
    assert.ok(handlers !== undefined, "serve registered the analyzer service");
    return handlers;
}

function call(handler: Handler, request: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (error, response) => (error ? reject(error as Error) : resolve(response)));
    });
}

// proto EnforcementLevel values (analyzer.proto).
const PROTO_LEVELS = { advisory: 0, mandatory: 1, disabled: 2 } as const;

// Levels that differ from what the policies that fire on the synthetic lanes declare, so a server
// that ignored the configured level would be seen; the other policies take turns.
const CONFIGURED_LEVELS: Readonly<Record<string, number>> = {
    "sqs-max-receive-count": PROTO_LEVELS.mandatory,
    "cloudwatch-dlq-depth-alarm": PROTO_LEVELS.advisory,
    "cloudwatch-alarm-has-action": PROTO_LEVELS.disabled,
    "cloudwatch-consumer-alarms": PROTO_LEVELS.mandatory,
};

/**
 * Every policy configured (the levels above, the others mandatory, advisory and disabled in
 * turn) and one threshold moved so that config is seen to reach the rules: a receive count of 5
 * is now too high.
 */
function configureRequest(): analyzerProto.ConfigureAnalyzerRequest {
    const request = new analyzerProto.ConfigureAnalyzerRequest();
    const levels = [PROTO_LEVELS.mandatory, PROTO_LEVELS.advisory, PROTO_LEVELS.disabled];
    policies.forEach((p, index) => {
        const properties: Record<string, string | number> =
            p.name === "sqs-max-receive-count" ? { lowerBound: 3, upperBound: 4, unknownValues: "violation" } : {};
        const config = new analyzerProto.PolicyConfig()
            .setEnforcementlevel(CONFIGURED_LEVELS[p.name] ?? levels[index % levels.length])
            .setProperties(Struct.fromJavaScript(properties));
        request.getPolicyconfigMap().set(p.name, config);
    });
    return request;
}

function configureStackRequest(): analyzerProto.AnalyzerStackConfigureRequest {
    const request = new analyzerProto.AnalyzerStackConfigureRequest().setStack("prod").setProject("escalation-pipeline");
    request.getTagsMap().set("team", "platform");
    return request;
}

/** What the test's own stack policies read of their arguments. */
interface StackArgs {
    readonly resources: readonly {
        readonly urn: string;
        readonly props: Record<string, unknown>;
        readonly parent?: { readonly urn: string };
    }[];
    readonly notApplicable: (reason: string) => never;
}

interface Diagnostic {
    readonly policyName: string;
    readonly enforcementLevel: number;
    readonly message: string;
    readonly description: string;
    readonly severity: number;
    readonly urn: string;
}

interface Verdict {
    readonly diagnostics: readonly Diagnostic[];
    readonly notApplicable: readonly string[];
}

function verdictOf(response: unknown): Verdict {
    const analyzed = response as analyzerProto.AnalyzeResponse;
    return {
        diagnostics: analyzed.getDiagnosticsList().map((d) => ({
            policyName: d.getPolicyname(),
            enforcementLevel: d.getEnforcementlevel(),
            message: d.getMessage(),
            description: d.getDescription(),
            severity: d.getSeverity(),
            urn: d.getUrn(),
        })),
        notApplicable: analyzed.getNotApplicableList().map((n) => `${n.getPolicyName()}: ${n.getReason()}`),
    };
}

/** A stock server and the pack's, both configured (or both not), to be given the same requests. */
async function bothServers(
    configured: boolean,
    served: readonly object[],
): Promise<{ readonly stock: Record<string, Handler>; readonly shared: Record<string, Handler> }> {
    const stock = servedHandlers(freshServe(), served);
    const shared = servedHandlers(servingSharedStackAnalysis(freshServe()), served);
    if (configured) {
        for (const handlers of [stock, shared]) {
            await call(handlers.configureStack, configureStackRequest());
            await call(handlers.configure, configureRequest());
        }
    }
    return { stock, shared };
}

/** The AnalyzeStack request the gate sends for these resources, decoded as the pack decodes it. */
function stackRequestOf(recorded: RecordedStack, config: Readonly<Record<string, string>>): analyzerProto.AnalyzeStackRequest {
    const { resources, providerOf } = addDefaultProviders(recorded, config);
    const messages = new MessageCache();
    const request = new analyzerProto.AnalyzeStackRequest().setResourcesList(
        resources.map((r) => analyzerResourceOf(r, providerOf.get(r.urn), messages)),
    );
    return analyzerProto.AnalyzeStackRequest.deserializeBinary(request.serializeBinary());
}

async function assertSameVerdicts(configured: boolean, bytes: Uint8Array, served: readonly object[] = policies): Promise<Verdict> {
    const { stock, shared } = await bothServers(configured, served);
    const decode = (): analyzerProto.AnalyzeStackRequest => analyzerProto.AnalyzeStackRequest.deserializeBinary(bytes);
    assert.notEqual(shared.analyzeStack, stock.analyzeStack);

    const expected = verdictOf(await call(stock.analyzeStack, decode()));
    // The pack's server decodes AnalyzeStack requests itself (policy/analyze-request-decoding.ts).
    const actual = verdictOf(await call(shared.analyzeStack, analyzeStackRequestDecoder()(Buffer.from(bytes))));

    assert.deepEqual(actual, expected);
    return expected;
}

/**
 * Each resource of an AnalyzeStack request as the Analyze request of that resource (its first six
 * fields, type to provider, are Analyze's; the rest are skipped when decoding).
 */
function analyzeRequestsOf(stackBytes: Uint8Array): Uint8Array[] {
    return analyzerProto.AnalyzeStackRequest.deserializeBinary(stackBytes)
        .getResourcesList()
        .map((r) => r.serializeBinary());
}

/** Every resource's Analyze call, through a stock server.js and the pack's, compared. */
async function assertSameResourceVerdicts(
    configured: boolean,
    stackBytes: Uint8Array,
    served: readonly object[] = policies,
): Promise<Verdict[]> {
    const { stock, shared } = await bothServers(configured, served);
    assert.notEqual(shared.analyze, stock.analyze);
    // The pack's server decodes Analyze requests itself, one provider message per provider (policy/analyze-request-decoding.ts).
    const decodeShared = analyzeRequestDecoder();
    const verdicts: Verdict[] = [];
    for (const bytes of analyzeRequestsOf(stackBytes)) {
        const decode = (): analyzerProto.AnalyzeRequest => analyzerProto.AnalyzeRequest.deserializeBinary(bytes);
        const expected = verdictOf(await call(stock.analyze, decode()));
        const actual = verdictOf(await call(shared.analyze, decodeShared(Buffer.from(bytes))));
        assert.deepEqual(actual, expected, `Analyze of ${decode().getUrn()}`);
        verdicts.push(expected);
    }
    return verdicts;
}

// Programs of several shapes (compliant, DLQ kinds known and by Output, IAM, onEvent, components,
// filters, a deprecated runtime); the recording is what takes the time.
const fixturePrograms = [
    "compliant",
    "dlq-kinds",
    "dlq-kinds-by-output",
    "consumer-role-wildcard-action",
    // onEvent serializes a closure: @pulumi/pulumi's code-path search then globs this repository's
    // npm workspaces with node:fs/promises' glob, which Node 22 has and Node 20 lacks. `npm test`
    // runs on Node 22 (as the gate's program host does); .ci/run's compatibility pass on Node 20
    // records the other programs.
    ...(Number(process.versions.node.split(".")[0]) >= 22 ? ["corpus-on-event"] : []),
    "corpus-queue-lambda-component",
    "corpus-esm-filter",
    "deprecated-runtime",
];

async function recordedFixture(name: string): Promise<Uint8Array> {
    const programDir = path.join(repoRoot, "tests", "fixtures", "programs", name);
    const project = loadProject(programDir);
    const stackConfig = loadStackConfig(project, "dev");
    const stack = await recordProgram({
        programDir: project.programDir,
        main: project.main,
        project: project.name,
        stack: "dev",
        config: stackConfig.values,
        secretKeys: stackConfig.secretKeys,
        timeoutSeconds: 60,
    });
    return stackRequestOf(stack, stackConfig.values).serializeBinary();
}

describe("AnalyzeStack served with each resource read once per request", function () {
    // The fixture programs run in the gate's program host, one process each.
    this.timeout(240_000);

    it("registers its own analyze and analyzeStack and keeps server.js's other handlers", () => {
        const stock = servedHandlers(freshServe());
        const shared = servedHandlers(servingSharedStackAnalysis(freshServe()));

        assert.deepEqual(Object.keys(shared).sort(), Object.keys(stock).sort());
        assert.notEqual(shared.analyzeStack, stock.analyzeStack);
        assert.notEqual(shared.analyze, stock.analyze);
        assert.equal(shared.remediate.toString(), stock.remediate.toString());
    });

    it("registers the pack's request decoders for Analyze and AnalyzeStack and keeps the other calls' own", () => {
        const prototype = grpc.Server.prototype;
        const { addService, bindAsync } = prototype;
        let service: Record<string, { requestDeserialize: (b: Buffer) => unknown }> | undefined;
        prototype.addService = (registered: typeof service) => {
            service = registered;
        };
        prototype.bindAsync = () => undefined;
        try {
            servingSharedStackAnalysis(freshServe())("escalation-pipeline", "0.1.0", "mandatory", { policies }, {});
        } finally {
            Object.assign(prototype, { addService, bindAsync });
        }
        const stack = stackRequestOf(syntheticLaneStack(1), syntheticIdentity.config);
        const resource = stack.getResourcesList()[0];
        const decodedStack = service!.analyzeStack.requestDeserialize(Buffer.from(stack.serializeBinary()));
        const decodedAnalyze = service!.analyze.requestDeserialize(
            Buffer.from(
                new analyzerProto.AnalyzeRequest().setType(resource.getType()).setProperties(resource.getProperties()).serializeBinary(),
            ),
        );

        assert.notEqual(decodedPropertiesOf((decodedStack as analyzerProto.AnalyzeStackRequest).getResourcesList()[0]), undefined);
        assert.notEqual(decodedPropertiesOf(decodedAnalyze as object), undefined);
        const analyzerRpc = policyRequire("@pulumi/pulumi/proto/analyzer_grpc_pb") as { AnalyzerService: typeof service };
        assert.equal(service!.configure.requestDeserialize, analyzerRpc.AnalyzerService!.configure.requestDeserialize);
    });

    it("fails the call, naming the policy, when a stack policy writes to the resources it shares", async () => {
        const writing = {
            name: "writes-resources",
            description: "Changes what the next policy would see.",
            enforcementLevel: "mandatory",
            validateStack: (args: { resources: { name: string }[] }) => {
                args.resources[0].name = "renamed";
            },
        };
        const handlers = servedHandlers(servingSharedStackAnalysis(freshServe()), [writing]);

        await assert.rejects(
            call(handlers.analyzeStack, stackRequestOf(syntheticLaneStack(1), syntheticIdentity.config)),
            /writes-resources/,
        );
    });

    it("gives server.js's diagnostics on the gate's synthetic lanes, configured (levels, thresholds, stack tags)", async () => {
        const verdict = await assertSameVerdicts(true, stackRequestOf(syntheticLaneStack(5), syntheticIdentity.config).serializeBinary());

        const levelOf = (name: string): number | undefined => verdict.diagnostics.find((d) => d.policyName === name)?.enforcementLevel;
        assert.equal(levelOf("sqs-max-receive-count"), PROTO_LEVELS.mandatory);
        assert.equal(levelOf("cloudwatch-dlq-depth-alarm"), PROTO_LEVELS.advisory);
        assert.equal(levelOf("cloudwatch-alarm-has-action"), undefined);
        assert.equal(levelOf("cloudwatch-consumer-alarms"), PROTO_LEVELS.mandatory);
    });

    it("gives server.js's diagnostics on the gate's synthetic lanes with the pack's own defaults", async () => {
        const verdict = await assertSameVerdicts(false, stackRequestOf(syntheticLaneStack(5), syntheticIdentity.config).serializeBinary());

        assert.ok(verdict.diagnostics.length > 0, "the synthetic lanes have violations");
    });

    it("gives server.js's diagnostics when a value is unknown at preview", async () => {
        const lane = buildLane({
            queue: { visibilityTimeoutSeconds: UNKNOWN },
            dependsOn: { queue: { visibilityTimeoutSeconds: ["fn"] } },
        });
        const verdict = await assertSameVerdicts(false, fakeStackRequestOf(lane.resources).serializeBinary());

        assert.ok(verdict.diagnostics.some((d) => /unknown at preview/.test(d.message)));
    });

    it("gives server.js's diagnostics for what the server itself handles: an unknown read, not applicable, a violation object", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: UNKNOWN } });
        const stackPolicy = (name: string, validateStack: (args: StackArgs, report: (v: object) => void) => void): object => ({
            name,
            description: `The server's handling of ${name}.`,
            enforcementLevel: "mandatory",
            validateStack,
        });
        const served = [
            stackPolicy("reads-unknown", (args) => {
                args.resources.forEach((r) => String(r.props.visibilityTimeoutSeconds));
            }),
            stackPolicy("not-applicable", (args) => args.notApplicable("nothing to judge")),
            stackPolicy("reports-object", (args, report) =>
                report({
                    message: `${args.resources.length} resources, parent ${String(args.resources[1].parent?.urn)}`,
                    urn: args.resources[0].urn,
                }),
            ),
        ];

        const verdict = await assertSameVerdicts(false, fakeStackRequestOf(lane.resources).serializeBinary(), served);

        assert.deepEqual(
            verdict.diagnostics.map((d) => [d.policyName, d.enforcementLevel]),
            [
                ["reads-unknown", PROTO_LEVELS.advisory],
                ["reports-object", PROTO_LEVELS.mandatory],
            ],
        );
        assert.deepEqual(verdict.notApplicable, ["not-applicable: nothing to judge"]);
    });

    for (const name of fixturePrograms) {
        it(`gives server.js's diagnostics on the fixture program ${name}, configured and not`, async () => {
            const bytes = await recordedFixture(name);

            await assertSameVerdicts(true, bytes);
            await assertSameVerdicts(false, bytes);
            await assertSameResourceVerdicts(true, bytes);
            await assertSameResourceVerdicts(false, bytes);
        });
    }
});

/** What the test's own resource policies read of their arguments. */
interface ResourceArgs {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    readonly opts: { readonly protect: boolean; readonly parent?: string; readonly ignoreChanges: readonly string[] };
    readonly provider?: { readonly urn: string; readonly props: Record<string, unknown> };
    readonly stackTags: ReadonlyMap<string, string>;
    readonly getConfig: () => Record<string, unknown>;
    readonly notApplicable: (reason: string) => never;
    readonly isType: (resourceClass: unknown) => boolean;
}

function resourcePolicy(name: string, validateResource: object, extra: object = {}): object {
    return { name, description: `The server's handling of ${name}.`, enforcementLevel: "mandatory", validateResource, ...extra };
}

describe("Analyze served with each request read once", function () {
    this.timeout(60_000);

    const synthetic = [
        [true, "configured (levels, thresholds, stack tags)"],
        [false, "with the pack's own defaults"],
    ] as const;
    for (const [configured, how] of synthetic) {
        it(`gives server.js's diagnostics on every resource of the gate's synthetic lanes, ${how}`, async () => {
            const bytes = stackRequestOf(syntheticLaneStack(3), syntheticIdentity.config).serializeBinary();

            const verdicts = await assertSameResourceVerdicts(configured, bytes);

            assert.ok(
                verdicts.some((v) => v.notApplicable.length > 0),
                "some policies do not apply",
            );
        });
    }

    it("gives server.js's diagnostics on every resource when a value is unknown at preview", async () => {
        // The queue's encryption unknown, the DLQ's off: the resource rules report both.
        const lane = buildLane({
            queue: { visibilityTimeoutSeconds: UNKNOWN, sqsManagedSseEnabled: UNKNOWN },
            dlq: { sqsManagedSseEnabled: false },
            dependsOn: { queue: { visibilityTimeoutSeconds: ["fn"] } },
        });
        const verdicts = await assertSameResourceVerdicts(false, fakeStackRequestOf(lane.resources).serializeBinary());
        await assertSameResourceVerdicts(true, fakeStackRequestOf(lane.resources).serializeBinary());
        const messages = verdicts.flatMap((v) => v.diagnostics.map((d) => d.message));
        assert.ok(messages.some((m) => /'pager' sqsManagedSseEnabled is unknown at preview/.test(m)));
        assert.ok(messages.some((m) => /'pager-dlq' must be encrypted at rest/.test(m)));
    });

    it("gives server.js's diagnostics for what the server itself handles: unknown reads, not applicable, violation objects, several validations, config, tags, provider and options", async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: UNKNOWN } });
        const describe = (args: ResourceArgs): string =>
            [
                args.type,
                args.name,
                args.urn,
                String(args.opts.protect),
                String(args.opts.parent),
                args.opts.ignoreChanges.join(","),
                String(args.provider?.urn),
                JSON.stringify(args.getConfig()),
                String(args.stackTags.get("team")),
                String(args.isType({ isInstance: (o: { __pulumiType: string }) => o.__pulumiType === args.type })),
            ].join(" ");
        const typed = Object.assign((args: ResourceArgs, report: (m: string) => void) => report(describe(args)), {
            __pulumiType: "aws:sqs/queue:Queue",
        });
        const served = [
            resourcePolicy("reads-unknown", (args: ResourceArgs) => String(args.props.visibilityTimeoutSeconds), { severity: "high" }),
            resourcePolicy("not-applicable", (args: ResourceArgs) => args.notApplicable("nothing to judge")),
            resourcePolicy("reports-object", (args: ResourceArgs, report: (v: object) => void) =>
                report({ message: describe(args), urn: args.urn, severity: "low" }),
            ),
            resourcePolicy("reports-message", (args: ResourceArgs, report: (m: string, urn?: string) => void) =>
                report(describe(args), args.urn),
            ),
            resourcePolicy("several", [
                (_args: ResourceArgs, report: (m: string) => void) => report("first"),
                (args: ResourceArgs) => args.notApplicable("second"),
                (args: ResourceArgs, report: (m: string) => void) => report(`third ${String(args.provider?.props.region)}`),
            ]),
            resourcePolicy("queues-only", typed, { enforcementLevel: "advisory" }),
            resourcePolicy("remediated", (_args: ResourceArgs, report: (m: string) => void) => report(""), {
                enforcementLevel: "remediate",
            }),
            resourcePolicy("disabled", (_args: ResourceArgs, report: (m: string) => void) => report("never"), {
                enforcementLevel: "disabled",
            }),
            {
                name: "remediation-only",
                description: "Remediates only.",
                enforcementLevel: "mandatory",
                remediateResource: () => undefined,
            },
        ];
        const bytes = fakeStackRequestOf(lane.resources).serializeBinary();

        const verdicts = await assertSameResourceVerdicts(false, bytes, served);
        await assertSameResourceVerdicts(true, bytes, served);

        const names = new Set(verdicts.flatMap((v) => v.diagnostics.map((d) => d.policyName)));
        for (const name of ["reads-unknown", "reports-object", "reports-message", "several", "queues-only", "remediated"]) {
            assert.ok(names.has(name), `${name} reported`);
        }
        const notApplicable = new Set(verdicts.flatMap((v) => v.notApplicable));
        assert.ok(notApplicable.has("not-applicable: nothing to judge"));
        assert.ok(notApplicable.has("several: second"));
        assert.ok(notApplicable.has("queues-only: Policy only applies to resources of type 'aws:sqs/queue:Queue'"));
    });

    it("fails the call, naming the policy, when a resource policy writes to the options it shares", async () => {
        const writing = resourcePolicy("writes-options", (args: { opts: { protect: boolean } }) => {
            args.opts.protect = true;
        });
        const handlers = servedHandlers(servingSharedStackAnalysis(freshServe()), [writing]);
        const [bytes] = analyzeRequestsOf(stackRequestOf(syntheticLaneStack(1), syntheticIdentity.config).serializeBinary());

        await assert.rejects(call(handlers.analyze, analyzerProto.AnalyzeRequest.deserializeBinary(bytes)), /writes-options/);
    });
});
