// The type check `pulumi preview` does, done beside the run instead of inside it. The Pulumi CLI
// loads a TypeScript program and a TypeScript policy pack through ts-node with type checking:
// a type error in either stops the preview. The gate runs both through a transpile-only loader
// (tsx) and checks them here, with the compiler and the compiler options the CLI would use, in
// parallel with the run.
//
// A check is cached by its inputs: everything the compiler read from the file system (each file's
// SHA-256, each existence test and directory listing, each realpath), recorded through the
// compiler host, under a key of the compiler (path, version, size and mtime of its code), the
// target and the check's own version. The compiler is a pure function of those answers, so when
// every recorded answer is the same again the result is the same, and it is replayed without
// loading the compiler; any difference (an edited file, a new file where module resolution once
// looked and found nothing, an upgraded @types package, a changed tsconfig) runs the check again.
// Unlike ts-node's own cache (one entry per file, keyed by that file's text alone), a change in an
// imported file re-checks its importers, so a stale entry cannot hide an error. A file is
// re-hashed unless its size, times and inode are those recorded and it was last changed well
// before that check began (see racyWindowMs).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as ts from "typescript";

/** What to check: a program or a pack, as the CLI loads it. */
export interface TypeCheckTarget {
    /** "program" or "policy pack", for messages. */
    readonly label: string;
    /** The working directory the CLI runs it in: its tsconfig.json is read from here. */
    readonly dir: string;
    /** The TypeScript entry file; the check follows its imports as ts-node does when it loads them. */
    readonly entry: string;
    /**
     * Options the CLI passes under the tsconfig's own (run-policy-pack and cmd/run both pass
     * target ES2020, module and moduleResolution nodenext for TypeScript >= 4.7, source maps).
     */
    readonly defaults: Readonly<Record<string, unknown>>;
}

export interface TypeCheckResult {
    readonly target: TypeCheckTarget;
    /** Formatted diagnostics, as `tsc` prints them; empty when the target type-checks. */
    readonly errors: readonly string[];
    /** True when the result was replayed from the cache. */
    readonly cached: boolean;
}

/** Bump when what is recorded or how it is judged changes: older entries then never match. */
const checkVersion = 2;

// ts-node's default ignoreDiagnostics: "rootDir is expected to contain all source files",
// "the 'files' list is empty", "no inputs were found". The CLI never reports them.
const ignoredCodes = new Set([6059, 18002, 18003]);

/** A file as the check read it: its digest, and its stat to tell quickly that it is untouched. */
export interface FileVersion {
    readonly sha256: string;
    readonly size: number;
    readonly mtimeMs: number;
    readonly ctimeMs: number;
    readonly ino: number;
}

/** Everything one check asked the file system, with the answers. */
export interface Observations {
    /** When the check started (ms since the epoch), before its first read. */
    readonly startedAt: number;
    /** path -> the file read, or null when it could not be read. */
    readonly reads: Record<string, FileVersion | null>;
    readonly files: Record<string, boolean>;
    readonly directories: Record<string, boolean>;
    readonly listings: Record<string, string[]>;
    readonly realpaths: Record<string, string>;
}

interface CacheEntry {
    readonly observations: Observations;
}

const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

/** The file-system questions a compiler host asks, answered from disk; the same code records and replays. */
export const fileSystem = {
    digest(file: string): string | null {
        try {
            return sha256(fs.readFileSync(file));
        } catch {
            return null;
        }
    },
    // Most of the questions a check asks are about files module resolution looks for and does not
    // find: no exception is built for those (throwIfNoEntry), which was most of a replay's time.
    isFile(file: string): boolean {
        try {
            return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
        } catch {
            return false;
        }
    },
    isDirectory(dir: string): boolean {
        try {
            return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
        } catch {
            return false;
        }
    },
    directoriesIn(dir: string): string[] {
        try {
            return fs
                .readdirSync(dir)
                .filter((name) => fileSystem.isDirectory(path.join(dir, name)))
                .sort();
        } catch {
            return [];
        }
    },
    realpath(file: string): string {
        try {
            return fs.realpathSync.native(file);
        } catch {
            return file;
        }
    },
} as const;

/** Text of a source file as the compiler's own `sys.readFile` decodes it (byte order marks). */
function decodeText(bytes: Buffer): string {
    if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
        const swapped = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
        swapped.swap16();
        return swapped.toString("utf16le");
    }
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
        return bytes.subarray(2).toString("utf16le");
    }
    if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        return bytes.subarray(3).toString("utf8");
    }
    return bytes.toString("utf8");
}

/** The compiler the CLI picks: the one the target's @pulumi/pulumi resolves, else the SDK's vendored 3.8.3. */
export function compilerPathFor(dir: string): string {
    let sdkDir: string;
    try {
        sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
    } catch {
        return require.resolve("typescript");
    }
    try {
        return require.resolve("typescript", { paths: [sdkDir] });
    } catch {
        return path.join(sdkDir, "vendor", "typescript@3.8.3", "typescript.js");
    }
}

/** The compiler's version, from its package.json. */
export function compilerVersion(compilerPath: string): string {
    for (let dir = path.dirname(compilerPath); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest)) {
            return String((JSON.parse(fs.readFileSync(manifest, "utf8")) as { version?: unknown }).version ?? "0.0.0");
        }
    }
    // The vendored copy has no package.json; its directory names it.
    return /typescript@([\d.]+)/.exec(compilerPath)?.[1] ?? "0.0.0";
}

/**
 * The options the CLI puts under a tsconfig's own: @pulumi/pulumi cmd/run (programs) and
 * cmd/run-policy-pack (packs) pass target ES2020 and module/moduleResolution nodenext for
 * TypeScript >= 4.7 (commonjs/node before); an ES module program gets target ES2022.
 */
export function cliCompilerDefaults(compilerPath: string, esModule: boolean): Record<string, unknown> {
    const [major, minor] = compilerVersion(compilerPath).split(".").map(Number);
    const nodeNext = major > 4 || (major === 4 && minor >= 7);
    return {
        target: esModule ? "ES2022" : "ES2020",
        module: nodeNext ? "nodenext" : "commonjs",
        moduleResolution: nodeNext ? "nodenext" : "node",
        sourceMap: true,
    };
}

const typeScriptExtensions = [".ts", ".tsx", ".mts", ".cts"];

/**
 * The TypeScript file the CLI loads for `entry` (a file, a directory's index, or a path without
 * its extension), or undefined for a JavaScript entry, which ts-node does not type-check.
 */
export function typeScriptEntry(entry: string): string | undefined {
    const candidates = fileSystem.isDirectory(entry)
        ? typeScriptExtensions.map((ext) => path.join(entry, `index${ext}`))
        : [entry, ...typeScriptExtensions.map((ext) => `${entry}${ext}`)];
    return candidates.find((file) => typeScriptExtensions.includes(path.extname(file)) && fileSystem.isFile(file));
}

function cacheKey(target: TypeCheckTarget, compilerPath: string): string {
    const stat = fs.statSync(compilerPath);
    const caseSensitive = process.platform !== "win32" && process.platform !== "darwin";
    return sha256(
        JSON.stringify([checkVersion, compilerPath, stat.size, stat.mtimeMs, caseSensitive, target.dir, target.entry, target.defaults]),
    );
}

/**
 * A file whose change time is this close to (or after) the start of the check that read it may
 * have been written while it ran, within one tick of the file system's clock; its bytes are
 * hashed again. Older files whose size, times and inode are unchanged are unchanged (a write
 * always moves the change time, which no tool can set back), the rule git uses for its index.
 */
const racyWindowMs = 2000;

/** Answers to the file-system questions of one run, shared by the targets it replays. */
export class FileSystemAnswers {
    // One map per kind of question, keyed by the path alone: tens of thousands of lookups per run.
    private readonly files = new Map<string, boolean>();
    private readonly directories = new Map<string, boolean>();
    private readonly listings = new Map<string, string[]>();
    private readonly realpaths = new Map<string, string>();
    private readonly digests = new Map<string, string | null>();

    private static remember<T>(memo: Map<string, T>, p: string, answer: (p: string) => T): T {
        let known = memo.get(p);
        if (known === undefined && !memo.has(p)) {
            known = answer(p);
            memo.set(p, known);
        }
        return known as T;
    }

    isFile(p: string): boolean {
        return FileSystemAnswers.remember(this.files, p, fileSystem.isFile);
    }
    isDirectory(p: string): boolean {
        return FileSystemAnswers.remember(this.directories, p, fileSystem.isDirectory);
    }
    directoriesIn(p: string): string[] {
        return FileSystemAnswers.remember(this.listings, p, fileSystem.directoriesIn);
    }
    realpath(p: string): string {
        return FileSystemAnswers.remember(this.realpaths, p, fileSystem.realpath);
    }
    private digest(p: string): string | null {
        return FileSystemAnswers.remember(this.digests, p, fileSystem.digest);
    }

    /** True when `file` still has the bytes `seen` recorded (or is still unreadable). */
    readHolds(file: string, seen: FileVersion | null, startedAt: number): boolean {
        let stat: fs.Stats;
        try {
            stat = fs.statSync(file);
        } catch {
            return seen === null;
        }
        if (seen === null) {
            return !stat.isFile() && this.digest(file) === null;
        }
        const untouched =
            stat.size === seen.size && stat.mtimeMs === seen.mtimeMs && stat.ctimeMs === seen.ctimeMs && stat.ino === seen.ino;
        if (untouched && seen.ctimeMs < startedAt - racyWindowMs) {
            return true;
        }
        return this.digest(file) === seen.sha256;
    }
}

/** True when every recorded question gets the recorded answer again. */
export function observationsHold(observations: Observations, answers = new FileSystemAnswers()): boolean {
    const same = <T extends boolean | string>(record: Record<string, T>, answer: (p: string) => T): boolean => {
        for (const p in record) {
            if (answer(p) !== record[p]) {
                return false;
            }
        }
        return true;
    };
    const sameListing = (p: string, seen: readonly string[]): boolean => {
        const now = answers.directoriesIn(p);
        return now.length === seen.length && now.every((name, i) => name === seen[i]);
    };
    return (
        same(observations.files, (p) => answers.isFile(p)) &&
        same(observations.directories, (p) => answers.isDirectory(p)) &&
        same(observations.realpaths, (p) => answers.realpath(p)) &&
        Object.entries(observations.listings).every(([p, seen]) => sameListing(p, seen)) &&
        Object.entries(observations.reads).every(([p, seen]) => answers.readHolds(p, seen, observations.startedAt))
    );
}

function entryFile(cacheDir: string, key: string): string {
    return path.join(cacheDir, `${key}.json`);
}

/** A clean result from the cache, or undefined when there is none or an input changed. */
export function cachedClean(target: TypeCheckTarget, cacheDir: string, answers = new FileSystemAnswers()): boolean {
    try {
        const key = cacheKey(target, compilerPathFor(target.dir));
        const entry = JSON.parse(fs.readFileSync(entryFile(cacheDir, key), "utf8")) as CacheEntry;
        return observationsHold(entry.observations, answers);
    } catch {
        return false; // no entry, an unreadable one, or a compiler that moved: check
    }
}

/** Raw compiler options as ts-node gets them: the CLI's defaults, the tsconfig's own over them. */
function rawOptions(compiler: typeof ts, target: TypeCheckTarget, readFile: (file: string) => string | undefined): Record<string, unknown> {
    const text = readFile(path.join(target.dir, "tsconfig.json"));
    const own =
        text === undefined
            ? {}
            : (((compiler.parseConfigFileTextToJson("tsconfig.json", text).config ?? {}) as { compilerOptions?: Record<string, unknown> })
                  .compilerOptions ?? {});
    return { ...target.defaults, ...own };
}

/**
 * Runs the compiler on one target, recording what it read. Diagnostics are those ts-node reports
 * for the files it loads: the options', and each TypeScript file outside node_modules.
 */
export function checkTarget(target: TypeCheckTarget): { errors: string[]; observations: Observations } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiler the CLI would use, chosen at run time
    const compiler = require(compilerPathFor(target.dir)) as typeof ts;
    const observations: Observations = { startedAt: Date.now(), reads: {}, files: {}, directories: {}, listings: {}, realpaths: {} };
    const readFile = (file: string): string | undefined => {
        let bytes: Buffer;
        let stat: fs.Stats;
        try {
            // Stat first: a write after it moves the change time, so the next run hashes again.
            stat = fs.statSync(file);
            bytes = fs.readFileSync(file);
        } catch {
            observations.reads[file] = null;
            return undefined;
        }
        observations.reads[file] = { sha256: sha256(bytes), size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino };
        return decodeText(bytes);
    };
    const fileExists = (file: string): boolean => (observations.files[file] = fileSystem.isFile(file));
    const directoryExists = (dir: string): boolean => (observations.directories[dir] = fileSystem.isDirectory(dir));
    const parseHost: ts.ParseConfigHost = {
        useCaseSensitiveFileNames: compiler.sys.useCaseSensitiveFileNames,
        // The CLI's ts-node never uses the tsconfig's file list, only its options.
        readDirectory: () => [],
        fileExists,
        readFile,
    };
    const configFile = path.join(target.dir, "tsconfig.json");
    const hasConfig = fileExists(configFile);
    const json = {
        ...(hasConfig ? (compiler.readConfigFile(configFile, readFile).config ?? {}) : {}),
        compilerOptions: rawOptions(compiler, target, readFile),
    };
    // As ts-node does: no emit, no declarations, no build info.
    const parsed = compiler.parseJsonConfigFileContent(
        json,
        parseHost,
        target.dir,
        { noEmit: true, declaration: false, composite: false, incremental: false },
        hasConfig ? configFile : undefined,
    );
    const options = { ...parsed.options, noEmit: true };
    const host = compiler.createCompilerHost(options);
    host.readFile = readFile;
    host.fileExists = fileExists;
    host.directoryExists = directoryExists;
    host.getDirectories = (dir: string): string[] => (observations.listings[dir] = fileSystem.directoriesIn(dir));
    host.realpath = (file: string): string => (observations.realpaths[file] = fileSystem.realpath(file));
    host.getCurrentDirectory = () => target.dir;
    host.getSourceFile = (fileName, languageVersion) => {
        const text = readFile(fileName);
        return text === undefined ? undefined : compiler.createSourceFile(fileName, text, languageVersion);
    };
    const program = compiler.createProgram([target.entry], options, host);
    const own = program.getSourceFiles().filter((f) => !f.isDeclarationFile && !f.fileName.split(/[\\/]/).includes("node_modules"));
    const diagnostics = [
        ...parsed.errors,
        ...program.getOptionsDiagnostics(),
        ...own.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ].filter((d) => !ignoredCodes.has(d.code));
    const formatHost: ts.FormatDiagnosticsHost = {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => target.dir,
        getNewLine: () => "\n",
    };
    return { errors: diagnostics.map((d) => compiler.formatDiagnostic(d, formatHost).trimEnd()), observations };
}

/** Checks `target` and, when it type-checks, stores its observations for the next run. */
export function checkAndRemember(target: TypeCheckTarget, cacheDir: string): string[] {
    const compilerPath = compilerPathFor(target.dir);
    const key = cacheKey(target, compilerPath);
    const { errors, observations } = checkTarget(target);
    if (errors.length === 0) {
        fs.mkdirSync(cacheDir, { recursive: true });
        const file = entryFile(cacheDir, key);
        // Written whole then renamed, so a concurrent run never reads half an entry.
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, JSON.stringify({ observations } satisfies CacheEntry));
        fs.renameSync(temporary, file);
    }
    return errors;
}
