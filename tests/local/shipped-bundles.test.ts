/**
 * Issue 12, "the local runtime is what ships": by default the consumers are the dist/handlers
 * bundles the component deploys, reading their secrets from (loopback) SSM; messages from any
 * client count; the printed AWS CLI example works as printed.
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { promisify } from "node:util";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import { progressLine, snapshot } from "../../local/progress";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime";
import { sendMessageExample } from "../../local/cli/start";
import { emitEscalation } from "../../handlers/producer";
import { EMULATOR_CHARACTER_NOTE } from "../../local/emulator-character-limit";
import { HANDLER_BUNDLE_DIRECTORY } from "../../local/handler-bundles";
import { localProducerTargets } from "../../local/producer-targets";
import { waitFor } from "./helpers/sqs-fixture";

const pagesFor = (runtime: LocalRuntime, callId: string) =>
    runtime.receivers.pagerDuty.requests.filter(
        (request) => (request.json as { dedup_key?: string } | undefined)?.dedup_key === callId && request.answeredStatus === 202,
    );

describe("local runtime on the shipped bundles", function () {
    this.timeout(120_000);
    let runtime: LocalRuntime;

    before(async () => {
        runtime = await startLocalRuntime({ settings: resolvePipelineSettings({}), namePrefix: "bundles", region: "eu-west-1" });
    });
    after(async () => {
        await runtime.stop();
    });

    it("runs the dist/handlers bundles by default, built when missing or stale", () => {
        // Assess
        assert.deepEqual(
            [
                runtime.handlerCode,
                fs.existsSync(`${HANDLER_BUNDLE_DIRECTORY}/escalation/index.js`),
                fs.existsSync(`${HANDLER_BUNDLE_DIRECTORY}/toolCall/index.js`),
            ],
            ["bundle", true, true],
        );
    });

    it("refuses, before starting anything, an option the bundle would silently ignore (a downstream timeout of the test's choosing)", async () => {
        await assert.rejects(
            startLocalRuntime({ settings: resolvePipelineSettings({}), namePrefix: "refused", downstreamTimeoutMs: 300 }),
            {
                name: "HandlerCodeError",
                message:
                    "'downstreamTimeoutMs' needs handlerCode 'source': the shipped bundle keeps the deployed consumer's own downstream timeout",
            },
        );
    });

    it("pages with the routing key the bundle read from SSM, for a message an outside client sent", async () => {
        // Prepare
        const outside = new SQSClient({
            endpoint: runtime.emulators.sqsEndpoint,
            region: runtime.emulators.region,
            credentials: { accessKeyId: "any", secretAccessKey: "any" },
        });

        // Act
        await outside.send(
            new SendMessageCommand({
                QueueUrl: runtime.lanes.escalation.queueUrl,
                MessageBody: JSON.stringify({ callId: "outside-1", reason: "Caller asks for a human", severity: "critical" }),
            }),
        );
        await waitFor(() => pagesFor(runtime, "outside-1").length > 0, 60_000, "the outside message paged");
        outside.destroy();

        // Assess
        assert.equal((pagesFor(runtime, "outside-1")[0]!.json as { routing_key?: string }).routing_key, runtime.pagerDutyRoutingKey);
    });

    it("counts in the progress line what arrived from any client, not only what its own producers sent", async () => {
        // Act
        await waitFor(() => runtime.stats.escalation.firstDeliveries > 0, 30_000, "a first delivery");
        const state = await snapshot(runtime);

        // Assess
        assert.deepEqual([runtime.stats.sent, state.arrived > 0, /^arrived [1-9]/.test(progressLine(state))], [0, true, true]);
    });

    it("prints an AWS CLI example that works as printed", async () => {
        // Prepare
        const command = sendMessageExample(runtime).replaceAll("call-1", "printed-1").replaceAll("\\\n", " ");

        // Act
        await promisify(execFile)("sh", ["-c", command], { env: { PATH: process.env.PATH ?? "" } });
        await waitFor(() => pagesFor(runtime, "printed-1").length > 0, 60_000, "the printed example paged");

        // Assess
        assert.equal(pagesFor(runtime, "printed-1").length, 1);
    });
});

describe("the emulator's character limit", function () {
    this.timeout(60_000);
    let runtime: LocalRuntime;

    before(async () => {
        runtime = await startLocalRuntime({ settings: resolvePipelineSettings({}), namePrefix: "characters", startConsumers: false });
    });
    after(async () => {
        await runtime.stop();
    });

    it("makes the producer's error say that refusing an emoji is the local emulator's limit", async () => {
        // Prepare
        const targets = localProducerTargets(runtime);

        // Act
        const sent = emitEscalation(targets.escalation, { callId: "emoji-1", reason: "Caller is upset \u{1F621}", severity: "critical" });

        // Assess
        await assert.rejects(sent, {
            name: "ProducerSendError",
            message: new RegExp(EMULATOR_CHARACTER_NOTE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
        });
        targets.close();
    });
});
