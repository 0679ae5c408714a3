/**
 * The stack the local runtime runs: its config read with the reader the program and the gate use
 * (pipeline/stack-config.ts), checked as the component checks it, so `npm start` refuses exactly
 * what `pulumi up` and the gate refuse, with the same messages, before anything starts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadProject } from "../pipeline/project";
import { PipelineConfigError } from "../pipeline/config-error";
import { defaultNamePrefix } from "../pipeline/naming";
import type { PipelineOptions } from "../pipeline/options";
import { computePipelineSettings, type PipelineSettings } from "../pipeline/pipeline-settings";
import {
    configuredRegion,
    parseStackName,
    pipelineArgumentProblems,
    ProgramConfigKeys,
    readProgramConfig,
    readStackConfigValues,
    requireRegion,
    StackConfigError,
    stackFilePath,
} from "../pipeline/stack-config";

export const PROJECT_ROOT = path.join(__dirname, "..");
/** The stack `npm start` runs when `--stack` is not given. */
export const DEFAULT_STACK = "dev";
/** The component name index.ts gives the pipeline; with project and stack it makes the default prefix. */
const COMPONENT_NAME = "main";
const STACK_WITHOUT_FILE = "local";
/** The region used when there is no stack file at all and AWS_REGION is unset. */
const REGION_WITHOUT_FILE = "us-east-1";

export { StackConfigError };

export interface LocalStackConfig {
    readonly project: string;
    readonly stack: string;
    /** The file read, or undefined when none existed and the defaults apply. */
    readonly file?: string;
    /** The stack's `aws:region` (else AWS_REGION): queue URLs and ARNs carry it. */
    readonly region: string;
    readonly namePrefix: string;
    readonly options?: PipelineOptions;
    readonly settings: PipelineSettings;
    /** The stack's `tags` config (the queues carry them, as the component's do). */
    readonly tags?: Readonly<Record<string, string>>;
    /** Things the reader could not honour (e.g. ESC environments), to print. */
    readonly warnings: readonly string[];
}

export interface ReadStackConfigOptions {
    /** The stack name as `--stack` gives it. @default "dev" (and the defaults when Pulumi.dev.yaml is absent) */
    readonly stack?: string;
    /** The Pulumi project directory. @default the repository root */
    readonly programDir?: string;
    /** Where AWS_REGION is read when the stack sets no aws:region. @default process.env */
    readonly env?: NodeJS.ProcessEnv;
}

/**
 * The named stack's settings, refused as `pulumi up` would refuse them.
 * @throws StackConfigError for a bad stack name, a missing or unreadable file, or no region
 * @throws PipelineConfigError for unread keys and invalid values, all at once
 */
export function readStackConfig(options: ReadStackConfigOptions = {}): LocalStackConfig {
    const programDir = options.programDir ?? PROJECT_ROOT;
    const env = options.env ?? process.env;
    const project = loadProject(programDir);
    const stack = parseStackName(options.stack ?? DEFAULT_STACK);
    const file = stackFilePath(programDir, stack);
    if (!fs.existsSync(file)) {
        if (options.stack !== undefined) {
            throw new StackConfigError(`no stack config file ${file}; '--stack ${stack}' needs Pulumi.${stack}.yaml in ${programDir}`);
        }
        const namePrefix = defaultNamePrefix(project.name, STACK_WITHOUT_FILE, COMPONENT_NAME);
        return {
            project: project.name,
            stack: STACK_WITHOUT_FILE,
            region: configuredRegion({}, env) ?? REGION_WITHOUT_FILE,
            namePrefix,
            settings: computePipelineSettings(),
            warnings: [],
        };
    }
    const { values, warnings } = readStackConfigValues(project.name, project.config, file);
    const region = requireRegion(values, stack, env);
    const program = readProgramConfig(values, project.name);
    const namePrefix = program.namePrefix ?? defaultNamePrefix(project.name, stack, COMPONENT_NAME);
    const problems = pipelineArgumentProblems(program.options, ProgramConfigKeys.pipeline, namePrefix);
    if (problems.length > 0) {
        throw new PipelineConfigError(problems);
    }
    return {
        project: project.name,
        stack,
        file,
        region,
        namePrefix,
        options: program.options,
        settings: computePipelineSettings(program.options),
        tags: program.tags,
        warnings,
    };
}
