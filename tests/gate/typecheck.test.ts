// The type check the CLI does while loading a TypeScript program or pack, done by the gate beside
// the run and cached by every input the compiler read: errors fail the gate, and no change to an
// input (an imported file, a file that now shadows a resolution, an edit that keeps the size and
// the modification time) is ever answered from a stale entry.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TypeCheckTarget, cachedClean, checkAndRemember, cliCompilerDefaults, compilerPathFor } from "../../gate/typecheck";
import { assertGateRun, runGateOnFixture } from "./helpers/gate-process";

interface Scratch {
    readonly dir: string;
    readonly cacheDir: string;
    readonly target: TypeCheckTarget;
    write(file: string, text: string): void;
    /**
     * Checks the program (the result remembered), writes `file`, then asks the cache whether the
     * clean result may be replayed, and checks again.
     */
    recheckAfterWriting(file: string, text: string): { readonly replayed: boolean; readonly errors: string[] };
}

/** A program directory of its own files, with the entry `main.ts`. */
function scratchProgram(files: Readonly<Record<string, string>>): Scratch {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-typecheck-"));
    const write = (file: string, text: string): void => fs.writeFileSync(path.join(dir, file), text);
    Object.entries(files).forEach(([file, text]) => write(file, text));
    const target: TypeCheckTarget = {
        label: "program",
        dir,
        entry: path.join(dir, "main.ts"),
        defaults: cliCompilerDefaults(compilerPathFor(dir), false),
    };
    const cacheDir = path.join(dir, ".cache");
    const recheckAfterWriting = (file: string, text: string) => {
        checkAndRemember(target, cacheDir);
        write(file, text);
        const replayed = cachedClean(target, cacheDir);
        return { replayed, errors: checkAndRemember(target, cacheDir) };
    };
    return { dir, cacheDir, target, write, recheckAfterWriting };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("type check beside the run", function () {
    this.timeout(600_000);
    const scratches: Scratch[] = [];
    const scratch = (files: Readonly<Record<string, string>>): Scratch => {
        const made = scratchProgram(files);
        scratches.push(made);
        return made;
    };
    after(() => scratches.forEach((s) => fs.rmSync(s.dir, { recursive: true, force: true })));

    describe("through the gate", () => {
        it("passes the same program when PULUMI_NODEJS_TRANSPILE_ONLY=true skips the program's check, as the CLI does", async () => {
            const run = await runGateOnFixture("program-type-error", [], { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });

            assertGateRun(run, 0, "Result: PASSED");
        });

        it("exits 2 with the compiler's error when the program does not type-check", async () => {
            const run = await runGateOnFixture("program-type-error", [], { PULUMI_NODEJS_TRANSPILE_ONLY: "false" });

            assertGateRun(
                run,
                2,
                /the program \S+program-type-error does not type-check[^]*index\.ts\(5,7\): error TS2322: Type 'string' is not assignable to type 'number'/,
            );
        });
    });

    describe("cache", () => {
        it("replays a clean result while no input changed", () => {
            const program = scratch({
                "main.ts": 'import { twice } from "./lib";\nexport const n: number = twice(2);\n',
                "lib.ts": "export const twice = (x: number): number => 2 * x;\n",
            });
            const errors = checkAndRemember(program.target, program.cacheDir);

            const replayed = cachedClean(program.target, program.cacheDir);

            assert.deepStrictEqual({ errors, replayed }, { errors: [], replayed: true });
        });

        it("finds the error in an unchanged importer when only the imported file changed", () => {
            const program = scratch({
                "main.ts": 'import { twice } from "./lib";\nexport const n: number = twice(2);\n',
                "lib.ts": "export const twice = (x: number): number => 2 * x;\n",
            });

            const { replayed, errors } = program.recheckAfterWriting("lib.ts", "export const twice = (x: string): string => x + x;\n");

            assert.strictEqual(replayed, false);
            assert.match(
                errors.join("\n"),
                /main\.ts\(2,\d+\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/,
            );
        });

        it("checks again when a new file changes what an import resolves to", () => {
            const program = scratch({
                "main.ts": 'import { value } from "./value";\nexport const n: number = value;\n',
                "value.d.ts": "export declare const value: number;\n",
            });

            const { replayed, errors } = program.recheckAfterWriting("value.ts", 'export const value = "text";\n');

            assert.strictEqual(replayed, false);
            assert.match(errors.join("\n"), /main\.ts\(2,14\): error TS2322: Type 'string' is not assignable to type 'number'/);
        });

        it("sees an edit that keeps the file's size and modification time", async () => {
            const program = scratch({
                "main.ts": 'import { twice } from "./lib";\nexport const n: number = twice(2);\n',
                "lib.ts": "export const twice = (x: number): number => 2 * x;\n",
            });
            await sleep(2500); // past the racy window, so the check trusts unchanged stats
            checkAndRemember(program.target, program.cacheDir);
            const lib = path.join(program.dir, "lib.ts");
            const before = fs.statSync(lib);
            program.write("lib.ts", "export const twice = (x: string): number => 2 * x;\n"); // same size: "string" for "number"
            fs.utimesSync(lib, before.atime, before.mtime);

            const replayed = cachedClean(program.target, program.cacheDir);

            assert.strictEqual(replayed, false);
        });

        it("keeps no entry for a target with errors, so they are reported on every run", () => {
            const program = scratch({ "main.ts": 'export const n: number = "text";\n' });
            const first = checkAndRemember(program.target, program.cacheDir);

            const replayed = cachedClean(program.target, program.cacheDir);

            assert.deepStrictEqual({ errors: first.length, replayed }, { errors: 1, replayed: false });
        });
    });
});
