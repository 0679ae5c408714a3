/**
 * Issue 12, "performance of the local path": X-Ray is not emulated, so the local runtime runs the
 * consumers with tracing off. With Active tracing the X-Ray SDK's async hooks and a subsegment per
 * request cost the escalation consumer about a sixth of its CPU (README, Benchmarks), and with no
 * daemon the segments went to 127.0.0.1:2000, a fixed port on a shared machine.
 */
import * as assert from "node:assert/strict";
import * as dgram from "node:dgram";
import { PassThrough } from "node:stream";
import type { AddressInfo } from "node:net";
import { emitEscalation } from "../../handlers/producer";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import { localProducerTargets } from "../../local/producer-targets";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime";
import { waitFor } from "./helpers/sqs-fixture";

describe("local runtime tracing", function () {
    this.timeout(120_000);
    let runtime: LocalRuntime;
    let daemon: dgram.Socket;
    const datagrams: string[] = [];
    const functionLog: string[] = [];

    before(async () => {
        // A loopback stand-in for the X-Ray daemon on an ephemeral port, where the SDK would send what it traces.
        daemon = dgram.createSocket("udp4");
        daemon.on("message", (datagram) => datagrams.push(datagram.toString("utf8")));
        await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", () => resolve()));
        runtime = await startLocalRuntime({
            settings: resolvePipelineSettings({}),
            namePrefix: "tracing",
            extraFunctionEnvironment: { AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(daemon.address() as AddressInfo).port}` },
            functionLogSink: new PassThrough().on("data", (chunk: Buffer) => functionLog.push(chunk.toString("utf8"))),
        });
    });
    after(async () => {
        await runtime.stop();
        daemon.close();
    });

    it("pages and posts with X-Ray tracing off in the consumers, sending nothing to the daemon address", async () => {
        // Prepare
        const targets = localProducerTargets(runtime);

        // Act
        await emitEscalation(targets.escalation, { callId: "untraced-1", reason: "Caller asks for a human", severity: "critical" });
        await waitFor(() => runtime.receivers.slack.requests.length > 0, 60_000, "the Slack post");
        // The SDK sends a subsegment as it closes; give a late one time to arrive.
        await new Promise((resolve) => setTimeout(resolve, 500));
        targets.close();

        // Assess
        assert.deepEqual(
            {
                paged: runtime.receivers.pagerDuty.requests.filter((request) => request.answeredStatus === 202).length,
                posted: runtime.receivers.slack.requests.length,
                datagrams: datagrams.length,
            },
            { paged: 1, posted: 1, datagrams: 0 },
        );
    });

    it("writes no X-Ray error to the function log (the SDK's Lambda set-up finds no context in manual mode)", () => {
        // Assess: both consumers started (the test above ran one of them)
        assert.deepEqual(
            functionLog
                .join("")
                .split("\n")
                .filter((line) => /sub\/segment|aws-xray-sdk-core/.test(line)),
            [],
        );
    });
});
