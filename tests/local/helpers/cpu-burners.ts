/**
 * CPU burners for tests that must run on a busy machine: child processes that spin on a core
 * until they are stopped, and report how much CPU time they got, so a test can prove the machine
 * was loaded rather than assume it.
 *
 * A burner can never outlive its use: it stops when asked (stdin closed), when its parent dies
 * (stdin closed by the kernel with the parent's end of the pipe), or at its own hard deadline,
 * whichever comes first; `stop()` kills it outright if it does not answer.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import * as os from "node:os";
import type { Readable, Writable } from "node:stream";

/**
 * The burner's program. It spins in 20 ms slices and yields between them, so it notices its
 * stdin closing; it then writes its own CPU time (user + system, ms) and exits. The deadline
 * (argv[1], ms) bounds it even if nobody ever stops it.
 */
const BURNER_SOURCE = `
const deadline = Date.now() + Number(process.argv[1]);
const report = () => {
    const usage = process.cpuUsage();
    process.stdout.write(JSON.stringify({ cpuMs: (usage.user + usage.system) / 1000 }) + "\\n", () => process.exit(0));
};
process.stdin.on("end", report);
process.stdin.on("error", report);
process.stdin.resume();
const spin = () => {
    const sliceEnd = Date.now() + 20;
    while (Date.now() < sliceEnd) {}
    if (Date.now() >= deadline) process.exit(3);
    setImmediate(spin);
};
spin();
`;

/** How long `stop()` waits for a burner's report before killing it. */
const STOP_GRACE_MS = 5_000;

export interface BurnerReport {
    /** CPU time the burner got, in ms (undefined when it was killed before reporting). */
    readonly cpuMs: number | undefined;
    /** Wall time from its start to its stop, in ms. */
    readonly wallMs: number;
    /** Whether it exited on its own before `stop()` (crashed, or reached its hard deadline). */
    readonly exitedEarly: boolean;
}

export interface CpuLoadReport {
    readonly burners: readonly BurnerReport[];
    /** Share of all cores' time that was busy (anything but idle) while the burners ran, 0..1, machine-wide. */
    readonly machineBusyShare: number;
    /** `os.loadavg()` (1, 5, 15 minutes) at the stop. */
    readonly loadAverage: readonly number[];
}

export interface CpuBurners {
    /** The burners' process ids. */
    readonly pids: readonly number[];
    /** Stops every burner (killing any that do not report within a grace period) and reports the load. */
    stop(): Promise<CpuLoadReport>;
}

interface RunningBurner {
    readonly child: ChildProcessByStdio<Writable, Readable, null>;
    readonly startedAt: number;
    readonly output: string[];
    readonly exited: Promise<void>;
    exitedBeforeStop: boolean;
}

/**
 * Starts `count` burners (default: one per core), each bounded by `maxSeconds`. Call `stop()` in
 * an `after` hook so they end even when the test fails.
 */
export function startCpuBurners(options: { readonly maxSeconds: number; readonly count?: number }): CpuBurners {
    const count = options.count ?? os.availableParallelism();
    if (!Number.isInteger(count) || count < 1 || count > 256) {
        throw new RangeError(`'count' must be an integer from 1 to 256, ${count} given`);
    }
    if (!(options.maxSeconds > 0 && options.maxSeconds <= 3600)) {
        throw new RangeError(`'maxSeconds' must be more than 0 and at most 3600, ${options.maxSeconds} given`);
    }
    const cpuTimesAtStart = busyAndTotalMs();
    let stopping = false;
    const burners: RunningBurner[] = Array.from({ length: count }, () => {
        const child = spawn(process.execPath, ["-e", BURNER_SOURCE, String(options.maxSeconds * 1000)], {
            stdio: ["pipe", "pipe", "ignore"],
        });
        const burner: RunningBurner = {
            child,
            startedAt: Date.now(),
            output: [],
            exitedBeforeStop: false,
            exited: new Promise<void>((resolve) => {
                child.once("exit", () => {
                    burner.exitedBeforeStop = !stopping;
                    resolve();
                });
                child.once("error", () => resolve());
            }),
        };
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (chunk: string) => burner.output.push(chunk));
        // A burner that already exited closes its stdin; ignore the write error that causes.
        child.stdin.on("error", () => undefined);
        return burner;
    });

    let stopped: Promise<CpuLoadReport> | undefined;
    const stopAll = async (): Promise<CpuLoadReport> => {
        stopping = true;
        const cpuTimesAtStop = busyAndTotalMs();
        const reports = await Promise.all(
            burners.map(async (burner): Promise<BurnerReport> => {
                const wallMs = Date.now() - burner.startedAt;
                burner.child.stdin.end();
                const killer = setTimeout(() => burner.child.kill("SIGKILL"), STOP_GRACE_MS);
                await burner.exited;
                clearTimeout(killer);
                return { cpuMs: parseCpuMs(burner.output.join("")), wallMs, exitedEarly: burner.exitedBeforeStop };
            }),
        );
        const totalMs = cpuTimesAtStop.totalMs - cpuTimesAtStart.totalMs;
        return {
            burners: reports,
            machineBusyShare: totalMs > 0 ? (cpuTimesAtStop.busyMs - cpuTimesAtStart.busyMs) / totalMs : 0,
            loadAverage: os.loadavg(),
        };
    };
    // Idempotent: a test may stop the burners to measure, and its `after` hook stops them again.
    return {
        pids: burners.map((burner) => burner.child.pid).filter((pid): pid is number => pid !== undefined),
        stop: () => (stopped ??= stopAll()),
    };
}

function parseCpuMs(output: string): number | undefined {
    try {
        const parsed = JSON.parse(output.trim()) as { cpuMs?: unknown };
        return typeof parsed.cpuMs === "number" ? parsed.cpuMs : undefined;
    } catch {
        return undefined;
    }
}

/** Busy (non-idle) and total time of all cores so far, in ms, machine-wide. */
function busyAndTotalMs(): { busyMs: number; totalMs: number } {
    let busyMs = 0;
    let totalMs = 0;
    for (const { times } of os.cpus()) {
        const total = times.user + times.nice + times.sys + times.idle + times.irq;
        totalMs += total;
        busyMs += total - times.idle;
    }
    return { busyMs, totalMs };
}
