/** Issue 17 item 2: work left running after the handler returns is held until the next invocation, and reported with its file and line. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalFunction } from "../../local/lambda/local-function";
import { probeFunction } from "./helpers/function-factory";
import { sleep } from "./helpers/recording-target";

const FROZEN_TIMER_HANDLER = path.join(__dirname, "..", "fixtures", "local-handlers", "frozen-timer-handler.ts");

describe("frozen execution environments", function () {
    this.timeout(30_000);
    let fn: LocalFunction;
    let directory: string;
    const reports: { kind: string; setAt: string }[] = [];

    beforeEach(() => {
        directory = fs.mkdtempSync(path.join(os.tmpdir(), "freeze-"));
        reports.length = 0;
        fn = probeFunction({ handlerModule: FROZEN_TIMER_HANDLER, reservedConcurrency: 1, onFrozenWork: (report) => reports.push(report) });
    });
    afterEach(async () => {
        await fn.stop();
        fs.rmSync(directory, { recursive: true, force: true });
    });

    it("does not run a timer the handler left behind while the environment waits for its next invocation", async () => {
        // Prepare
        const file = path.join(directory, "touched");

        // Act
        await fn.invoke({ touch: file });
        await sleep(500);

        // Assess
        assert.equal(fs.existsSync(file), false);
    });

    it("reports the held timer with the file and line that set it", async () => {
        // Act
        await fn.invoke({ touch: path.join(directory, "touched") });
        await sleep(500);

        // Assess
        assert.deepEqual(
            reports.map((report) => [report.kind, /frozen-timer-handler\.ts:14:\d+/.test(report.setAt)]),
            [["setTimeout", true]],
        );
    });

    it("runs the held timer when the next invocation thaws the environment", async () => {
        // Prepare
        const file = path.join(directory, "touched");
        await fn.invoke({ touch: file });
        await sleep(500);

        // Act
        await fn.invoke({});

        // Assess
        assert.equal(fs.existsSync(file), true);
    });

    it("drops a held timer that is cleared before the next invocation, as a frozen process never runs it (fetch's pool clears a closed socket's timer)", async () => {
        // Prepare: the timer comes due while frozen, then I/O clears it
        const file = path.join(directory, "touched");
        await fn.invoke({ touch: file, cancelAfterMs: 300 });
        await sleep(800);

        // Act
        await fn.invoke({});

        // Assess
        assert.equal(fs.existsSync(file), false);
    });
});
