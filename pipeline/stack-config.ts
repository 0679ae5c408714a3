/**
 * The one reader of a stack's config, used by the program (index.ts, through the values the
 * language host gives `pulumi.Config`), the offline gate and the local runtime, so the three can
 * never disagree about what a stack file says. It follows Pulumi's own rules:
 * - a key without a namespace belongs to the project (`pipeline:` is `<project>:pipeline`);
 * - every value reaches the program as a string, objects and lists as JSON;
 * - Pulumi.yaml's `config:` gives project-level defaults, the stack file wins;
 * - a key in the project's own namespace that the program does not read is an error naming the
 *   nearest key it does read (a typo must not run every setting on its default).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { PipelineConfigError } from "./config-error";
import { validateNamePrefix } from "./naming";
import type { PipelineOptions } from "./options";
import { validatePipelineOptions } from "./pipeline-settings";

/** The keys of the project's namespace the program reads (index.ts), each once. */
export const ProgramConfigKeys = {
    pipeline: "pipeline",
    namePrefix: "namePrefix",
    pagerDutyRoutingKey: "pagerdutyRoutingKey",
    slackWebhookUrl: "slackWebhookUrl",
    tags: "tags",
} as const;
const PROGRAM_KEYS: readonly string[] = Object.values(ProgramConfigKeys);

/** A stack file (or the project file) cannot be read, or says something Pulumi would refuse. */
export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

/** A stack's config as the language host hands it to the program. */
export interface StackConfigValues {
    /** Fully qualified key (`aws:region`, `<project>:<key>`) -> value as a string, as `pulumi.Config` reads it. */
    readonly values: Readonly<Record<string, string>>;
    /** Keys whose values are `secure:` (a placeholder offline: there is no secrets provider). */
    readonly secretKeys: readonly string[];
    /** Things that could not be honoured offline (e.g. ESC environments), for the caller to print. */
    readonly warnings: readonly string[];
}

/** Stands in for every `secure:` value: nothing offline can decrypt it. */
export const SECRET_PLACEHOLDER = "offline-gate-secret-placeholder";

/** Same characters the Pulumi CLI accepts in a stack name; an org/project/ prefix is allowed. */
const STACK_NAME = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;

/**
 * A `--stack` value as Pulumi means it: a stack name (`dev`, or `org/project/dev`), never a file.
 * @returns the bare stack name, which names the file `Pulumi.<stack>.yaml`
 * @throws StackConfigError for anything else, saying which file a name selects
 */
export function parseStackName(value: string, flag = "--stack"): string {
    if (!STACK_NAME.test(value) || /\.ya?ml$/.test(value)) {
        const file = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(value));
        const hint = file ? `; for ${path.basename(value)} pass '${flag} ${file[1]}'` : "";
        throw new StackConfigError(
            `'${flag}' must be a stack name of letters, digits, '_', '.' or '-' (optionally org/project/ first), as pulumi uses it, '${value}' given${hint}`,
        );
    }
    return value.slice(value.lastIndexOf("/") + 1);
}

/** The stack file Pulumi reads for `stack` in `programDir`. */
export function stackFilePath(programDir: string, stack: string): string {
    return path.join(programDir, `Pulumi.${stack}.yaml`);
}

type YamlMap = Record<string, unknown>;

function isMap(value: unknown): value is YamlMap {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * js-yaml turns `.nan` and `.inf` into numbers JSON cannot carry (they would reach the program as
 * `null`, and be reported as "null given"). Kept as the text written, the validators name it.
 */
/** js-yaml's own float type; its typings omit the `types` export the package has. */
const YAML_FLOAT = (
    yaml as unknown as { types: { float: yaml.Type & { resolve(data: string): boolean; construct(data: string): unknown } } }
).types.float;

const floatAsWritten = new yaml.Type("tag:yaml.org,2002:float", {
    kind: "scalar",
    resolve: (data: string) => YAML_FLOAT.resolve(data),
    construct: (data: string) => {
        const value = YAML_FLOAT.construct(data) as number;
        return Number.isFinite(value) ? value : data;
    },
    instanceOf: Number,
    represent: YAML_FLOAT.represent ?? undefined,
    defaultStyle: YAML_FLOAT.defaultStyle ?? undefined,
});

/** The default schema with the float type above in place of js-yaml's (a type of the same tag replaces it). */
const STACK_FILE_SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [floatAsWritten] });

/** A YAML file as a mapping ({} when empty). */
export function readYamlMapping(file: string, what: string): YamlMap {
    let parsed: unknown;
    try {
        parsed = yaml.load(fs.readFileSync(file, "utf8"), { schema: STACK_FILE_SCHEMA });
    } catch (error) {
        throw new StackConfigError(`${what} ${file} is not valid YAML: ${(error as Error).message}`);
    }
    if (parsed === undefined || parsed === null) {
        return {};
    }
    if (!isMap(parsed)) {
        throw new StackConfigError(`${what} ${file} must hold a YAML mapping, found ${Array.isArray(parsed) ? "a list" : typeof parsed}`);
    }
    return parsed;
}

/** `key` in Pulumi's fully qualified form: a bare key belongs to the project. */
export function qualifyKey(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** Replaces every `{ secure: ... }` inside a value by the placeholder, noting that one was seen. */
function replaceSecure(value: unknown, seen: { secret: boolean }): unknown {
    if (isMap(value)) {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] === "secure") {
            seen.secret = true;
            return SECRET_PLACEHOLDER;
        }
        return Object.fromEntries(keys.map((k) => [k, replaceSecure(value[k], seen)]));
    }
    if (Array.isArray(value)) {
        return value.map((item) => replaceSecure(item, seen));
    }
    return value;
}

/** Project-level entries are a literal or a schema such as { type: integer, default: 5 }. */
const PROJECT_CONFIG_SCHEMA_KEYS = ["type", "description", "default", "value", "secret", "items"];

function projectConfigValue(entry: unknown): unknown {
    if (isMap(entry) && Object.keys(entry).every((k) => PROJECT_CONFIG_SCHEMA_KEYS.includes(k))) {
        return entry.value ?? entry.default;
    }
    return entry;
}

/**
 * Reads `config:` of Pulumi.yaml (`projectConfig`, defaults) and of `stackFile` (which wins), as
 * the CLI hands them to the Node.js language host.
 * @throws StackConfigError when the stack file is missing, is not YAML, or `config` is no mapping
 */
export function readStackConfigValues(
    project: string,
    projectConfig: Readonly<Record<string, unknown>>,
    stackFile: string,
): StackConfigValues {
    if (!fs.existsSync(stackFile)) {
        throw new StackConfigError(`no stack config file ${stackFile}`);
    }
    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();
    const warnings: string[] = [];
    const apply = (key: string, raw: unknown): void => {
        if (raw === undefined || raw === null) {
            return;
        }
        const qualified = qualifyKey(key, project);
        const seen = { secret: false };
        const value = replaceSecure(raw, seen);
        values[qualified] = typeof value === "string" ? value : JSON.stringify(value);
        if (seen.secret) {
            secretKeys.add(qualified);
        } else {
            secretKeys.delete(qualified);
        }
    };
    for (const [key, entry] of Object.entries(projectConfig)) {
        apply(key, projectConfigValue(entry));
    }
    const stackDocument = readYamlMapping(stackFile, "stack config file");
    if (stackDocument.config !== undefined && !isMap(stackDocument.config)) {
        throw new StackConfigError(
            `'config' in ${stackFile} must be a mapping of keys to values, ${JSON.stringify(stackDocument.config)} given`,
        );
    }
    for (const [key, raw] of Object.entries(stackDocument.config ?? {})) {
        apply(key, raw);
    }
    if (stackDocument.environment !== undefined) {
        warnings.push(`${stackFile} imports Pulumi ESC environments; they cannot be opened offline, so their values are missing`);
    }
    return { values, secretKeys: [...secretKeys].sort(), warnings };
}

/** The region the AWS provider uses: `aws:region`, else AWS_REGION / AWS_DEFAULT_REGION. */
export function configuredRegion(values: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): string | undefined {
    return values["aws:region"] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

/**
 * The stack's region, or the one cause of every later failure when it has none.
 * @throws StackConfigError naming the stack and the command that sets it
 */
export function requireRegion(values: Readonly<Record<string, string>>, stack: string, env: NodeJS.ProcessEnv = process.env): string {
    const region = configuredRegion(values, env);
    if (region === undefined) {
        throw new StackConfigError(
            `stack '${stack}' sets no 'aws:region' (and AWS_REGION is not set): every AWS resource needs one; set it with 'pulumi config set aws:region <region>' (Pulumi.${stack}.yaml, config: aws:region)`,
        );
    }
    return region;
}

/** What the program reads from the project's namespace, parsed. */
export interface ProgramConfig {
    readonly options?: PipelineOptions;
    readonly namePrefix?: string;
    readonly tags?: Record<string, string>;
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length]!;
}

/** The known key closest to `key` (case-insensitive edit distance). */
export function nearestKey(key: string, known: readonly string[]): string {
    const lower = key.toLowerCase();
    return [...known].sort((a, b) => editDistance(lower, a.toLowerCase()) - editDistance(lower, b.toLowerCase()))[0]!;
}

/** One problem per key of the project's namespace that the program does not read. */
export function unreadProjectKeys(values: Readonly<Record<string, string>>, project: string): string[] {
    const prefix = `${project}:`;
    return Object.keys(values)
        .filter((key) => key.startsWith(prefix) && !PROGRAM_KEYS.includes(key.slice(prefix.length)))
        .sort()
        .map((key) => {
            const nearest = `${prefix}${nearestKey(key.slice(prefix.length), PROGRAM_KEYS)}`;
            return `'${key}' is not a setting this program reads, did you mean '${nearest}'? (it reads ${PROGRAM_KEYS.map((k) => `${prefix}${k}`).join(", ")})`;
        });
}

function parseJsonValue(key: string, text: string | undefined, problems: string[]): unknown {
    if (text === undefined) {
        return undefined;
    }
    try {
        return JSON.parse(text) as unknown;
    } catch {
        problems.push(`'${key}' must be an object, ${JSON.stringify(text)} given`);
        return undefined;
    }
}

/**
 * The program's settings from the stack's config values, checked before any resource exists.
 * @throws PipelineConfigError listing every unread key and every malformed value at once
 */
export function readProgramConfig(values: Readonly<Record<string, string>>, project: string): ProgramConfig {
    const problems = unreadProjectKeys(values, project);
    const key = (name: string) => `${project}:${name}`;
    const options = parseJsonValue(ProgramConfigKeys.pipeline, values[key(ProgramConfigKeys.pipeline)], problems);
    const tags = parseJsonValue(ProgramConfigKeys.tags, values[key(ProgramConfigKeys.tags)], problems);
    if (tags !== undefined && (!isMap(tags) || Object.values(tags).some((value) => typeof value !== "string"))) {
        problems.push(`'${ProgramConfigKeys.tags}' must be a mapping of tag names to strings, ${JSON.stringify(tags)} given`);
    }
    if (problems.length > 0) {
        throw new PipelineConfigError(problems);
    }
    return {
        options: options as PipelineOptions | undefined,
        namePrefix: values[key(ProgramConfigKeys.namePrefix)],
        tags: tags as Record<string, string> | undefined,
    };
}

/**
 * Every problem of the component's arguments, as the component reports them: the local runtime
 * calls this too, so a bad value gets the same message wherever it is found.
 */
export function pipelineArgumentProblems(options: unknown, optionsKey: string, namePrefix: string): readonly string[] {
    return [...validatePipelineOptions(options, optionsKey), ...validateNamePrefix(namePrefix)];
}
