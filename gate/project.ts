/**
 * The project reader (pipeline/project.ts, shared with the local runtime and preflight) as the
 * gate uses it: the same functions, a bad directory or file reported as GateUsageError (exit
 * code 2: the run could not be judged).
 */
import * as project from "../pipeline/project";
import { StackConfigError } from "../pipeline/stack-config";
import { GateUsageError } from "./errors";

export type { PulumiProject, StackConfig, YamlMap } from "../pipeline/project";
export { secretPlaceholder } from "../pipeline/project";

function asUsageError<T>(read: () => T): T {
    try {
        return read();
    } catch (err) {
        throw err instanceof StackConfigError ? new GateUsageError(err.message) : err;
    }
}

/** The YAML file as a mapping ({} when empty); GateUsageError naming `what` and the file otherwise. */
export function readYamlMap(file: string, what: string): project.YamlMap {
    return asUsageError(() => project.readYamlMap(file, what));
}

/** `runtime` as Pulumi project files write it: "nodejs" or { name: nodejs, options: ... }. */
export function runtimeName(runtime: unknown, file: string): string {
    return asUsageError(() => project.runtimeName(runtime, file));
}

/** Loads Pulumi.yaml; throws GateUsageError when the directory or file is missing or not a Node.js project. */
export function loadProject(programDir: string): project.PulumiProject {
    return asUsageError(() => project.loadProject(programDir));
}

/** Reads `config:` from Pulumi.yaml (defaults) and Pulumi.<stack>.yaml (which wins); GateUsageError when either is wrong. */
export function loadStackConfig(programProject: project.PulumiProject, stack: string): project.StackConfig {
    return asUsageError(() => project.loadStackConfig(programProject, stack));
}
