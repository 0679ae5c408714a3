// V8's compile cache shared by the gate's processes (the gate, the program host, the policy pack,
// the type check): an entry one process writes must be one the next process accepts, whatever
// order they load their modules in.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const repoRoot = path.resolve(__dirname, "..", "..");
const tsRequire = path.join(repoRoot, "gate", "ts-require.js");

/** The Node that `npm run gate` runs: node_modules' own (Node 22, with a compile cache) when installed. */
function gateNode(): string {
    const bundled = path.join(repoRoot, "node_modules", ".bin", "node");
    return fs.existsSync(bundled) ? bundled : process.execPath;
}

function hasCompileCache(): boolean {
    const probe = spawnSync(gateNode(), ["-p", "typeof require('node:module').enableCompileCache"], { encoding: "utf8" });
    return probe.stdout.trim() === "function";
}

/** Runs `script` as a gate process does (ts-require.js preloaded), returning V8's compile-cache log. */
function runWithCache(cacheDir: string, script: string): string {
    const result = spawnSync(gateNode(), ["--require", tsRequire, "-e", script], {
        cwd: repoRoot,
        env: { ...process.env, NODE_COMPILE_CACHE: cacheDir, NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
        encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    return result.stderr;
}

describe("V8 compile cache across the gate's processes", () => {
    let dir: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-compile-cache-"));
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keeps the entries a process wrote after @pulumi/pulumi loaded its closure serializer for one that loads them before", function () {
        this.timeout(60_000);
        const log = (s: string): string[] => s.split("\n").filter((line) => line.includes("google-protobuf.js"));
        // The program host's order: @pulumi/pulumi (which turns on --allow-natives-syntax), then protobuf.
        runWithCache(dir, "require('@pulumi/pulumi/runtime/closure/v8'); require('google-protobuf');");
        // The gate's own order: protobuf without the closure serializer.
        const second = log(runWithCache(dir, "require('google-protobuf');"));
        if (!hasCompileCache()) {
            // Node < 22.1 has no compile cache: nothing is written, so nothing can be rejected.
            assert.deepEqual(second, []);
            return;
        }
        assert.ok(
            second.some((line) => line.includes("was accepted")),
            `expected the entry to be accepted, V8 said:\n${second.join("\n")}`,
        );
    });
});
