// The gate's cache of in-memory esbuild builds: the same options and unchanged inputs give the
// same output files without running esbuild; a changed input builds again.
import * as assert from "node:assert/strict";
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cachingEsbuild } from "../../gate/esbuild-cache";
import { digestAssets } from "../../gate/recording-monitor";
import { wireSignature } from "../../gate/recorded-stack";

type Esbuild = Parameters<typeof cachingEsbuild>[0];

describe("esbuild cache of the program host", () => {
    let dir: string;
    let builds: number;
    let cached: Esbuild;
    const options = (): Record<string, unknown> => ({
        entryPoints: [path.join(dir, "entry.ts")],
        bundle: true,
        write: false,
        outfile: "index.js",
        logLevel: "silent",
    });

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-esbuild-"));
        fs.writeFileSync(path.join(dir, "entry.ts"), 'import { value } from "./dep";\nconsole.log(value);\n');
        fs.writeFileSync(path.join(dir, "dep.ts"), "export const value = 1;\n");
        builds = 0;
        const counting = {
            ...esbuild,
            buildSync: (o: Record<string, unknown>) => (builds++, esbuild.buildSync(o as esbuild.BuildOptions)),
        } as unknown as Esbuild;
        cached = cachingEsbuild(counting, path.join(dir, "cache"));
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("returns the same output files for the same options and inputs without building again", () => {
        const first = cached.buildSync(options()).outputFiles?.map((f) => f.text);

        const second = cached.buildSync(options()).outputFiles?.map((f) => f.text);

        assert.deepStrictEqual({ builds, same: JSON.stringify(second) === JSON.stringify(first) }, { builds: 1, same: true });
    });

    it("builds again when an input file the bundle read has changed", () => {
        cached.buildSync(options());
        fs.writeFileSync(path.join(dir, "dep.ts"), "export const value = 22;\n");

        const rebuilt = cached.buildSync(options()).outputFiles?.[0].text ?? "";

        assert.deepStrictEqual({ builds, hasNewValue: rebuilt.includes("22") }, { builds: 2, hasNewValue: true });
    });

    it("never caches a build that writes files", () => {
        cached.buildSync({ ...options(), write: true, outfile: path.join(dir, "out.js") });
        cached.buildSync({ ...options(), write: true, outfile: path.join(dir, "out.js") });

        assert.strictEqual(builds, 2);
    });
});

describe("asset digests in the recording", () => {
    it("replaces a string asset's text by its size and SHA-256, keeping it a string asset", () => {
        const asset = { [wireSignature.key]: wireSignature.asset, text: "exports.handler = 1;" };

        const digested = digestAssets({
            code: { [wireSignature.key]: "0def7320c3a5731c473e5ecbe6d01bc7", assets: { "index.js": asset } },
        }) as { code: { assets: Record<string, { text: string }> } };

        assert.match(digested.code.assets["index.js"].text, /^offline-gate asset digest: 20 bytes, sha256 [0-9a-f]{64}$/);
    });
});
