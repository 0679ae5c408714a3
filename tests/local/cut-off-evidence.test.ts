/**
 * Issue 9, item 10: on a busy machine a consumer gives up waiting for an answer PagerDuty or Slack
 * still processes, and its retry repeats the request (the README's named window). The soak may
 * accept such a repeat only with evidence of that cut-off: the receiver saw the caller hang up, or
 * the consumer logged "no answer within". These tests prove the evidence is gathered from the real
 * consumer's log and the loopback receiver, and that the log is read line by line whatever the chunks.
 */
import * as assert from "node:assert/strict";
import { emitEscalation } from "../../handlers/producer";
import { deriveEscalationId } from "../../handlers/messages";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import { localProducerTargets } from "../../local/producer-targets";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime";
import { GaveUpWaitingLog } from "../../local/soak/cut-off-evidence";
import { waitFor } from "./helpers/sqs-fixture";

const gaveUpLine = (attempt: { messageId: string; receiveCount: number }, downstream: string) =>
    `${JSON.stringify({
        level: "WARN",
        message: "message will be retried",
        timestamp: "2026-12-02T08:00:00.000Z",
        ...attempt,
        escalationId: "esc-1",
        error: { name: "DownstreamUnavailableError", message: `${downstream} is unavailable: no answer within 1666 ms` },
    })}\n`;

describe("cut-off evidence for the soak", function () {
    this.timeout(120_000);

    describe("the consumers' log", () => {
        it("keeps one 'no answer within' per attempt and downstream, from lines split across chunks", async () => {
            // Prepare
            const log = new GaveUpWaitingLog();
            const first = gaveUpLine({ messageId: "m-1", receiveCount: 1 }, "PagerDuty");
            const chunks = [
                first.slice(0, 40),
                first.slice(40) + gaveUpLine({ messageId: "m-1", receiveCount: 1 }, "PagerDuty"),
                gaveUpLine({ messageId: "m-1", receiveCount: 2 }, "Slack") + '{"level":"WARN","message":"something else"}\n',
            ];

            // Act
            for (const chunk of chunks) {
                await new Promise<void>((resolve, reject) => log.write(Buffer.from(chunk), (error) => (error ? reject(error) : resolve())));
            }

            // Assess
            assert.deepEqual(log.entries, [
                { escalationId: "esc-1", downstream: "PagerDuty", at: Date.parse("2026-12-02T08:00:00.000Z") },
                { escalationId: "esc-1", downstream: "Slack", at: Date.parse("2026-12-02T08:00:00.000Z") },
            ]);
        });
    });

    describe("a real consumer that gives up waiting for PagerDuty", () => {
        let runtime: LocalRuntime;
        const log = new GaveUpWaitingLog();

        before(async () => {
            runtime = await startLocalRuntime({
                settings: resolvePipelineSettings({}),
                namePrefix: "cutoff",
                handlerCode: "source",
                downstreamTimeoutMs: 300,
                functionLogSink: log,
            });
        });
        after(async () => {
            await runtime.stop();
        });

        it("logs 'no answer within' with the escalation id, and the receiver records that its answer never reached the consumer", async () => {
            // Prepare: PagerDuty holds the trigger past the consumer's 300 ms, then accepts it
            const escalation = { callId: "cut-off-1", reason: "Caller asks for a human", severity: "critical" } as const;
            runtime.receivers.pagerDuty.failNext(1, { hangMs: 1_500 });
            const targets = localProducerTargets(runtime);

            // Act
            await emitEscalation(targets.escalation, escalation);
            await waitFor(
                () => runtime.receivers.pagerDuty.requests.length > 0 && log.entries.length > 0,
                60_000,
                "the late answer and the log",
            );
            targets.close();

            // Assess
            assert.deepEqual(
                {
                    gaveUp: log.entries.map(({ escalationId, downstream }) => ({ escalationId, downstream })),
                    firstAnswer: runtime.receivers.pagerDuty.requests.map((request) => [
                        request.answeredStatus,
                        request.answerReachedCaller,
                    ])[0],
                },
                {
                    gaveUp: [{ escalationId: deriveEscalationId(escalation), downstream: "PagerDuty" }],
                    firstAnswer: [202, false],
                },
            );
        });
    });
});
