// Runs a program body under the recording monitor in preview mode, the way the Node.js language
// host runs a program: config set first, the body inside the root `pulumi:pulumi:Stack`, its
// exports (or the result of its exported function) as stack outputs, and every pending
// registration drained before the recording is read.
import { createRequire } from "module";
import * as path from "path";
import { ProgramRunError } from "./errors";
import { MockMonitorClass, RecordingMonitor, createPreviewMocks, defineRecordingMonitor } from "./recording-monitor";
import { RecordedStack } from "./recorded-stack";

/** The parts of one copy of @pulumi/pulumi the gate drives. */
export interface PulumiSdk {
    readonly runtime: typeof import("@pulumi/pulumi/runtime");
    readonly log: typeof import("@pulumi/pulumi/log");
    readonly MockMonitor: MockMonitorClass;
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
    };
}

export interface PreviewRunSettings {
    readonly project: string;
    readonly stack: string;
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
}

/** Runs `loadProgram` (which returns the program module's export) and returns what it registered. */
export async function recordPreview(
    sdk: PulumiSdk,
    settings: PreviewRunSettings,
    loadProgram: () => unknown,
): Promise<RecordedStack> {
    sdk.runtime.setAllConfig({ ...settings.config }, [...settings.secretKeys]);
    const RecordingMonitorClass = defineRecordingMonitor(sdk.MockMonitor);
    const monitor: RecordingMonitor = new RecordingMonitorClass(createPreviewMocks(settings.config), settings);
    sdk.runtime.setMockOptions(monitor, settings.project, settings.stack, /* preview */ true);

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
}
