// Finds and loads a Node.js program's entry module the way Pulumi's language host does
// (@pulumi/pulumi cmd/run): Pulumi.yaml `main`, else package.json `exports`/`main`, else the
// directory's index; ES modules through import(), CommonJS through require().
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { pathToFileURL } from "url";

export interface PackageManifest {
    readonly type?: string;
    readonly main?: string;
    readonly exports?: string | Record<string, unknown>;
}

/** The directory's package.json, or {} when there is none. */
export function readManifest(dir: string): PackageManifest {
    const file = path.join(dir, "package.json");
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as PackageManifest) : {};
}

function exportsEntry(exportsField: PackageManifest["exports"]): string | undefined {
    if (typeof exportsField === "string") {
        return exportsField;
    }
    const dot = exportsField?.["."];
    if (typeof dot === "string") {
        return dot;
    }
    if (typeof dot === "object" && dot !== null) {
        const conditions = dot as Record<string, unknown>;
        const picked = conditions.default ?? conditions.require ?? conditions.import;
        return typeof picked === "string" ? picked : undefined;
    }
    return undefined;
}

/** Absolute path of the entry: a file, or a directory Node resolves by its index. */
export function resolveEntrypoint(programDir: string, main: string | undefined, manifest = readManifest(programDir)): string {
    if (main !== undefined) {
        return path.resolve(programDir, main);
    }
    const entry = exportsEntry(manifest.exports) ?? manifest.main;
    return entry === undefined ? programDir : path.resolve(programDir, entry);
}

const esmIndexNames = ["index.js", "index.mjs", "index.ts", "index.mts"];

/** Loads the entry and returns what it exports (the default export for an ES module that has one). */
export async function loadEntrypoint(programDir: string, main: string | undefined): Promise<unknown> {
    const manifest = readManifest(programDir);
    const entry = resolveEntrypoint(programDir, main, manifest);
    const isDirectory = fs.existsSync(entry) && fs.statSync(entry).isDirectory();
    if (manifest.type !== "module") {
        // A trailing '/' makes require() load the folder, not an adjacent .json file.
        const load = createRequire(path.join(programDir, "package.json"));
        return load(isDirectory ? `${entry}/` : entry);
    }
    let file = entry;
    if (isDirectory) {
        const index = esmIndexNames.find((name) => fs.existsSync(path.join(entry, name)));
        if (index === undefined) {
            throw new Error(`no entry point in ${entry} (looked for ${esmIndexNames.join(", ")})`);
        }
        file = path.join(entry, index);
    }
    const loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (Object.getOwnPropertyDescriptor(loaded, "default") !== undefined) {
        if (Object.keys(loaded).length !== 1) {
            throw new Error("expected entrypoint module to have either a default export or named exports but not both");
        }
        return loaded.default;
    }
    return loaded;
}
