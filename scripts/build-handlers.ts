/**
 * Bundles every Lambda handler to dist/handlers/<name>/index.js (+ index.js.map) with the same
 * esbuild options the Pulumi component uses, and prints each bundle's size.
 * Run: npx tsx scripts/build-handlers.ts
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { BUNDLE_FILE_NAME, bundleHandler } from "../handlers/bundle";
import { HandlerEntryPoints, type HandlerName } from "../handlers/entry-points";

const OUTPUT_DIRECTORY = path.join(__dirname, "..", "dist", "handlers");

function kibibytes(bytes: number): string {
    return `${(bytes / 1024).toFixed(1)} KiB`;
}

function main(): void {
    const rows: string[][] = [["handler", "file", "size", "gzip", "source map"]];
    for (const name of Object.keys(HandlerEntryPoints) as HandlerName[]) {
        const bundle = bundleHandler(name);
        const directory = path.join(OUTPUT_DIRECTORY, name);
        fs.mkdirSync(directory, { recursive: true });
        const file = path.join(directory, BUNDLE_FILE_NAME);
        fs.writeFileSync(file, bundle.code);
        fs.writeFileSync(`${file}.map`, bundle.sourceMap);
        const code = Buffer.from(bundle.code);
        rows.push([name, path.relative(process.cwd(), file), kibibytes(code.byteLength), kibibytes(gzipSync(code).byteLength), kibibytes(Buffer.byteLength(bundle.sourceMap))]);
    }
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) {
        console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  "));
    }
}

main();
