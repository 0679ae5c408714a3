// Runs a program body under the recording monitor in preview mode, the way the Node.js language
// host runs a program: config set first, the body inside the root `pulumi:pulumi:Stack`, its
// exports (or the result of its exported function) as stack outputs, and every pending
// registration drained before the recording is read.
import { createRequire } from "module";
import * as path from "path";
import { ProgramRunError } from "./errors";
import { InvokeAnswerEntry, RefusedInvoke } from "./invoke-table";
import { MockMonitorClass, RecordingMonitor, createPreviewMocks, defineRecordingMonitor } from "./recording-monitor";
import { RecordedStack } from "./recorded-stack";

/** The SDK's own registration functions, which every resource constructor calls. */
interface ResourceRuntime {
    registerResource: (...args: unknown[]) => unknown;
    readResource: (...args: unknown[]) => unknown;
}

/** The parts of one copy of @pulumi/pulumi the gate drives. */
export interface PulumiSdk {
    readonly runtime: typeof import("@pulumi/pulumi/runtime");
    readonly log: typeof import("@pulumi/pulumi/log");
    readonly MockMonitor: MockMonitorClass;
    readonly resourceRuntime: ResourceRuntime;
}

/**
 * Loads @pulumi/pulumi as the program at `fromDir` resolves it. A program with its own
 * node_modules has its own copy, and the mocks must be installed in that copy to take effect.
 */
export function loadPulumiSdk(fromDir: string): PulumiSdk {
    let entry: string;
    try {
        entry = require.resolve("@pulumi/pulumi", { paths: [fromDir] });
    } catch {
        throw new ProgramRunError(`the program at ${fromDir} cannot resolve @pulumi/pulumi; run 'npm install' (or 'npm ci') there first`);
    }
    // Loaded by path at run time: which copy is only known once the program directory is.
    const load = createRequire(entry);
    const root = path.dirname(entry);
    return {
        runtime: load(path.join(root, "runtime")),
        log: load(path.join(root, "log")),
        MockMonitor: load(path.join(root, "runtime", "mocks")).MockMonitor,
        resourceRuntime: load(path.join(root, "runtime", "resource")),
    };
}

export interface PreviewRunSettings {
    readonly project: string;
    readonly stack: string;
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    /** Canned invoke results (`--invoke-answers`). */
    readonly invokeAnswers?: readonly InvokeAnswerEntry[];
}

/** A program run in progress. */
export interface PreviewRun {
    /** Settles when the stack body and every registration it started have settled. */
    readonly done: Promise<RecordedStack>;
    /** Every invoke the gate refused so far, caught by the program or not. */
    readonly refusedInvokes: readonly RefusedInvoke[];
    /** Resources the program constructed whose registration has not reached the monitor (yet). */
    pendingRegistrations(): string[];
}

interface Construction {
    readonly type: string;
    readonly name: string;
    readonly where?: string;
}

// Constructor calls of the current run, per SDK copy: the SDK's functions are wrapped once.
const constructionLogs = new WeakMap<ResourceRuntime, Construction[]>();

function positionText(position: unknown): string | undefined {
    const p = position as { uri?: string; line?: number } | undefined;
    return p?.uri ? `${p.uri.replace(/^file:\/\//, "")}:${p.line}` : undefined;
}

// The SDK calls registerResource(res, parent, type, name, custom, remote, newDependency, props,
// opts, sourcePosition, ...) and readResource(res, parent, type, name, props, opts, sourcePosition, ...).
function trackConstructions(runtime: ResourceRuntime): Construction[] {
    let log = constructionLogs.get(runtime);
    if (log === undefined) {
        const created: Construction[] = [];
        log = created;
        constructionLogs.set(runtime, created);
        const register = runtime.registerResource;
        const read = runtime.readResource;
        runtime.registerResource = (...args: unknown[]) => {
            created.push({ type: String(args[2]), name: String(args[3]), where: positionText(args[9]) });
            return register(...args);
        };
        runtime.readResource = (...args: unknown[]) => {
            created.push({ type: String(args[2]), name: String(args[3]), where: positionText(args[6]) });
            return read(...args);
        };
    }
    log.length = 0;
    return log;
}

/**
 * Starts `loadProgram` (which returns the program module's export) under the recording monitor.
 * `done` resolves with what it registered, or rejects with the first failure of the stack body.
 */
export function startPreview(sdk: PulumiSdk, settings: PreviewRunSettings, loadProgram: () => unknown): PreviewRun {
    const refusedInvokes: RefusedInvoke[] = [];
    const constructed = trackConstructions(sdk.resourceRuntime);
    sdk.runtime.setAllConfig({ ...settings.config }, [...settings.secretKeys]);
    const RecordingMonitorClass = defineRecordingMonitor(sdk.MockMonitor);
    const mocks = createPreviewMocks(settings.config, { invokeAnswers: settings.invokeAnswers, refusedInvokes });
    const monitor: RecordingMonitor = new RecordingMonitorClass(mocks, settings);
    sdk.runtime.setMockOptions(monitor, settings.project, settings.stack, /* preview */ true);

    const done = (async (): Promise<RecordedStack> => {
        await sdk.runtime.runInPulumiStack(async () => {
            const exported = await loadProgram();
            return exported instanceof Function ? exported() : exported;
        });
        // Resources created inside apply callbacks register after the stack body returns.
        await sdk.runtime.disconnect();
        if (sdk.log.hasErrors()) {
            throw new ProgramRunError("the program logged errors (shown above) while running under the preview mocks");
        }
        return { project: settings.project, stack: settings.stack, resources: monitor.recorded };
    })();
    const pendingRegistrations = (): string[] => {
        const registered = new Map<string, number>();
        for (const r of monitor.recorded) {
            registered.set(`${r.type}::${r.name}`, (registered.get(`${r.type}::${r.name}`) ?? 0) + 1);
        }
        const pending: string[] = [];
        for (const c of constructed) {
            const key = `${c.type}::${c.name}`;
            const left = registered.get(key) ?? 0;
            if (left > 0) {
                registered.set(key, left - 1);
            } else {
                pending.push(`${c.type} '${c.name}'${c.where ? ` (constructed at ${c.where})` : ""}`);
            }
        }
        return pending;
    };
    return { done, refusedInvokes, pendingRegistrations };
}

/** Runs `loadProgram` to completion and returns what it registered. */
export function recordPreview(sdk: PulumiSdk, settings: PreviewRunSettings, loadProgram: () => unknown): Promise<RecordedStack> {
    return startPreview(sdk, settings, loadProgram).done;
}
