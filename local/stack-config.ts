/**
 * Reads the pipeline options from a Pulumi stack file, so the local runtime builds what that
 * stack would deploy. The file is plain YAML; Pulumi keys config by "<project>:<key>".
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { loadProject } from "../gate/project";
import { defaultNamePrefix } from "../pipeline/naming";
import type { PipelineOptions } from "../pipeline/options";

export const PROJECT_ROOT = path.join(__dirname, "..");
export const DEFAULT_STACK_FILE = path.join(PROJECT_ROOT, "Pulumi.dev.yaml");
/** The component name index.ts gives the pipeline; with project and stack it makes the default prefix. */
const COMPONENT_NAME = "main";
const STACK_WITHOUT_FILE = "local";

export interface LocalStackConfig {
    readonly project: string;
    readonly stack: string;
    /** The file read, or undefined when none existed and the defaults apply. */
    readonly file?: string;
    readonly namePrefix: string;
    readonly options?: PipelineOptions;
}

export class StackFileError extends Error {
    constructor(file: string, detail: string) {
        super(`Cannot read stack file ${file}: ${detail}`);
        this.name = "StackFileError";
    }
}

/**
 * The pipeline options of `stackFile` (default Pulumi.dev.yaml). A missing default file means
 * "use the defaults"; a missing file the user named is an error.
 */
export function readStackConfig(stackFile?: string): LocalStackConfig {
    const project = loadProject(PROJECT_ROOT).name;
    const file = stackFile ?? DEFAULT_STACK_FILE;
    if (!fs.existsSync(file)) {
        if (stackFile !== undefined) {
            throw new StackFileError(file, "it does not exist");
        }
        return { project, stack: STACK_WITHOUT_FILE, namePrefix: defaultNamePrefix(project, STACK_WITHOUT_FILE, COMPONENT_NAME) };
    }
    const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1] ?? STACK_WITHOUT_FILE;
    let document: unknown;
    try {
        document = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new StackFileError(file, (error as Error).message);
    }
    const config = (document as { config?: Record<string, unknown> } | undefined)?.config ?? {};
    if (typeof config !== "object" || config === null) {
        throw new StackFileError(file, `'config' must be a mapping, ${JSON.stringify(config)} given`);
    }
    const namePrefix = config[`${project}:namePrefix`];
    return {
        project,
        stack,
        file,
        namePrefix: typeof namePrefix === "string" ? namePrefix : defaultNamePrefix(project, stack, COMPONENT_NAME),
        options: config[`${project}:pipeline`] as PipelineOptions | undefined,
    };
}
