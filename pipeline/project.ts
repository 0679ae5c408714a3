/**
 * Reads a Pulumi program's project file and one stack's config file the way the CLI hands them to
 * the Node.js language host: every value a string, objects as JSON, secrets decrypted. Offline
 * (the gate, the local runtime, preflight) nothing can decrypt `secure:` values (no secrets
 * provider), so each becomes a placeholder string that is still flagged secret. Shared by the
 * gate (gate/project.ts reports these errors as usage errors), the local runtime and preflight;
 * a bad directory or file is a StackConfigError naming it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { readStackConfigValues, SECRET_PLACEHOLDER, StackConfigError, stackFilePath } from "./stack-config";

export interface PulumiProject {
    readonly name: string;
    readonly runtime: string;
    /** `main` from Pulumi.yaml, relative to the program directory, if set. */
    readonly main?: string;
    readonly programDir: string;
    /** `runtime.options.typescript` from Pulumi.yaml: false when the CLI loads no TypeScript. */
    readonly typescript: boolean;
    /** `config:` from Pulumi.yaml (project-level defaults), kept so stack config needs no second read. */
    readonly config: Readonly<Record<string, unknown>>;
}

export interface StackConfig {
    /** Fully qualified key (`aws:region`, `<project>:<key>`) -> value, as the language host passes it. */
    readonly values: Readonly<Record<string, string>>;
    /** Keys whose values are secrets (placeholders offline). */
    readonly secretKeys: readonly string[];
    /** Things the gate could not honour, printed as warnings (e.g. ESC environments). */
    readonly warnings: readonly string[];
}

/** Stands in for every `secure:` value: offline there is no secrets provider to decrypt it. */
export const secretPlaceholder = SECRET_PLACEHOLDER;

export type YamlMap = Record<string, unknown>;

function isMap(value: unknown): value is YamlMap {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The YAML file as a mapping ({} when empty); StackConfigError naming `what` and the file otherwise. */
export function readYamlMap(file: string, what: string): YamlMap {
    let parsed: unknown;
    try {
        parsed = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new StackConfigError(`${what} ${file} is not valid YAML: ${(err as Error).message}`);
    }
    if (parsed === undefined || parsed === null) {
        return {};
    }
    if (!isMap(parsed)) {
        throw new StackConfigError(`${what} ${file} must hold a YAML mapping, found ${Array.isArray(parsed) ? "a list" : typeof parsed}`);
    }
    return parsed;
}

function findProjectFile(programDir: string): string {
    for (const candidate of ["Pulumi.yaml", "Pulumi.yml"]) {
        const file = path.join(programDir, candidate);
        if (fs.existsSync(file)) {
            return file;
        }
    }
    throw new StackConfigError(`no Pulumi.yaml in program directory ${programDir}; '--program' must name a Pulumi project directory`);
}

/** `runtime` as Pulumi project files write it: "nodejs" or { name: nodejs, options: ... }. */
export function runtimeName(runtime: unknown, file: string): string {
    const name = isMap(runtime) ? runtime.name : runtime;
    if (typeof name !== "string" || name === "") {
        throw new StackConfigError(`'runtime' in ${file} must be a runtime name or { name: ... }, ${JSON.stringify(runtime)} given`);
    }
    return name;
}

/** Loads Pulumi.yaml; throws StackConfigError when the directory or file is missing or not a Node.js project. */
export function loadProject(programDir: string): PulumiProject {
    if (!fs.existsSync(programDir) || !fs.statSync(programDir).isDirectory()) {
        throw new StackConfigError(`program directory ${programDir} does not exist; '--program' must name a directory`);
    }
    const file = findProjectFile(programDir);
    const doc = readYamlMap(file, "project file");
    if (typeof doc.name !== "string" || doc.name === "") {
        throw new StackConfigError(`'name' in ${file} must be a non-empty string, ${JSON.stringify(doc.name)} given`);
    }
    const runtime = runtimeName(doc.runtime, file);
    if (runtime !== "nodejs") {
        throw new StackConfigError(
            `'runtime' in ${file} must be 'nodejs' (the gate runs TypeScript/JavaScript programs), '${runtime}' given`,
        );
    }
    if (doc.main !== undefined && typeof doc.main !== "string") {
        throw new StackConfigError(`'main' in ${file} must be a path, ${JSON.stringify(doc.main)} given`);
    }
    const options = isMap(doc.runtime) && isMap(doc.runtime.options) ? doc.runtime.options : {};
    return {
        name: doc.name,
        runtime,
        main: doc.main,
        programDir,
        typescript: options.typescript !== false,
        config: isMap(doc.config) ? doc.config : {},
    };
}

/** Reads `config:` from Pulumi.yaml (defaults) and Pulumi.<stack>.yaml (which wins), with the reader the program and the local runtime share. */
export function loadStackConfig(project: PulumiProject, stack: string): StackConfig {
    const stackFile = stackFilePath(project.programDir, stack);
    if (!fs.existsSync(stackFile)) {
        throw new StackConfigError(
            `no stack config file ${stackFile}; '--stack ${stack}' needs Pulumi.${stack}.yaml in the program directory`,
        );
    }
    return readStackConfigValues(project.name, project.config, stackFile);
}
