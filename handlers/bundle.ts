import * as esbuild from "esbuild";
import { HandlerEntryPoints, HandlerName } from "./entry-points";

/** A bundled handler: the JavaScript Lambda runs and its source map. */
export interface HandlerBundle {
    readonly code: string;
    readonly sourceMap: string;
}

/** The file name Lambda loads; the function's `handler` setting is `index.handler`. */
export const BUNDLE_FILE_NAME = "index.js";

/**
 * esbuild options shared by the component and the build script, so what we measure is what we ship.
 * The AWS SDK v3 is bundled rather than taken from the runtime: the runtime's copy changes under us
 * without a deploy, and bundling lets esbuild tree-shake to the clients we use.
 */
export function handlerBuildOptions(name: HandlerName): esbuild.BuildOptions {
    return {
        entryPoints: [HandlerEntryPoints[name]],
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        minify: true,
        sourcemap: "external",
        outfile: BUNDLE_FILE_NAME,
        write: false,
        logLevel: "silent",
        // Lambda's nodejs22.x runtime understands source maps when NODE_OPTIONS has --enable-source-maps.
        legalComments: "none",
    };
}

const bundleCache = new Map<HandlerName, HandlerBundle>();

/**
 * Bundles one handler synchronously (the Pulumi program needs the code while it registers
 * resources). Results are cached per process: two pipelines in one stack share one build.
 */
export function bundleHandler(name: HandlerName): HandlerBundle {
    const cached = bundleCache.get(name);
    if (cached) {
        return cached;
    }
    const result = esbuild.buildSync(handlerBuildOptions(name));
    const code = result.outputFiles?.find((file) => file.path.endsWith(".js"))?.text;
    const sourceMap = result.outputFiles?.find((file) => file.path.endsWith(".js.map"))?.text;
    if (code === undefined || sourceMap === undefined) {
        throw new Error(`esbuild produced no bundle for handler '${name}'`);
    }
    const bundle = { code, sourceMap };
    bundleCache.set(name, bundle);
    return bundle;
}
