// Our own program (the repository root) must pass its own gate on every environment.
import { GateRun, assertGateRun, noViolations, runGate, runOf, startRuns } from "./helpers/gate-process";

describe("offline gate on our own stacks", function () {
    this.timeout(600_000);
    let runs: Map<string, Promise<GateRun>>;

    before(() => {
        runs = startRuns({ dev: () => runGate(["--stack", "dev"]), prod: () => runGate(["--stack", "prod"]) });
    });

    for (const stack of ["dev", "prod"]) {
        it(`gate --stack ${stack} prints no violation and exits 0`, async () => {
            const run = await runOf(runs, stack);

            assertGateRun(run, 0, noViolations);
        });

        it(`gate --stack ${stack} applies policy/config/${stack}.json and says why`, async () => {
            const run = await runOf(runs, stack);

            assertGateRun(run, 0, `(the pack's config for stack '${stack}'; the pack lives in this program's directory)`);
        });
    }
});
