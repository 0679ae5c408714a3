/**
 * A throwaway Pulumi project whose program is this repository's index.ts, with stack files the
 * test writes: the program (under mocks), the gate and `npm start`'s reader all read the same file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPOSITORY_ROOT = path.join(__dirname, "..", "..", "..");

export interface StackProgram {
    readonly directory: string;
    /** Writes Pulumi.<stack>.yaml with `text` and returns its path. */
    writeStack(stack: string, text: string): string;
    remove(): void;
}

export function createStackProgram(): StackProgram {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "stack-program-"));
    const project = fs.readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), "utf8");
    // `main` points at the repository, so the program run is index.ts itself.
    fs.writeFileSync(path.join(directory, "Pulumi.yaml"), `${project}\nmain: ${JSON.stringify(REPOSITORY_ROOT)}\n`);
    // The program's own dependencies, as `npm install` would give it.
    fs.symlinkSync(path.join(REPOSITORY_ROOT, "node_modules"), path.join(directory, "node_modules"), "dir");
    return {
        directory,
        writeStack(stack, text) {
            const file = path.join(directory, `Pulumi.${stack}.yaml`);
            fs.writeFileSync(file, text);
            return file;
        },
        remove() {
            fs.rmSync(directory, { recursive: true, force: true });
        },
    };
}
