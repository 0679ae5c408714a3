/**
 * Bundles every Lambda handler to dist/handlers/<name>/ (index.js, its map, and the lazily loaded
 * modules under node_modules/) with the same esbuild options the Pulumi component uses, and
 * prints each file's size.
 * Run: npx tsx scripts/build-handlers.ts
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { BUNDLE_FILE_NAME, bundleHandler, HandlerEntryPoints, type HandlerName } from "../pipeline/handler-bundle";

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
        for (const [relative, text] of Object.entries(bundle.files)) {
            const file = path.join(directory, relative);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, text);
            if (relative.endsWith(".js")) {
                const code = Buffer.from(text);
                const sourceMap = bundle.files[`${relative}.map`] ?? "";
                const label = relative === BUNDLE_FILE_NAME ? name : `  (loaded on first use)`;
                rows.push([
                    label,
                    path.relative(process.cwd(), file),
                    kibibytes(code.byteLength),
                    kibibytes(gzipSync(code).byteLength),
                    kibibytes(Buffer.byteLength(sourceMap)),
                ]);
            }
        }
    }
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) {
        console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  "));
    }
}

main();
