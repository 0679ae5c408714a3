import * as esbuild from "esbuild";
import { HandlerEntryPoints, HandlerName } from "./entry-points";

/** A bundled handler: the JavaScript Lambda runs and its source map. */
export interface HandlerBundle {
    readonly code: string;
    readonly sourceMap: string;
}

/** The file name Lambda loads; the function's `handler` setting is `index.handler`. */
export const BUNDLE_FILE_NAME = "index.js";

/** Whether the AWS SDK v3 goes into the bundle or is left to the copy in Lambda's nodejs22.x runtime. */
export const AwsSdkPlacement = { bundled: "bundled", runtime: "runtime" } as const;
export type AwsSdkPlacement = (typeof AwsSdkPlacement)[keyof typeof AwsSdkPlacement];

export interface HandlerBuildVariant {
    /**
     * What we ship is "bundled" (see the README, "Bundling"): the SDK version we test is the one
     * that runs (the runtime's copy changes without a deploy, and Powertools expects the SDK
     * versions it was built against), at no measurable cold-start cost: init is dominated by
     * compiling the code either way, and the runtime's SDK is loaded file by file
     * (bench/handlers.ts measures both). "runtime" exists so the benchmark can compare.
     * @default "bundled"
     */
    readonly awsSdk?: AwsSdkPlacement;
}

/** The packages Lambda's Node.js runtime provides (the SDK v3 and the Smithy layer under it). */
const RUNTIME_PROVIDED_PACKAGES = ["@aws-sdk/*", "@smithy/*"];

/**
 * esbuild options shared by the component, the build script and the benchmark, so what we
 * measure is what we ship.
 */
export function handlerBuildOptions(name: HandlerName, variant: HandlerBuildVariant = {}): esbuild.BuildOptions {
    const awsSdk = variant.awsSdk ?? AwsSdkPlacement.bundled;
    return {
        entryPoints: [HandlerEntryPoints[name]],
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        // Prefer the ES module builds of the SDK and Powertools: esbuild can tree-shake those,
        // which cuts the bundle by about a third (the CommonJS builds keep every command).
        mainFields: ["module", "main"],
        minify: true,
        sourcemap: "external",
        outfile: BUNDLE_FILE_NAME,
        write: false,
        logLevel: "silent",
        // Lambda's nodejs22.x runtime understands source maps when NODE_OPTIONS has --enable-source-maps.
        legalComments: "none",
        ...(awsSdk === AwsSdkPlacement.runtime ? { external: RUNTIME_PROVIDED_PACKAGES } : {}),
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
