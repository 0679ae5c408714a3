// How the gate starts its TypeScript children (the program host and the policy pack): the same
// Node binary that runs the gate, with tsx's loader so .ts entry files load directly, as
// `pulumi` does with its own TypeScript support.
import { pathToFileURL } from "url";

/** Node flags that make a child process load TypeScript through tsx (CommonJS and ES modules). */
export function tsxExecArgv(): string[] {
    return ["--import", pathToFileURL(require.resolve("tsx")).href];
}

/** Keeps the last `limit` characters a child wrote, for error messages. */
export class OutputTail {
    private text = "";

    constructor(private readonly limit = 4000) {}

    append(chunk: Buffer | string): void {
        this.text = (this.text + chunk.toString()).slice(-this.limit);
    }

    toString(): string {
        return this.text.trim();
    }
}
