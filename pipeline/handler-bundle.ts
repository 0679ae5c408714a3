/**
 * The handlers' esbuild bundling, used by the component (consumer-lane.ts, alarm-notifier.ts), the
 * build script, the local runtime and the benchmark: which files are the entry points, and the one
 * set of options they are all bundled with. It lives beside the component, not under handlers/, because
 * nothing in a bundle runs it.
 */
import * as esbuild from "esbuild";
import * as path from "node:path";
import { type LaneName, Lanes, perLane } from "./lanes";

/** Where the handlers' sources are: the entry points and the directory esbuild resolves from. */
const HANDLERS_DIRECTORY = path.join(__dirname, "..", "handlers");

/** A handler: each lane's consumer (named after its lane, see pipeline/lanes.ts) and the alarm notifier. */
export type HandlerName = LaneName | "alarmNotifier";

/**
 * The Lambda entry points, one per consumer. Each file exports `handler`.
 * The component bundles these; `npm run build:handlers` bundles the same list.
 */
export const HandlerEntryPoints: Readonly<Record<HandlerName, string>> = {
    ...perLane((lane) => path.join(HANDLERS_DIRECTORY, Lanes[lane].entryModule)),
    alarmNotifier: path.join(HANDLERS_DIRECTORY, "alarm-notifier.ts"),
};

/** A bundled handler: the JavaScript Lambda runs, its source map, and every file of the archive. */
export interface HandlerBundle {
    readonly code: string;
    readonly sourceMap: string;
    /** Every file of the deployment archive by path: the bundle, its map, and the lazily loaded modules. */
    readonly files: Readonly<Record<string, string>>;
}

/**
 * Modules kept out of the main bundle and shipped as bundles of their own under
 * `node_modules/<name>/index.js` in the archive, where `require` finds them (before the runtime's
 * copy). The main bundle then neither compiles nor runs them at cold start; they load on first
 * use. S3 is needed only for payloads too large for SQS, and its client is about a fifth of the
 * bundle and a quarter of the init time (`npm run bench:handlers`).
 */
export const LAZILY_LOADED_MODULES = ["@aws-sdk/client-s3"] as const;

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
        // "linked" writes the sourceMappingURL comment; without it --enable-source-maps finds no map
        // and a stack trace reads index.js:1:59981.
        sourcemap: "linked",
        outfile: BUNDLE_FILE_NAME,
        write: false,
        logLevel: "silent",
        // Lambda's nodejs22.x runtime understands source maps when NODE_OPTIONS has --enable-source-maps.
        legalComments: "none",
        external: awsSdk === AwsSdkPlacement.runtime ? RUNTIME_PROVIDED_PACKAGES : [...LAZILY_LOADED_MODULES],
    };
}

/** Options for one lazily loaded module's own bundle: the same settings as the handler's. */
function lazyModuleBuildOptions(moduleName: string): esbuild.BuildOptions {
    const { entryPoints: _entryPoints, external: _external, ...shared } = handlerBuildOptions("escalation");
    return {
        ...shared,
        stdin: { contents: `module.exports = require(${JSON.stringify(moduleName)});`, resolveDir: HANDLERS_DIRECTORY, loader: "js" },
        outfile: lazyModulePath(moduleName),
    };
}

function lazyModulePath(moduleName: string): string {
    return `node_modules/${moduleName}/${BUNDLE_FILE_NAME}`;
}

/** The .js and .js.map texts of one synchronous esbuild run. */
function buildFiles(options: esbuild.BuildOptions, what: string): { code: string; sourceMap: string } {
    const result = esbuild.buildSync(options);
    const code = result.outputFiles?.find((file) => file.path.endsWith(".js"))?.text;
    const sourceMap = result.outputFiles?.find((file) => file.path.endsWith(".js.map"))?.text;
    if (code === undefined || sourceMap === undefined) {
        throw new Error(`esbuild produced no bundle for ${what}`);
    }
    return { code, sourceMap };
}

const bundleCache = new Map<HandlerName, HandlerBundle>();
const lazyModuleCache = new Map<string, { code: string; sourceMap: string }>();

/**
 * Bundles one handler synchronously (the Pulumi program needs the code while it registers
 * resources). Results are cached per process: two pipelines in one stack share one build.
 */
export function bundleHandler(name: HandlerName): HandlerBundle {
    const cached = bundleCache.get(name);
    if (cached) {
        return cached;
    }
    const { code, sourceMap } = buildFiles(handlerBuildOptions(name), `handler '${name}'`);
    const files: Record<string, string> = { [BUNDLE_FILE_NAME]: code, [`${BUNDLE_FILE_NAME}.map`]: sourceMap };
    for (const moduleName of LAZILY_LOADED_MODULES) {
        const lazy = lazyModuleCache.get(moduleName) ?? buildFiles(lazyModuleBuildOptions(moduleName), `module '${moduleName}'`);
        lazyModuleCache.set(moduleName, lazy);
        files[lazyModulePath(moduleName)] = lazy.code;
        files[`${lazyModulePath(moduleName)}.map`] = lazy.sourceMap;
    }
    const bundle = { code, sourceMap, files };
    bundleCache.set(name, bundle);
    return bundle;
}
