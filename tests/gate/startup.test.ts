// What the gate's processes (the gate, the program host, the policy pack, the type check) do not
// redo on every run: V8's compile cache shared between them, the transpiled TypeScript, and the
// parts of @pulumi/pulumi a run does not use. Each case runs in a fresh Node process, as the gate's
// processes start.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { deferredModules } from "../../gate/deferred-sdk-modules";

const repoRoot = path.resolve(__dirname, "..", "..");
const tsRequire = path.join(repoRoot, "gate", "ts-require.js");
const deferral = path.join(repoRoot, "gate", "deferred-sdk-modules.ts");

/** The Node that `npm run gate` runs: node_modules' own (Node 22, with a compile cache) when installed. */
function gateNode(): string {
    const bundled = path.join(repoRoot, "node_modules", ".bin", "node");
    return fs.existsSync(bundled) ? bundled : process.execPath;
}

function hasCompileCache(): boolean {
    const probe = spawnSync(gateNode(), ["-p", "typeof require('node:module').enableCompileCache"], { encoding: "utf8" });
    return probe.stdout.trim() === "function";
}

/** Runs `script` as a gate process does (ts-require.js preloaded); returns its stdout and stderr. */
function runAsGateProcess(script: string, env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string } {
    const result = spawnSync(gateNode(), ["--require", tsRequire, "-e", script], {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    return { stdout: result.stdout, stderr: result.stderr };
}

/** A script that prints the value of `expression` (awaited) as JSON. */
const printing = (setup: string, expression: string): string =>
    `${setup}; Promise.resolve(${expression}).then((v) => process.stdout.write(JSON.stringify(v)), (e) => { console.error(e); process.exit(1); });`;

const loadsPackage = (name: string): string => `Object.keys(require.cache).some((f) => f.includes("/node_modules/${name}/"))`;

describe("gate start-up", () => {
    let dir: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-startup-"));
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("V8 compile cache across the gate's processes", () => {
        it("keeps the entries a process wrote after @pulumi/pulumi loaded its closure serializer for one that loads them before", function () {
            this.timeout(60_000);
            const env = { NODE_COMPILE_CACHE: dir, NODE_DEBUG_NATIVE: "COMPILE_CACHE" };
            const protobufLines = (log: string): string[] => log.split("\n").filter((line) => line.includes("google-protobuf.js"));
            // The program host's order: @pulumi/pulumi's closure serializer (which turns on
            // --allow-natives-syntax), then protobuf.
            runAsGateProcess("require('@pulumi/pulumi/runtime/closure/v8'); require('google-protobuf');", env);
            // The gate's own order: protobuf without the closure serializer.
            const second = protobufLines(runAsGateProcess("require('google-protobuf');", env).stderr);
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

    describe("transpiled TypeScript", () => {
        it("loads an unchanged TypeScript file without esbuild, in the gate's own process too", function () {
            this.timeout(60_000);
            // No OFFLINE_GATE_CACHE, as `npm run gate` starts the gate; the first run fills the cache.
            const env = { OFFLINE_GATE_CACHE: "" };
            const script = printing("require('./gate/duration.ts')", loadsPackage("esbuild"));
            runAsGateProcess(script, env);
            assert.equal(runAsGateProcess(script, env).stdout, "false");
        });

        it("transpiles a changed file again", function () {
            this.timeout(60_000);
            const file = path.join(dir, "value.ts");
            const script = printing(`require(${JSON.stringify(file)})`, `require(${JSON.stringify(file)}).value`);
            const env = { OFFLINE_GATE_CACHE: path.join(dir, "cache") };
            fs.writeFileSync(file, "export const value: number = 1;\n");
            assert.equal(runAsGateProcess(script, env).stdout, "1");
            fs.writeFileSync(file, "export const value: number = 2;\n");
            assert.equal(runAsGateProcess(script, env).stdout, "2");
        });
    });

    describe("the policy pack's modules", () => {
        it("loads every policy without @pulumi/aws's index of all its services", function () {
            this.timeout(60_000);
            const script = printing(
                'require("./policy/policies.ts")',
                `[${loadsPackage("@pulumi/aws")}, Object.keys(require.cache).some((f) => f.endsWith("/node_modules/@pulumi/aws/index.js"))]`,
            );
            // The classes the rules are declared for load from their own modules; the index does not.
            assert.equal(runAsGateProcess(script).stdout, "[true,false]");
        });
    });

    describe("the program's modules", () => {
        it("loads the component without @pulumi/aws's index or the handlers' runtime packages", function () {
            this.timeout(60_000);
            // The handlers' packages (AWS SDK clients, Powertools, zod) run inside the Lambda
            // bundles; the component only needs their shared names and limits.
            const unwanted = /\/node_modules\/(@aws-sdk\/[^/]+|@aws-lambda-powertools\/[^/]+|zod)\//;
            const script = printing(
                'require("./pipeline/index.ts")',
                `[${loadsPackage("@pulumi/aws")}, Object.keys(require.cache).some((f) => f.endsWith("/node_modules/@pulumi/aws/index.js")), ` +
                    `[...new Set(Object.keys(require.cache).map((f) => new RegExp(${JSON.stringify(unwanted.source)}).exec(f)?.[1]).filter(Boolean))]]`,
            );
            assert.equal(runAsGateProcess(script).stdout, "[true,false,[]]");
        });
    });

    describe("@pulumi/pulumi's closure serializer, deferred", () => {
        const deferring = `require(${JSON.stringify(deferral)}).deferSdkClosureModules(); const pulumi = require("@pulumi/pulumi")`;

        it("loads neither the TypeScript compiler nor npm's arborist with @pulumi/pulumi", function () {
            this.timeout(60_000);
            const loaded = `[${loadsPackage("typescript")}, ${loadsPackage("@npmcli/arborist")}]`;
            assert.equal(runAsGateProcess(printing('require("@pulumi/pulumi")', loaded)).stdout, "[true,true]");
            assert.equal(runAsGateProcess(printing(deferring, loaded)).stdout, "[false,false]");
        });

        it("serializes a function and computes code paths exactly as the SDK does without the deferral", function () {
            this.timeout(120_000);
            const serialized =
                "pulumi.runtime.serializeFunction(function handler(e) { return e + 1; }).then((c) => c.text)" +
                ".then(async (text) => ({ text, paths: [...(await pulumi.runtime.computeCodePaths({ extraIncludePackages: ['js-yaml'] })).keys()].length }))";
            const plain = runAsGateProcess(printing('const pulumi = require("@pulumi/pulumi")', serialized)).stdout;
            const deferred = runAsGateProcess(printing(deferring, serialized)).stdout;
            assert.match(plain, /handler/);
            assert.equal(deferred, plain);
        });

        it("defers exactly the functions runtime/index.js re-exports from those modules", () => {
            const index = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/index.js"), "utf8");
            for (const [request, names] of Object.entries(deferredModules)) {
                const binding = new RegExp(`var (\\w+) = require\\("${request.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}"\\);`).exec(
                    index,
                )?.[1];
                assert.ok(binding, `runtime/index.js no longer requires ${request}`);
                const used = [...index.matchAll(new RegExp(`${binding}\\.(\\w+)`, "g"))].map((m) => m[1]);
                assert.deepEqual([...new Set(used)].sort(), [...names].sort(), request);
            }
        });
    });
});
