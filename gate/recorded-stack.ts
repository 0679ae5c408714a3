// What a preview-mode run of a program leaves behind: every resource the program asked the engine
// to register, in the engine's own terms (URN, wire-form inputs, parent, dependencies). The policy
// pack is later fed exactly this, so nothing here is interpreted or defaulted.

/** A property map in Pulumi's wire form (google.protobuf.Struct as JSON): unknown values are the
 * sentinel string, secrets and resource references are signature envelopes. */
export type WireProperties = Record<string, unknown>;

export interface RecordedOptions {
    readonly protect: boolean;
    readonly ignoreChanges: readonly string[];
    /** Undefined when the program did not set deleteBeforeReplace. */
    readonly deleteBeforeReplace?: boolean;
    readonly additionalSecretOutputs: readonly string[];
    readonly aliases: readonly string[];
    readonly customTimeouts?: { readonly create: number; readonly update: number; readonly delete: number };
}

export const registrationKinds = {
    /** `new Resource(...)`: the engine plans a create in a first preview. */
    register: "register",
    /** `Resource.get(...)`: an existing resource the engine only reads. */
    read: "read",
    /** A default provider the engine creates for a package the program used without an explicit provider. */
    defaultProvider: "defaultProvider",
} as const;
export type RegistrationKind = (typeof registrationKinds)[keyof typeof registrationKinds];

export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** True for provider-backed resources; false for components (including the root stack). */
    readonly custom: boolean;
    readonly kind: RegistrationKind;
    /** Inputs exactly as the SDK sent them to the resource monitor. */
    readonly inputs: WireProperties;
    /** Outputs a component registered with registerOutputs, if any. */
    outputs?: WireProperties;
    /** Parent URN; undefined only for the root stack, default providers and unparented resources. */
    readonly parent?: string;
    readonly dependencies: readonly string[];
    /** Input property name -> URNs of the resources its value came from. */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** Provider reference `<provider urn>::<provider id>` as the SDK sent it, if explicit. */
    readonly providerRef?: string;
    /** Version of the resource's package, used to name its default provider. */
    readonly packageVersion?: string;
    readonly options: RecordedOptions;
    /** A multi-language component whose children the provider builds out of the program's sight. */
    readonly remote?: boolean;
    /** Where the program constructed the resource (the SDK sends it with each registration). */
    readonly sourcePosition?: SourcePosition;
}

/** A place in the program's source: absolute file path, 1-based line and column. */
export interface SourcePosition {
    readonly file: string;
    readonly line: number;
    readonly column: number;
}

export interface RecordedStack {
    readonly project: string;
    readonly stack: string;
    /** Registration order, as the engine sees it. */
    readonly resources: readonly RecordedResource[];
}

/** Marks a value the engine does not know yet (Pulumi's wire sentinel). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Signature keys of Pulumi's wire format. */
export const wireSignature = {
    key: "4dabf18193072939515e22adb298388d",
    secret: "1b47061264138c4ac30d75fd1eb44270",
    resourceReference: "5cf8f73096256a8f31e491e813e4eb8e",
    outputValue: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
    asset: "c44067f5952c0a294b673a41bacd8c17",
} as const;

export const rootStackType = "pulumi:pulumi:Stack";
export const providerTypePrefix = "pulumi:providers:";
