import * as assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startCpuBurners } from "./helpers/cpu-burners";

/** Whether a process with this id still runs (signal 0 only checks). */
function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

describe("CPU burners", function () {
    this.timeout(30_000);

    it("spins one process per burner, reports each one's CPU time, and leaves none running after stop", async () => {
        // Prepare
        const burners = startCpuBurners({ count: 2, maxSeconds: 60 });

        // Act
        await sleep(1_000);
        const report = await burners.stop();

        // Assess: each reported its CPU time (how much depends on the machine's load), and is gone
        assert.deepEqual(
            {
                burners: report.burners.length,
                reported: report.burners.every((burner) => burner.cpuMs !== undefined && burner.cpuMs > 0),
                exitedEarly: report.burners.some((burner) => burner.exitedEarly),
                running: burners.pids.filter(isRunning),
                busyShareMeasured: report.machineBusyShare > 0 && report.machineBusyShare <= 1,
            },
            { burners: 2, reported: true, exitedEarly: false, running: [], busyShareMeasured: true },
        );
    });

    it("ends a burner at its hard deadline even if nobody stops it, and says it exited early", async () => {
        // Prepare
        const burners = startCpuBurners({ count: 1, maxSeconds: 0.3 });

        // Act
        await sleep(2_000);
        const running = burners.pids.filter(isRunning);
        const report = await burners.stop();

        // Assess
        assert.deepEqual([running, report.burners[0]?.exitedEarly], [[], true]);
    });

    it("refuses a burner count outside 1 to 256, naming the value", () => {
        assert.throws(() => startCpuBurners({ count: 0, maxSeconds: 1 }), /'count' must be an integer from 1 to 256, 0 given/);
    });
});
