/** Small helpers over node:util's parseArgs, so every command reports bad flags the same way. */
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export function parseCommandLine<T extends NonNullable<ParseArgsConfig["options"]>>(argv: readonly string[], options: T) {
    try {
        return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
}

/** An optional whole-number flag within a range; the message names the flag, the range and the value. */
export function integerFlag(name: string, value: string | undefined, range: { min: number; max: number }, fallback: number): number {
    if (value === undefined) {
        return fallback;
    }
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < range.min || parsed > range.max) {
        throw new UsageError(`'--${name}' must be a whole number between ${range.min} and ${range.max}, ${JSON.stringify(value)} given`);
    }
    return parsed;
}

/** An optional decimal flag within a range. */
export function numberFlag(name: string, value: string | undefined, range: { min: number; max: number }, fallback: number): number {
    if (value === undefined) {
        return fallback;
    }
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < range.min || parsed > range.max) {
        throw new UsageError(`'--${name}' must be a number between ${range.min} and ${range.max}, ${JSON.stringify(value)} given`);
    }
    return parsed;
}

/** Errors that describe what the user gave (a flag, a stack file, outputs): their message says it all. */
const USER_ERRORS: ReadonlySet<string> = new Set([
    "PipelineConfigError",
    "StackConfigError",
    "StackOutputsError",
    "GateUsageError",
    "PortInUseError",
    "HandlerCodeError",
]);

/** Runs a command's main, printing usage and input errors without a stack trace and exiting non-zero. */
export function runCommand(main: () => Promise<number | void>, usage: string): void {
    main().then(
        (code) => {
            process.exitCode = code ?? 0;
        },
        (error: unknown) => {
            if (error instanceof UsageError) {
                console.error(`${error.message}\n\n${usage}`);
                process.exitCode = 2;
            } else if (error instanceof Error && USER_ERRORS.has(error.name)) {
                console.error(error.message);
                process.exitCode = 2;
            } else {
                console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
                process.exitCode = 1;
            }
        },
    );
}
