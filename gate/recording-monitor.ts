// A MockMonitor that remembers every registration request whole. Pulumi's `Mocks.newResource`
// sees only type, name and inputs; the monitor sees the full request (parent, dependencies,
// property dependencies, provider, options), which is what the engine hands a policy pack.
import type { MockCallArgs, MockMonitor, MockResourceArgs, MockResourceResult, Mocks } from "@pulumi/pulumi/runtime/mocks";
import type { ReadResourceRequest, RegisterResourceOutputsRequest, RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { InvokeAnswerEntry, RefusedInvoke, answerInvoke, configuredRegion, createInvokeTable } from "./invoke-table";
import { parseDurationSeconds } from "./duration";
import { computedIdentity } from "./provider-computed";
import { RecordedOptions, RecordedResource, SourcePosition, WireProperties, registrationKinds, wireSignature } from "./recorded-stack";
import { makeUrn } from "./urn";

/** The SDK's MockMonitor class, taken from whichever copy of @pulumi/pulumi the program loads. */
export type MockMonitorClass = typeof MockMonitor;

type Callback = (err: unknown, response: unknown) => void;

/** A monitor that records; `recorded` is in registration order. */
export interface RecordingMonitor extends MockMonitor {
    readonly recorded: readonly RecordedResource[];
}

/** What the preview mocks need besides the stack config. */
export interface PreviewMockSettings {
    /** Canned invoke results from `--invoke-answers`. */
    readonly invokeAnswers?: readonly InvokeAnswerEntry[];
    /** Every invoke the gate refused is appended here, whether or not the program caught the error. */
    readonly refusedInvokes?: RefusedInvoke[];
    readonly env?: NodeJS.ProcessEnv;
}

export interface RecordingMonitorSettings {
    readonly project: string;
    readonly stack: string;
    /** Stack config, used to answer well-known invokes (region, account, partition). */
    readonly config: Readonly<Record<string, string>>;
}

/**
 * Mocks that behave like a first `pulumi preview`: nothing exists yet, so a new resource's outputs
 * are its inputs (the SDK marks every other output unknown in preview), except the identifiers the
 * provider computes deterministically from the name (provider-computed.ts); a `.get` keeps the id
 * it was asked for. Invokes are answered from `--invoke-answers`, then from config.
 */
export function createPreviewMocks(config: Readonly<Record<string, string>>, settings: PreviewMockSettings = {}): Mocks {
    const env = settings.env ?? process.env;
    const invokes = createInvokeTable(config, env);
    const region = configuredRegion(config, env);
    return {
        newResource: (args: MockResourceArgs): MockResourceResult => {
            const identity = args.id ? undefined : computedIdentity(args.type, args.name, args.inputs as Record<string, unknown>, region);
            if (identity === undefined) {
                return { id: args.id, state: args.inputs };
            }
            return { id: identity.id, state: { ...args.inputs, ...identity.outputs } };
        },
        call: (args: MockCallArgs): Record<string, unknown> => {
            try {
                return answerInvoke(invokes, args.token, args.inputs, settings.invokeAnswers, settings.refusedInvokes);
            } catch (err) {
                // The SDK rebuilds a failed invoke's error from its gRPC `details` only.
                throw Object.assign(err as Error, { details: (err as Error).message });
            }
        },
    };
}

/**
 * A string asset's text as its digest. Policies judge configuration, not code; a Lambda archive
 * holds megabytes of bundles and source maps that the pack would otherwise deserialize once per
 * policy for every Analyze call. The asset stays a valid StringAsset whose text names its size
 * and SHA-256, so a change to the code still changes what the pack sees.
 */
export function digestAssets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(digestAssets);
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const object = value as Record<string, unknown>;
    if (object[wireSignature.key] === wireSignature.asset && typeof object.text === "string") {
        const bytes = Buffer.byteLength(object.text);
        return {
            ...object,
            text: `offline-gate asset digest: ${bytes} bytes, sha256 ${createHash("sha256").update(object.text).digest("hex")}`,
        };
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, digestAssets(v)]));
}

function structToWire(struct: { toJavaScript(): Record<string, unknown> } | undefined): WireProperties {
    return digestAssets(struct?.toJavaScript() ?? {}) as WireProperties;
}

function sourcePositionOf(req: RegisterResourceRequest | ReadResourceRequest): SourcePosition | undefined {
    const position = req.getSourceposition();
    const uri = position?.getUri();
    if (position === undefined || !uri) {
        return undefined;
    }
    return { file: uri.startsWith("file:") ? fileURLToPath(uri) : uri, line: position.getLine(), column: position.getColumn() };
}

function propertyDependenciesOf(req: RegisterResourceRequest): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
        result[key] = deps.getUrnsList();
    });
    return result;
}

function optionsOf(req: RegisterResourceRequest): RecordedOptions {
    const timeouts = req.getCustomtimeouts();
    return {
        protect: req.getProtect() ?? false,
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        aliases: req.getAliasurnsList(),
        customTimeouts: timeouts && {
            create: parseDurationSeconds(timeouts.getCreate()),
            update: parseDurationSeconds(timeouts.getUpdate()),
            delete: parseDurationSeconds(timeouts.getDelete()),
        },
    };
}

const noOptions: RecordedOptions = { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [] };

/** Defines the recording subclass of the given MockMonitor class. */
export function defineRecordingMonitor(Base: MockMonitorClass) {
    return class extends Base implements RecordingMonitor {
        readonly recorded: RecordedResource[] = [];
        private readonly byUrn = new Map<string, RecordedResource>();

        constructor(
            mocks: Mocks,
            private readonly settings: RecordingMonitorSettings,
        ) {
            super(mocks);
        }

        private urnFor(parent: string, type: string, name: string): string {
            return makeUrn(this.settings.stack, this.settings.project, parent || undefined, type, name);
        }

        // The engine refuses a second resource with the same URN; so does the gate.
        private record(resource: RecordedResource, callback: Callback): boolean {
            if (this.byUrn.has(resource.urn)) {
                callback(new Error(`Duplicate resource URN '${resource.urn}'; try giving it a unique name`), undefined);
                return false;
            }
            this.byUrn.set(resource.urn, resource);
            this.recorded.push(resource);
            return true;
        }

        // The base class files the resource under its own URN; move it to the engine's URN.
        private withEngineUrn(urn: string, callback: Callback): Callback {
            return (err, response) => {
                const typed = response as { getUrn(): string; setUrn(urn: string): void } | undefined;
                if (typed) {
                    const entry = this.resources.get(typed.getUrn());
                    this.resources.delete(typed.getUrn());
                    if (entry) {
                        this.resources.set(urn, { ...entry, urn });
                    }
                    typed.setUrn(urn);
                    // The SDK writes `resp: ${innerResponse}` into a debug line it then drops, for every
                    // resource: the message's own toString prints every field (0.6 s of our dev stack).
                    Object.defineProperty(response, "toString", { value: () => `RegisterResourceResponse(${urn})` });
                }
                callback(err, response);
            };
        }

        // Fields a registration and a read share.
        private identityOf(req: RegisterResourceRequest | ReadResourceRequest) {
            return {
                urn: this.urnFor(req.getParent(), req.getType(), req.getName()),
                type: req.getType(),
                name: req.getName(),
                parent: req.getParent() || undefined,
                dependencies: req.getDependenciesList(),
                providerRef: req.getProvider() || undefined,
                packageVersion: req.getVersion() || undefined,
                sourcePosition: sourcePositionOf(req),
            };
        }

        // The provider's Check fills in the auto-name; the engine hands the policy pack checked inputs.
        private checkedInputs(req: RegisterResourceRequest): WireProperties {
            const inputs = structToWire(req.getObject());
            const autoName =
                req.getCustom() && !req.getImportid()
                    ? computedIdentity(
                          req.getType(),
                          req.getName(),
                          inputs,
                          configuredRegion(this.settings.config, process.env) ?? "us-east-1",
                      )?.autoName
                    : undefined;
            return autoName === undefined ? inputs : { ...inputs, name: autoName };
        }

        async registerResource(req: RegisterResourceRequest, callback: Callback): Promise<void> {
            const recorded: RecordedResource = {
                ...this.identityOf(req),
                custom: req.getCustom(),
                kind: registrationKinds.register,
                remote: req.getRemote() || undefined,
                inputs: this.checkedInputs(req),
                propertyDependencies: propertyDependenciesOf(req),
                options: optionsOf(req),
            };
            if (this.record(recorded, callback)) {
                await super.registerResource(req, this.withEngineUrn(recorded.urn, callback));
            }
        }

        async readResource(req: ReadResourceRequest, callback: Callback): Promise<void> {
            const recorded: RecordedResource = {
                ...this.identityOf(req),
                custom: true,
                kind: registrationKinds.read,
                inputs: structToWire(req.getProperties()),
                propertyDependencies: {},
                options: noOptions,
            };
            if (this.record(recorded, callback)) {
                await super.readResource(req, this.withEngineUrn(recorded.urn, callback));
            }
        }

        registerResourceOutputs(req: RegisterResourceOutputsRequest, callback: Callback): void {
            const recorded = this.byUrn.get(req.getUrn());
            if (recorded) {
                recorded.outputs = structToWire(req.getOutputs());
            }
            super.registerResourceOutputs(req, callback);
        }
    };
}
