import { execFile } from "node:child_process";
import * as path from "node:path";

export interface CliResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs one of the local/ commands the way npm scripts do (tsx on this Node), stdin closed (not a terminal). */
export function runLocalCommand(script: string, args: readonly string[]): Promise<CliResult> {
    const entry = path.join(__dirname, "..", "..", "..", "local", "cli", script);
    return new Promise((resolve) => {
        execFile(process.execPath, [require.resolve("tsx/cli"), entry, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
            resolve({ code, stdout, stderr });
        });
    });
}
