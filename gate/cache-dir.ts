// Where the gate keeps what it may reuse between runs (esbuild bundles, type-check results, V8's
// compiled code): `node_modules/.cache/offline-gate` nearest the directory, where CI caches go.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** `node_modules/.cache/offline-gate` nearest `dir`, else one in the temp dir. */
export function cacheDirFor(dir: string): string {
    for (let current = dir; ; current = path.dirname(current)) {
        if (fs.existsSync(path.join(current, "node_modules"))) {
            return path.join(current, "node_modules", ".cache", "offline-gate");
        }
        if (path.dirname(current) === current) {
            return path.join(os.tmpdir(), "offline-gate-cache");
        }
    }
}
