/**
 * One local runtime (consumers running, so a replayed escalation is really paged) with its
 * triage console, for the browser tests; dead letters go straight into a DLQ (sample-dead-letters.ts),
 * without racing the consumers.
 */
import { PurgeQueueCommand } from "@aws-sdk/client-sqs";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DeadLetterKind } from "../../../handlers/dead-letter";
import { InvalidMessageError } from "../../../handlers/errors";
import type { ConsoleServer } from "../../../local/console/server";
import { startLocalConsole } from "../../../local/console/local-console";
import { putDeadLetter } from "../../../local/console/sample-dead-letters";
import { type LocalRuntime, startLocalRuntime } from "../../../local/runtime";
import { resolvePipelineSettings, type LaneName } from "../../../pipeline/pipeline-settings";

export interface ConsoleFixture {
    readonly runtime: LocalRuntime;
    readonly server: ConsoleServer;
    readonly stateDirectory: string;
    /** Puts `body` into the lane's DLQ with a poison reason; returns the DLQ message id. */
    deadLetter(lane: LaneName, body: string, options?: { groupId?: string; errorMessage?: string }): Promise<string>;
    /** Empties both DLQs. */
    purgeDeadLetters(): Promise<void>;
    /** True once the fake PagerDuty received a request whose body contains every one of `texts`. */
    paged(...texts: string[]): boolean;
    stop(): Promise<void>;
}

export async function startConsoleFixture(): Promise<ConsoleFixture> {
    const runtime = await startLocalRuntime({ settings: resolvePipelineSettings({}), namePrefix: `console-${randomUUID().slice(0, 6)}` });
    const stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "console-state-"));
    const server = await startLocalConsole(runtime, { stateDirectory, operator: "browser-test" });
    return {
        runtime,
        server,
        stateDirectory,
        deadLetter: (lane, body, options = {}) =>
            putDeadLetter(runtime.sqs, runtime.lanes[lane], runtime.emulators.region, {
                body,
                kind: DeadLetterKind.poison,
                error: new InvalidMessageError(options.errorMessage ?? "escalation is invalid"),
                groupId: options.groupId,
                handlerVersion: "console-test",
            }),
        async purgeDeadLetters() {
            for (const lane of Object.values(runtime.lanes)) {
                await runtime.sqs.send(new PurgeQueueCommand({ QueueUrl: lane.deadLetterQueueUrl }));
            }
        },
        paged(...texts) {
            return runtime.receivers.pagerDuty.requests.some((request) => texts.every((text) => request.body.includes(text)));
        },
        async stop() {
            await server.close();
            await runtime.stop();
            fs.rmSync(stateDirectory, { recursive: true, force: true });
        },
    };
}
