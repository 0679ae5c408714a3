// Command-line parsing for the offline policy gate: takes argv and the working directory and
// returns absolute paths. It reads the file system once: whether the pack has a config for the
// stack (policy/config/<stack>.json), which decides the default --policy-config; everything else
// is computed from the arguments, so tests call it with temporary directories.
import * as fs from "fs";
import * as path from "path";
import { GateUsageError } from "./errors";
import { parseStackName, StackConfigError } from "../pipeline/stack-config";

export const outputFormats = ["text", "json", "sarif"] as const;
export type OutputFormat = (typeof outputFormats)[number];

export const remoteComponentModes = ["warn", "error"] as const;
export type RemoteComponentMode = (typeof remoteComponentModes)[number];

export interface GateOptions {
    /** Absolute path of the Pulumi program directory (holds Pulumi.yaml). */
    readonly programDir: string;
    /** Stack name; selects Pulumi.<stack>.yaml. */
    readonly stack: string;
    /** Absolute path of the policy pack directory (holds PulumiPolicy.yaml). */
    readonly policyPackDir: string;
    /** Absolute path of the policy config JSON file, if any. */
    readonly policyConfigFile?: string;
    /** Why that config (or none) applies, printed first so nobody has to guess. */
    readonly policyConfigReason: string;
    /** Absolute path of the `--invoke-answers` file, if any. */
    readonly invokeAnswersFile?: string;
    /** Seconds the program may run before it is stopped. */
    readonly timeoutSeconds: number;
    readonly remoteComponents: RemoteComponentMode;
    readonly format: OutputFormat;
    /** Time per phase on stderr. */
    readonly verbose: boolean;
}

export const defaultTimeoutSeconds = 120;

export const gateUsage = [
    "usage: gate [--program <dir>] [--stack <name>] [--policy-pack <dir>] [--policy-config <file>] [--invoke-answers <file>]",
    "            [--timeout <seconds>] [--remote-components warn|error] [--format text|json|sarif] [--verbose]",
    "",
    "  --program <dir>          Pulumi TypeScript/JavaScript program directory (default: .)",
    "  --stack <name>           stack whose Pulumi.<name>.yaml config is used (default: dev)",
    "  --policy-pack <dir>      CrossGuard policy pack directory (default: policy)",
    "  --policy-config <file>   policy config JSON (default: <policy-pack>/config/<stack>.json, only when the",
    "                           pack lives inside the program's directory, i.e. for the pack's own program)",
    "  --invoke-answers <file>  canned results for provider functions the gate cannot answer offline",
    `  --timeout <seconds>      stop a program whose outputs never settle (default: ${defaultTimeoutSeconds})`,
    "  --remote-components <m>  'warn' (default) or 'error' (exit 2) for components the pack cannot see inside",
    "  --format <f>             'text' (default), 'json' or 'sarif' (SARIF 2.1.0) on stdout",
    "  --verbose                time per phase on stderr",
].join("\n");

const flags = [
    "--program",
    "--stack",
    "--policy-pack",
    "--policy-config",
    "--invoke-answers",
    "--timeout",
    "--remote-components",
    "--format",
] as const;
const switches = ["--verbose"] as const;
type Flag = (typeof flags)[number];

/** Thrown for `--help`; the CLI prints the usage and exits 0. */
export class HelpRequestedError extends Error {
    constructor() {
        super(gateUsage);
        this.name = "HelpRequestedError";
    }
}

function isFlag(value: string): value is Flag {
    return (flags as readonly string[]).includes(value);
}

function readFlags(argv: readonly string[]): { values: Map<Flag, string>; switches: Set<string> } {
    const values = new Map<Flag, string>();
    const on = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") {
            throw new HelpRequestedError();
        }
        if ((switches as readonly string[]).includes(arg)) {
            on.add(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const name = eq > 0 ? arg.slice(0, eq) : arg;
        if (!isFlag(name)) {
            throw new GateUsageError(`unknown argument '${arg}'; allowed: ${[...flags, ...switches].join(", ")}\n${gateUsage}`);
        }
        const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
            throw new GateUsageError(`'${name}' needs a value, none given\n${gateUsage}`);
        }
        if (values.has(name)) {
            throw new GateUsageError(`'${name}' given twice ('${values.get(name)}' and '${value}')`);
        }
        values.set(name, value);
    }
    return { values, switches: on };
}

function oneOf<T extends string>(flag: string, allowed: readonly T[], value: string | undefined, fallback: T): T {
    if (value === undefined) {
        return fallback;
    }
    if (!(allowed as readonly string[]).includes(value)) {
        throw new GateUsageError(`'${flag}' must be one of ${allowed.join(", ")}, '${value}' given`);
    }
    return value as T;
}

function timeoutOf(value: string | undefined): number {
    if (value === undefined) {
        return defaultTimeoutSeconds;
    }
    const seconds = Number(value);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
        throw new GateUsageError(`'--timeout' must be a whole number of seconds from 1 to 3600, '${value}' given`);
    }
    return seconds;
}

/** True when `inner` is `outer` or lies inside it. */
function isInside(inner: string, outer: string): boolean {
    const relative = path.relative(outer, inner);
    return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function policyConfigChoice(
    explicit: string | undefined,
    cwd: string,
    policyPackDir: string,
    programDir: string,
    stack: string,
): { file?: string; reason: string } {
    if (explicit !== undefined) {
        const file = path.resolve(cwd, explicit);
        return { file, reason: `policy config ${file} (named by --policy-config)` };
    }
    const packConfig = path.join(policyPackDir, "config", `${shortStackName(stack)}.json`);
    if (!fs.existsSync(packConfig)) {
        return { reason: `no policy config (${packConfig} does not exist): every policy at the pack's own level` };
    }
    // The pack's per-stack configs are written for the program the pack ships with; a stack that
    // happens to be called "dev" in another program must not get our dev relaxations.
    if (isInside(policyPackDir, programDir)) {
        return {
            file: packConfig,
            reason: `policy config ${packConfig} (the pack's config for stack '${shortStackName(stack)}'; the pack lives in this program's directory)`,
        };
    }
    return {
        reason:
            `no policy config: ${packConfig} is written for the pack's own program, not for ${programDir}, ` +
            "so every policy runs at the pack's own level; name a config with --policy-config to apply one",
    };
}

/** Parses the gate's arguments; relative paths are resolved against `cwd`. */
export function parseGateArgs(argv: readonly string[], cwd: string): GateOptions {
    const { values, switches: on } = readFlags(argv);
    const stack = values.get("--stack") ?? "dev";
    try {
        // The shared reader's rule, so `npm start` and the gate mean the same by '--stack'.
        parseStackName(stack);
    } catch (err) {
        throw err instanceof StackConfigError ? new GateUsageError(err.message) : err;
    }
    const policyPackDir = path.resolve(cwd, values.get("--policy-pack") ?? "policy");
    const programDir = path.resolve(cwd, values.get("--program") ?? ".");
    const config = policyConfigChoice(values.get("--policy-config"), cwd, policyPackDir, programDir, stack);
    const answers = values.get("--invoke-answers");
    return {
        programDir,
        stack,
        policyPackDir,
        policyConfigFile: config.file,
        policyConfigReason: config.reason,
        invokeAnswersFile: answers === undefined ? undefined : path.resolve(cwd, answers),
        timeoutSeconds: timeoutOf(values.get("--timeout")),
        remoteComponents: oneOf("--remote-components", remoteComponentModes, values.get("--remote-components"), "warn"),
        format: oneOf("--format", outputFormats, values.get("--format"), "text"),
        verbose: on.has("--verbose"),
    };
}

/** `org/project/dev` -> `dev`: the stack file and the URNs use the bare stack name. */
export function shortStackName(stack: string): string {
    return stack.slice(stack.lastIndexOf("/") + 1);
}
