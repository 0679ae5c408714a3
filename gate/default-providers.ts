// The engine gives every custom resource without an explicit provider its package's default
// provider (`pulumi:providers:<pkg>::default_<version>`), configured from the stack's `<pkg>:*`
// config keys. Policies see it as the resource's `provider`, and it is itself a resource of the
// stack; the SDK never registers it, so the gate adds it as the engine would.
import { RecordedResource, RecordedStack, providerTypePrefix, registrationKinds } from "./recorded-stack";
import { makeUrn, providerUrnOf } from "./urn";

export interface StackWithProviders {
    /** Default providers first (the engine registers them before their first user), then the rest. */
    readonly resources: readonly RecordedResource[];
    /** Resource URN -> the provider resource that manages it. */
    readonly providerOf: ReadonlyMap<string, RecordedResource>;
}

function packageOf(type: string): string {
    return type.slice(0, type.indexOf(":"));
}

function providerInputs(pkg: string, version: string | undefined, config: Readonly<Record<string, string>>): Record<string, unknown> {
    const inputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(`${pkg}:`)) {
            inputs[key.slice(pkg.length + 1)] = value;
        }
    }
    if (version !== undefined) {
        inputs.version = version;
    }
    return inputs;
}

export function addDefaultProviders(stack: RecordedStack, config: Readonly<Record<string, string>>): StackWithProviders {
    const byUrn = new Map(stack.resources.map((r) => [r.urn, r]));
    const defaults = new Map<string, RecordedResource>();
    const providerOf = new Map<string, RecordedResource>();
    for (const resource of stack.resources) {
        if (!resource.custom || resource.type.startsWith(providerTypePrefix)) {
            continue;
        }
        if (resource.providerRef !== undefined) {
            const explicit = byUrn.get(providerUrnOf(resource.providerRef));
            if (explicit) {
                providerOf.set(resource.urn, explicit);
            }
            continue;
        }
        const pkg = packageOf(resource.type);
        const name = resource.packageVersion ? `default_${resource.packageVersion.replace(/[.+-]/g, "_")}` : "default";
        const urn = makeUrn(stack.stack, stack.project, undefined, `${providerTypePrefix}${pkg}`, name);
        let provider = defaults.get(urn);
        if (provider === undefined) {
            provider = {
                urn,
                type: `${providerTypePrefix}${pkg}`,
                name,
                custom: true,
                kind: registrationKinds.defaultProvider,
                inputs: providerInputs(pkg, resource.packageVersion, config),
                dependencies: [],
                propertyDependencies: {},
                options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [] },
            };
            defaults.set(urn, provider);
        }
        providerOf.set(resource.urn, provider);
    }
    return { resources: [...defaults.values(), ...stack.resources], providerOf };
}
