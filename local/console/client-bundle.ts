/**
 * The console's one script, compiled from client.ts by esbuild when the server starts (a few
 * milliseconds) and served from memory: no build step, no CDN, nothing fetched from elsewhere.
 */
import { build } from "esbuild";
import * as path from "node:path";

let compiled: Promise<string> | undefined;

export function clientScript(): Promise<string> {
    compiled ??= build({
        entryPoints: [path.join(__dirname, "client.ts")],
        bundle: true,
        write: false,
        format: "iife",
        target: "es2020",
        minify: true,
        logLevel: "silent",
    }).then((result) => result.outputFiles[0]!.text);
    return compiled;
}
