/**
 * The bundles the component deploys (pipeline/handler-bundle.ts, the same esbuild options), written to
 * dist/handlers/<name>/ as `npm run build:handlers` writes them, so the local runtime invokes
 * exactly what ships. They are rebuilt on start when missing or older than any handler source or
 * the lock file (a dependency changed).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BUNDLE_FILE_NAME, bundleHandler, HandlerEntryPoints, type HandlerName } from "../pipeline/handler-bundle";

const PROJECT_ROOT = path.join(__dirname, "..");
export const HANDLER_BUNDLE_DIRECTORY = path.join(PROJECT_ROOT, "dist", "handlers");
/** What a bundle is built from: a change to any of these makes it stale. */
const BUNDLE_INPUTS = [path.join(PROJECT_ROOT, "handlers"), path.join(PROJECT_ROOT, "package-lock.json")];

/** The newest modification time under `target` (a file or a directory tree). */
function newestChange(target: string): number {
    if (!fs.existsSync(target)) {
        return 0;
    }
    const stat = fs.statSync(target);
    if (!stat.isDirectory()) {
        return stat.mtimeMs;
    }
    return fs.readdirSync(target).reduce((newest, entry) => Math.max(newest, newestChange(path.join(target, entry))), stat.mtimeMs);
}

/** Writes every file of one handler's archive to `directory`, replacing what was there in one rename. */
export function writeHandlerBundle(name: HandlerName, directory: string): void {
    const bundle = bundleHandler(name);
    const staging = `${directory}.${process.pid}.tmp`;
    fs.rmSync(staging, { recursive: true, force: true });
    for (const [relative, text] of Object.entries(bundle.files)) {
        const file = path.join(staging, relative);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
    }
    fs.rmSync(directory, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(directory), { recursive: true });
    fs.renameSync(staging, directory);
}

export interface HandlerBundleFiles {
    /** The bundle's entry (`index.js`) by handler. */
    readonly entries: Readonly<Record<HandlerName, string>>;
    /** The handlers that were stale and rebuilt now. */
    readonly rebuilt: readonly HandlerName[];
}

/** The shipped bundle of every handler, rebuilding the stale ones first. */
export function ensureHandlerBundles(directory: string = HANDLER_BUNDLE_DIRECTORY): HandlerBundleFiles {
    const sourcesChangedAt = Math.max(...BUNDLE_INPUTS.map(newestChange));
    const rebuilt: HandlerName[] = [];
    const entries = {} as Record<HandlerName, string>;
    for (const name of Object.keys(HandlerEntryPoints) as HandlerName[]) {
        const entry = path.join(directory, name, BUNDLE_FILE_NAME);
        if (!fs.existsSync(entry) || fs.statSync(entry).mtimeMs < sourcesChangedAt) {
            writeHandlerBundle(name, path.join(directory, name));
            rebuilt.push(name);
        }
        entries[name] = entry;
    }
    return { entries, rebuilt };
}
