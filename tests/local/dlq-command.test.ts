import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import { DeadLetterKind } from "../../handlers/dead-letter";
import { InvalidMessageError } from "../../handlers/errors";
import { putDeadLetter } from "../../local/console/sample-dead-letters";
import { toDeadLetterEntry } from "../../local/dlq/dead-letter-entry";
import { peekMessages } from "../../local/dlq/peek";
import { queueDepth } from "../../local/progress";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime";
import { localStackOutputs, writeStackOutputs } from "../../local/stack-outputs";
import { deadLetter } from "./helpers/dead-letter-factory";
import { runLocalCommand } from "./helpers/run-cli";
import { waitFor } from "./helpers/sqs-fixture";

describe("npm run dlq (command line, against the local runtime)", function () {
    this.timeout(120_000);
    let runtime: LocalRuntime;
    let outputsFile: string;

    before(async () => {
        runtime = await startLocalRuntime({ settings: resolvePipelineSettings({}), namePrefix: "dlq-command", startConsumers: false });
        outputsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dlq-command-")), "stack-outputs.json");
        writeStackOutputs(outputsFile, localStackOutputs(runtime));
    });
    after(async () => {
        await runtime.stop();
        fs.rmSync(path.dirname(outputsFile), { recursive: true, force: true });
    });
    /** Dead-letters `messages` through the local runtime's escalation lane. */
    async function deadLetterEscalations(messages: Parameters<typeof deadLetter>[2]) {
        const { escalation } = runtime.lanes;
        const queue = {
            url: escalation.queueUrl,
            arn: escalation.queueArn,
            deadLetterUrl: escalation.deadLetterQueueUrl,
            deadLetterArn: escalation.deadLetterQueueArn,
            fifo: false,
        };
        await deadLetter(runtime.sqs, queue, messages);
    }
    beforeEach(async () => {
        await deadLetterEscalations([{ body: "{ not an escalation" }]);
    });
    afterEach(async () => {
        await runLocalCommand("dlq.ts", ["purge", "--lane", "escalation", "--yes", "--outputs", outputsFile]);
    });

    it("lists a dead letter with its reason, read from the stack outputs file", async () => {
        // Act
        const result = await runLocalCommand("dlq.ts", ["list", "--outputs", outputsFile]);

        // Assess
        assert.match(result.stdout, /poison after 1 attempt\(s\): InvalidMessageError: bad body #0/);
    });

    it("refuses to purge without --yes when no one can confirm on a terminal, and deletes nothing", async () => {
        // Act
        const result = await runLocalCommand("dlq.ts", ["purge", "--lane", "escalation", "--outputs", outputsFile]);

        // Assess
        assert.deepEqual(
            [
                result.code,
                /pass --yes/.test(result.stderr),
                (await queueDepth(runtime.sqs, runtime.lanes.escalation.deadLetterQueueUrl)).visible,
            ],
            [2, true, 1],
        );
    });

    it("redrives by copy on fauxqs, which has no StartMessageMoveTask, and says so", async () => {
        // Act
        const result = await runLocalCommand("dlq.ts", ["redrive", "--lane", "escalation", "--outputs", outputsFile]);

        // Assess
        assert.deepEqual(
            [
                result.code,
                /does not support StartMessageMoveTask/.test(result.stdout),
                /Moved 1 message/.test(result.stdout),
                (await queueDepth(runtime.sqs, runtime.lanes.escalation.queueUrl)).visible,
            ],
            [0, true, true, 1],
        );
    });

    it("shows a dead letter found by the DLQ's own message id", async () => {
        // Prepare
        const [entry] = (await peekMessages(runtime.sqs, runtime.lanes.escalation.deadLetterQueueUrl)).map(toDeadLetterEntry);

        // Act
        const result = await runLocalCommand("dlq.ts", ["show", entry!.messageId, "--json", "--outputs", outputsFile]);

        // Assess
        assert.deepEqual([result.code, (JSON.parse(result.stdout) as { messageId: string }).messageId], [0, entry!.messageId]);
    });

    it("shows a dead letter found by the id SendMessage returned to the producer (its sourceMessageId)", async () => {
        // Prepare
        const [entry] = (await peekMessages(runtime.sqs, runtime.lanes.escalation.deadLetterQueueUrl)).map(toDeadLetterEntry);

        // Act
        const result = await runLocalCommand("dlq.ts", ["show", entry!.reason!.sourceMessageId, "--json", "--outputs", outputsFile]);

        // Assess
        assert.deepEqual([result.code, (JSON.parse(result.stdout) as { messageId: string }).messageId], [0, entry!.messageId]);
    });

    it("reports a redrive to a missing source queue in one line naming the queue, and moves nothing", async () => {
        // Prepare
        const { escalation } = runtime.lanes;
        const missing = escalation.queueUrl.replace(/[^/]+$/, "no-such-queue");

        // Act
        const result = await runLocalCommand("dlq.ts", [
            "redrive",
            "--dlq-url",
            escalation.deadLetterQueueUrl,
            "--queue-url",
            missing,
            "--outputs",
            outputsFile,
        ]);

        // Assess
        assert.deepEqual(
            [
                result.code,
                result.stderr.trim().split("\n").length,
                result.stderr.includes(missing),
                (await queueDepth(runtime.sqs, escalation.deadLetterQueueUrl)).visible,
            ],
            [2, 1, true, 1],
        );
    });

    it("reports the number of messages that were in the DLQ when the redrive started", async () => {
        // Prepare: two more dead letters, three in all
        await deadLetterEscalations([{ body: "{ two" }, { body: "{ three" }]);

        // Act
        const result = await runLocalCommand("dlq.ts", ["redrive", "--lane", "escalation", "--method", "copy", "--outputs", outputsFile]);

        // Assess
        assert.match(result.stdout, /Moved 3 message\(s\)/);
    });

    it("names the allowed lanes when given an unknown one", async () => {
        // Act
        const result = await runLocalCommand("dlq.ts", ["list", "--lane", "pager", "--outputs", outputsFile]);

        // Assess
        assert.deepEqual(
            [result.code, result.stderr.split("\n")[0]],
            [2, `'--lane' must be one of escalation, toolCall, all, "pager" given`],
        );
    });
});

describe("npm run dlq -- redrive on a live pipeline (consumers running)", function () {
    this.timeout(180_000);
    let runtime: LocalRuntime;
    let outputsFile: string;

    before(async () => {
        runtime = await startLocalRuntime({ settings: resolvePipelineSettings({}), namePrefix: "dlq-live" });
        outputsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dlq-live-")), "stack-outputs.json");
        writeStackOutputs(outputsFile, localStackOutputs(runtime));
    });
    after(async () => {
        await runtime.stop();
        fs.rmSync(path.dirname(outputsFile), { recursive: true, force: true });
    });

    it("moves the poison messages that were in the DLQ once each, and they wait there again after failing again", async () => {
        // Prepare: five escalations the consumer refuses (no PagerDuty severity "urgent")
        const lane = runtime.lanes.escalation;
        for (let index = 0; index < 5; index++) {
            await putDeadLetter(runtime.sqs, lane, runtime.emulators.region, {
                body: JSON.stringify({ callId: `live-${index}`, reason: "still poison", severity: "urgent" }),
                kind: DeadLetterKind.poison,
                error: new InvalidMessageError("escalation is invalid"),
            });
        }

        // Act
        const result = await runLocalCommand("dlq.ts", ["redrive", "--lane", "escalation", "--outputs", outputsFile]);

        // Assess
        await waitFor(
            async () =>
                (await queueDepth(runtime.sqs, lane.deadLetterQueueUrl)).visible === 5 &&
                (await queueDepth(runtime.sqs, lane.queueUrl)).visible === 0,
            60_000,
            "the replays to be dead-lettered again",
        );
        assert.match(result.stdout, /Moved 5 message\(s\)/);
    });
});
