import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { RegisterResourceResponse, type RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import { answerInvoke, createInvokeTable, placeholderAccountId } from "../../gate/invoke-table";
import { loadProject, loadStackConfig } from "../../pipeline/project";
import { ResourceTypes } from "./resource-types";

/** The account id the invokes answer with: the offline gate's, so tests and gate agree. */
export const TEST_ACCOUNT_ID = placeholderAccountId;
export const TEST_REGION = "eu-west-1";
export const PROJECT = "escalation-pipeline";

/** A resource as the mock engine saw it: its type token, logical name and inputs. */
export interface MockResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    /** The resource options that decide what a replacement or `pulumi destroy` does to it. */
    readonly options: { readonly protect: boolean; readonly retainOnDelete: boolean };
    /** Where it sits in the resource tree, as the engine would name it. */
    readonly urn: string;
    /** Its parent's URN; undefined for a resource registered without a parent. */
    readonly parentUrn: string | undefined;
    /** What the engine creates before it: explicit `dependsOn` and the resources its inputs come from. */
    readonly dependencyUrns: readonly string[];
}

/** An invoke (data source lookup) as the mock engine saw it. */
export interface MockInvoke {
    readonly token: string;
    /** The provider reference it ran through (`<provider URN>::<provider id>`); undefined for the engine's default provider. */
    readonly provider: string | undefined;
}

type MockResourceOptions = MockResource["options"];
type MockResourcePlace = Pick<MockResource, "urn" | "parentUrn" | "dependencyUrns">;

/**
 * `Mocks.newResource` sees no resource options; the monitor gets the whole registration request.
 * This one notes `protect` and `retainOnDelete` by logical name (names are unique in our stacks),
 * and the URN, parent and dependencies by type and name (a bucket and its policy share a name).
 */
class OptionRecordingMonitor extends MockMonitor {
    readonly optionsByName = new Map<string, MockResourceOptions>();
    readonly placeByTypeAndName = new Map<string, MockResourcePlace>();

    registerResource(req: RegisterResourceRequest, callback: (err: unknown, response: unknown) => void): Promise<void> {
        this.optionsByName.set(req.getName(), { protect: req.getProtect() ?? false, retainOnDelete: req.getRetainondelete() ?? false });
        return super.registerResource(req, (err, response) => {
            if (response instanceof RegisterResourceResponse) {
                this.placeByTypeAndName.set(typeAndName(req.getType(), req.getName()), {
                    urn: response.getUrn(),
                    parentUrn: req.getParent() || undefined,
                    dependencyUrns: req.getDependenciesList(),
                });
            }
            callback(err, response);
        });
    }
}

const typeAndName = (type: string, name: string) => `${type}::${name}`;

/**
 * Pulumi mocks that record every registration. Outside preview each resource gets an id and its
 * inputs back as outputs; in preview it gets neither an id nor computed outputs, as on a
 * brand-new stack's first `pulumi preview`.
 */
class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: Omit<MockResource, "options" | keyof MockResourcePlace>[] = [];
    readonly invokes: MockInvoke[] = [];

    constructor(
        private readonly preview: boolean,
        private readonly region: string,
    ) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        if (this.preview) {
            return { id: undefined, state: args.inputs };
        }
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedOutputs(args, this.region) } };
    }

    /** Region, caller identity and partition, answered as the offline gate answers them. */
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        // The SDK sends "" when no explicit provider applies.
        this.invokes.push({ token: args.token, provider: args.provider || undefined });
        return answerInvoke(createInvokeTable({ "aws:region": this.region }, {}), args.token, args.inputs);
    }
}

/** The computed outputs other resources take from a resource, as the provider would return them after create. */
function computedOutputs(args: pulumi.runtime.MockResourceArgs, region: string): Record<string, unknown> {
    if (args.type === ResourceTypes.kmsKey) {
        const keyId = `${args.name}-key-id`;
        return { keyId, arn: `arn:aws:kms:${region}:${TEST_ACCOUNT_ID}:key/${keyId}` };
    }
    return {};
}

export interface MockRunOptions {
    readonly preview?: boolean;
    readonly stack?: string;
    /** Stack config as in a Pulumi.<stack>.yaml `config:` block (structured values allowed). */
    readonly config?: Record<string, unknown>;
}

export class MockStack {
    constructor(
        readonly resources: readonly MockResource[],
        readonly invokes: readonly MockInvoke[] = [],
    ) {}

    ofType(type: string): MockResource[] {
        return this.resources.filter((resource) => resource.type === type);
    }

    named(name: string): MockResource {
        const found = this.resources.find((resource) => resource.name === name);
        if (!found) {
            throw new Error(`No resource named '${name}'; registered: ${this.resources.map((r) => r.name).join(", ")}`);
        }
        return found;
    }
}

// Internal but stable: the SDK's own disconnect waits on it. Registrations are RPCs; this drains them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs, setMockOptions } = require("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs(): Promise<void>;
    setMockOptions(monitor: MockMonitor, project: string, stack: string, preview: boolean): void;
};

/** Runs `program` under fresh mocks and config (the region invoke answers `aws:region`), and returns everything it registered. */
export async function runWithMocks<T>(program: () => T, options: MockRunOptions = {}): Promise<{ stack: MockStack; result: T }> {
    const config = options.config ?? {};
    const region = typeof config["aws:region"] === "string" ? config["aws:region"] : TEST_REGION;
    const mocks = new RecordingMocks(options.preview ?? false, region);
    pulumi.runtime.setAllConfig(toConfigMap(config));
    await pulumi.runtime.setMocks(mocks, PROJECT, options.stack ?? "test", options.preview ?? false);
    // setMocks also sets the SDK's feature flags; only its monitor is replaced.
    const monitor = new OptionRecordingMonitor(mocks);
    setMockOptions(monitor, PROJECT, options.stack ?? "test", options.preview ?? false);
    const result = program();
    await waitForRPCs();
    const noOptions: MockResourceOptions = { protect: false, retainOnDelete: false };
    const unplaced: MockResourcePlace = { urn: "", parentUrn: undefined, dependencyUrns: [] };
    return {
        stack: new MockStack(
            mocks.resources.map((r) => ({
                ...r,
                options: monitor.optionsByName.get(r.name) ?? noOptions,
                ...(monitor.placeByTypeAndName.get(typeAndName(r.type, r.name)) ?? unplaced),
            })),
            mocks.invokes,
        ),
        result,
    };
}

/** Pulumi keeps config as strings; structured values are JSON. */
function toConfigMap(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}

/** A stack's config as the language host passes it (`<project>:<key>` -> string), read as the offline gate reads it. */
export function stackConfig(stack: string): Record<string, string> {
    return { ...loadStackConfig(loadProject(path.join(__dirname, "..", "..")), stack).values };
}

/** Resolves an output's value in a test (mocks resolve outputs; unknown values resolve to undefined). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** JSON-string inputs (policies) parsed for assertions. */
export function parsedJson<T = unknown>(value: unknown): T {
    if (typeof value !== "string") {
        throw new Error(`Expected a JSON string, got ${JSON.stringify(value)}`);
    }
    return JSON.parse(value) as T;
}
