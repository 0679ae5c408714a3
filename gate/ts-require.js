// A small CommonJS loader for TypeScript, preloaded (`node --require gate/ts-require.js`) into the
// gate and its children (program host, policy pack, type check). tsx does the same job but also
// inspects every JavaScript file for ES module syntax on load, which tripled the start-up of a
// process that loads @pulumi/aws's thousands of modules; this one touches only .ts/.cts/.tsx
// files, so JavaScript loads as plain Node loads it (and from V8's compile cache).
//
// Each file is transpiled by esbuild (isolated-module transpilation, as tsx does; the type check
// is the gate's separate step, typecheck.ts), with the nearest tsconfig.json's options, and the
// output is kept on disk keyed by the SHA-256 of esbuild's version, the file name, the tsconfig
// text and the source, so an unchanged file is never transpiled twice and a changed one always is.
// Stack traces are mapped back to the TypeScript lines through each file's source map (only
// these files': mapping every frame of every package, as Node's --enable-source-maps does, was a
// second of the program's run), so the positions the SDK records for each resource are the
// program's own. ES module programs keep tsx (see node-process.ts).
"use strict";
// V8 stamps every entry of its compile cache (compile-cache.ts, node-process.ts childEnv) with a
// hash of its flags and rejects an entry stamped with other flags. @pulumi/pulumi turns on
// --allow-natives-syntax when its closure serializer loads, so a module compiled before that
// point and one compiled after it carry different stamps; the program host and the policy pack
// reach that point at different moments, and each run threw away about a thousand entries the
// other process had written (seconds of compiling per run). Turning the flag on here, first in
// every gate process, stamps every module alike. It changes no valid program: it only admits
// `%Name(...)` calls, which are a syntax error without it.
require("node:v8").setFlagsFromString("--allow-natives-syntax");
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

/**
 * The gate's cache directory (cache-dir.ts's rule, restated here because this file loads before
 * any TypeScript can): the children get it from the gate (OFFLINE_GATE_CACHE); the gate's own
 * process uses the one of the checkout it runs from, so its own files are not transpiled anew on
 * every run either.
 */
function defaultCacheRoot() {
    for (let current = __dirname; ; current = path.dirname(current)) {
        if (fs.existsSync(path.join(current, "node_modules"))) {
            return path.join(current, "node_modules", ".cache", "offline-gate");
        }
        if (path.dirname(current) === current) {
            return path.join(require("node:os").tmpdir(), "offline-gate-cache");
        }
    }
}

const cacheDir = path.join(process.env.OFFLINE_GATE_CACHE || defaultCacheRoot(), "ts");
const target = `node${process.versions.node.split(".")[0]}`;
const loaders = { ".ts": "ts", ".cts": "ts", ".tsx": "tsx" };

/** Loaded on the first file not in the cache only: most runs transpile nothing. */
let esbuild;
let esbuildVersion;
const tsconfigs = new Map();

/** Text of the tsconfig.json nearest `dir`, or "" when there is none. */
function tsconfigFor(dir) {
    let text = tsconfigs.get(dir);
    if (text === undefined) {
        const file = path.join(dir, "tsconfig.json");
        const parent = path.dirname(dir);
        text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : parent === dir ? "" : tsconfigFor(parent);
        tsconfigs.set(dir, text);
    }
    return text;
}

function transpile(source, filename) {
    const tsconfigRaw = tsconfigFor(path.dirname(filename));
    esbuildVersion ??= JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
    const key = crypto.createHash("sha256").update([esbuildVersion, target, filename, tsconfigRaw, source].join("\0")).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // not transpiled yet
    }
    esbuild ??= require("esbuild");
    const { code } = esbuild.transformSync(source, {
        loader: loaders[path.extname(filename)],
        format: "cjs",
        target,
        sourcemap: "inline",
        sourcefile: filename,
        tsconfigRaw: tsconfigRaw || undefined,
    });
    fs.mkdirSync(cacheDir, { recursive: true });
    // Written whole then renamed, so a concurrent run never reads half a file.
    const temporary = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, cached);
    return code;
}

// --- source maps of the transpiled files only ---------------------------------------------------

const base64 = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));
/** filename -> the inline map's `mappings` text, decoded on first use. */
const maps = new Map();

/** Decodes source-map `mappings` into, per generated line, [generatedColumn, originalLine, originalColumn] sorted by column. */
function decodeMappings(mappings) {
    const lines = [];
    let originalLine = 0;
    let originalColumn = 0;
    for (const lineText of mappings.split(";")) {
        const segments = [];
        let generatedColumn = 0;
        for (const segment of lineText.split(",")) {
            if (segment === "") {
                continue;
            }
            const values = [];
            let value = 0;
            let shift = 0;
            for (const char of segment) {
                const digit = base64.get(char);
                value += (digit & 31) << shift;
                if (digit & 32) {
                    shift += 5;
                } else {
                    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
                    value = 0;
                    shift = 0;
                }
            }
            generatedColumn += values[0];
            if (values.length >= 4) {
                originalLine += values[2];
                originalColumn += values[3];
                segments.push([generatedColumn, originalLine, originalColumn]);
            }
        }
        lines.push(segments);
    }
    return lines;
}

/** Original 1-based [line, column] for a 1-based generated position, or undefined. */
function originalPosition(filename, line, column) {
    let entry = maps.get(filename);
    if (entry === undefined) {
        return undefined;
    }
    if (typeof entry === "string") {
        entry = decodeMappings(entry);
        maps.set(filename, entry);
    }
    const segments = entry[line - 1] ?? [];
    let found;
    for (const segment of segments) {
        if (segment[0] > column - 1) {
            break;
        }
        found = segment;
    }
    found ??= segments[0];
    return found && [found[1] + 1, found[2] + 1];
}

function formatFrame(frame) {
    const text = frame.toString();
    const filename = frame.getFileName();
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    const original = filename && line && column && originalPosition(filename, line, column);
    return original ? text.replace(`${filename}:${line}:${column}`, `${filename}:${original[0]}:${original[1]}`) : text;
}

function errorHeader(error) {
    try {
        return Error.prototype.toString.call(error);
    } catch {
        return "<error>";
    }
}

// @pulumi/pulumi's debuggablePromise formats a stack for every promise it wraps (several per
// resource) and reads it only to print a promise-leak report; formatting those was a second of our
// dev stack's run, so they get a placeholder. Every other stack is formatted and mapped in full.
const leakStackPlaceholder = "Error\n    at debuggablePromise (stack not kept under the offline gate)";

Error.prepareStackTrace = (error, frames) =>
    frames[0]?.getFunctionName() === "debuggablePromise"
        ? leakStackPlaceholder
        : [errorHeader(error), ...frames.map((f) => `    at ${formatFrame(f)}`)].join("\n");

// --- registration ----------------------------------------------------------------------------

for (const extension of Object.keys(loaders)) {
    Module._extensions[extension] = (module, filename) => {
        const code = transpile(fs.readFileSync(filename, "utf8"), filename);
        const inline = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
        if (inline) {
            maps.set(filename, JSON.parse(Buffer.from(inline[1], "base64").toString("utf8")).mappings);
        }
        module._compile(code, filename);
    };
}

// TypeScript written for ES module resolution imports "./x.js" for ./x.ts; tsx and ts-node accept it.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    try {
        return resolveFilename.call(this, request, ...rest);
    } catch (err) {
        const typeScriptRequest = /^\.\.?[\\/]/.test(request) && /\.[cm]?js$/.test(request) ? request.replace(/js$/, "ts") : undefined;
        if (err?.code !== "MODULE_NOT_FOUND" || typeScriptRequest === undefined) {
            throw err;
        }
        try {
            return resolveFilename.call(this, typeScriptRequest, ...rest);
        } catch {
            throw err;
        }
    }
};
