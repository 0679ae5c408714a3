// A cache for the esbuild builds a program runs while it registers resources (our component
// bundles each Lambda handler synchronously to put it in the function's code archive). Under
// the gate the program runs on every pull request with the same sources, and bundling is most
// of its run time, so each in-memory build (`write: false`) is kept on disk with the list of
// input files esbuild read (its metafile) and their size and modification time; a later build
// with the same options, esbuild version and unchanged inputs gets the same output files back
// without running esbuild. Anything else (a changed input, a build that writes files) runs
// esbuild as usual, so the archive the policies see is always the real bundle.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";

type BuildOptions = Record<string, unknown> & { write?: boolean; metafile?: boolean; absWorkingDir?: string };
interface OutputFile {
    readonly path: string;
    readonly contents: Uint8Array;
    readonly hash?: string;
    readonly text: string;
}
interface BuildResult {
    outputFiles?: OutputFile[];
    metafile?: { inputs: Record<string, unknown> };
    [key: string]: unknown;
}
interface Esbuild {
    version: string;
    buildSync(options: BuildOptions): BuildResult;
    [key: string]: unknown;
}

interface CacheEntry {
    readonly inputs: Readonly<Record<string, { readonly size: number; readonly mtimeMs: number }>>;
    readonly outputs: readonly { readonly path: string; readonly base64: string; readonly hash?: string }[];
    readonly result: Record<string, unknown>;
}

function outputFile(file: { path: string; base64: string; hash?: string }): OutputFile {
    const contents = Buffer.from(file.base64, "base64");
    return {
        path: file.path,
        contents,
        hash: file.hash,
        get text() {
            return contents.toString("utf8");
        },
    };
}

function statOf(file: string): { size: number; mtimeMs: number } | undefined {
    try {
        const stat = fs.statSync(file);
        return { size: stat.size, mtimeMs: stat.mtimeMs };
    } catch {
        return undefined;
    }
}

function unchanged(entry: CacheEntry, workingDir: string): boolean {
    return Object.entries(entry.inputs).every(([file, seen]) => {
        const now = statOf(path.resolve(workingDir, file));
        return now !== undefined && now.size === seen.size && now.mtimeMs === seen.mtimeMs;
    });
}

// Keys that name files esbuild reads; the namespace prefix ("<stdin>" and plugins) has no file.
const isFile = (input: string): boolean => !input.startsWith("<") && !input.includes(":");

/** Wraps `buildSync` of one esbuild module with the on-disk cache in `cacheDir`. */
export function cachingEsbuild(real: Esbuild, cacheDir: string): Esbuild {
    const buildSync = (options: BuildOptions): BuildResult => {
        if (options.write !== false) {
            return real.buildSync(options);
        }
        const workingDir = options.absWorkingDir ?? process.cwd();
        const key = createHash("sha256")
            .update(JSON.stringify([real.version, workingDir, options]))
            .digest("hex");
        const file = path.join(cacheDir, `${key}.json`);
        try {
            const entry = JSON.parse(fs.readFileSync(file, "utf8")) as CacheEntry;
            if (unchanged(entry, workingDir)) {
                return { ...entry.result, outputFiles: entry.outputs.map(outputFile) };
            }
        } catch {
            // No entry yet, or an unreadable one: build.
        }
        const result = real.buildSync({ ...options, metafile: true });
        const inputs: Record<string, { size: number; mtimeMs: number }> = {};
        for (const input of Object.keys(result.metafile?.inputs ?? {}).filter(isFile)) {
            const stat = statOf(path.resolve(workingDir, input));
            if (stat === undefined) {
                return result; // an input vanished during the build: do not cache
            }
            inputs[input] = stat;
        }
        const { outputFiles, ...rest } = result;
        const entry: CacheEntry = {
            inputs,
            outputs: (outputFiles ?? []).map((f) => ({ path: f.path, base64: Buffer.from(f.contents).toString("base64"), hash: f.hash })),
            result: options.metafile ? rest : { ...rest, metafile: undefined },
        };
        fs.mkdirSync(cacheDir, { recursive: true });
        // Written whole then renamed, so a concurrent run never reads half an entry.
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, JSON.stringify(entry));
        fs.renameSync(temporary, file);
        return options.metafile ? result : { ...result, metafile: undefined };
    };
    return { ...real, buildSync };
}

/**
 * Makes every `require("esbuild")` of the program return the caching wrapper (one per resolved
 * copy of esbuild). Returns a function that undoes it.
 */
export function installEsbuildCache(cacheDir: string): () => void {
    const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
    const original = loader._load;
    const wrapped = new Map<unknown, Esbuild>();
    loader._load = function (request: string, parent: unknown, isMain: boolean): unknown {
        const loaded = original.call(this, request, parent, isMain);
        if (request !== "esbuild") {
            return loaded;
        }
        let wrapper = wrapped.get(loaded);
        if (wrapper === undefined) {
            wrapper = cachingEsbuild(loaded as Esbuild, cacheDir);
            wrapped.set(loaded, wrapper);
        }
        return wrapper;
    };
    return () => {
        loader._load = original;
    };
}
