// Command-line parsing for the offline policy gate. Pure: takes argv and the working directory,
// returns absolute paths, so tests can call it without touching the file system.
import * as fs from "fs";
import * as path from "path";
import { GateUsageError } from "./errors";
import { parseStackName, StackConfigError } from "../pipeline/stack-config";

export interface GateOptions {
    /** Absolute path of the Pulumi program directory (holds Pulumi.yaml). */
    readonly programDir: string;
    /** Stack name; selects Pulumi.<stack>.yaml. */
    readonly stack: string;
    /** Absolute path of the policy pack directory (holds PulumiPolicy.yaml). */
    readonly policyPackDir: string;
    /** Absolute path of the policy config JSON file, if any. */
    readonly policyConfigFile?: string;
}

export const gateUsage = [
    "usage: gate [--program <dir>] [--stack <name>] [--policy-pack <dir>] [--policy-config <file>]",
    "",
    "  --program <dir>        Pulumi TypeScript program directory (default: .)",
    "  --stack <name>         stack whose Pulumi.<name>.yaml config is used (default: dev)",
    "  --policy-pack <dir>    CrossGuard policy pack directory (default: policy)",
    "  --policy-config <file> policy config JSON (default: <policy-pack>/config/<stack>.json if present)",
].join("\n");

const flags = ["--program", "--stack", "--policy-pack", "--policy-config"] as const;
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

function readFlags(argv: readonly string[]): Map<Flag, string> {
    const values = new Map<Flag, string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") {
            throw new HelpRequestedError();
        }
        const eq = arg.indexOf("=");
        const name = eq > 0 ? arg.slice(0, eq) : arg;
        if (!isFlag(name)) {
            throw new GateUsageError(`unknown argument '${arg}'; allowed: ${flags.join(", ")}\n${gateUsage}`);
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
    return values;
}

/** Parses the gate's arguments; relative paths are resolved against `cwd`. */
export function parseGateArgs(argv: readonly string[], cwd: string): GateOptions {
    const values = readFlags(argv);
    const stack = values.get("--stack") ?? "dev";
    try {
        // The shared reader's rule, so `npm start` and the gate mean the same by '--stack'.
        parseStackName(stack);
    } catch (err) {
        throw err instanceof StackConfigError ? new GateUsageError(err.message) : err;
    }
    const policyPackDir = path.resolve(cwd, values.get("--policy-pack") ?? "policy");
    const explicitConfig = values.get("--policy-config");
    const defaultConfig = path.join(policyPackDir, "config", `${shortStackName(stack)}.json`);
    let policyConfigFile: string | undefined;
    if (explicitConfig !== undefined) {
        policyConfigFile = path.resolve(cwd, explicitConfig);
    } else if (fs.existsSync(defaultConfig)) {
        policyConfigFile = defaultConfig;
    }
    return {
        programDir: path.resolve(cwd, values.get("--program") ?? "."),
        stack,
        policyPackDir,
        policyConfigFile,
    };
}

/** `org/project/dev` -> `dev`: the stack file and the URNs use the bare stack name. */
export function shortStackName(stack: string): string {
    return stack.slice(stack.lastIndexOf("/") + 1);
}
