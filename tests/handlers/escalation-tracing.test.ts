import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const SCRIPT = path.join(__dirname, "..", "fixtures", "tracing", "deliver-traced.ts");
const TSX = path.join(__dirname, "..", "..", "node_modules", ".bin", "tsx");

interface SentSubsegment {
    readonly name: string;
    readonly annotations: Record<string, string>;
    readonly url?: string;
}

describe("escalation consumer tracing (Powertools Tracer)", function () {
    this.timeout(120_000);

    it("sends each delivery step as an annotated X-Ray subsegment, with the PagerDuty and Slack calls traced", async () => {
        // Prepare: a Lambda-like process with X-Ray Active and a loopback UDP daemon (fixtures/tracing/deliver-traced.ts)

        // Act
        const { stdout } = await promisify(execFile)(TSX, [SCRIPT], { maxBuffer: 10 * 1024 * 1024 });

        // Assess
        const sent = JSON.parse(stdout.trim().split("\n").at(-1) ?? "[]") as SentSubsegment[];
        const steps = sent.filter((subsegment) => subsegment.name.startsWith("###"));
        assert.deepEqual(
            steps.map((step) => [step.name, step.annotations.callId, /^esc-[0-9a-f]{32}$/.test(step.annotations.escalationId ?? "")]),
            [
                ["### PagerDuty step", "call-traced", true],
                ["### Slack step", "call-traced", true],
            ],
        );
        const paths = sent.map((subsegment) => (subsegment.url === undefined ? "" : new URL(subsegment.url).pathname));
        assert.ok(paths.includes("/v2/enqueue"), `PagerDuty call traced: ${paths.join(", ")}`);
        assert.ok(paths.includes("/services/T00000000/B00000000/local-webhook"), `Slack call traced: ${paths.join(", ")}`);
    });
});
