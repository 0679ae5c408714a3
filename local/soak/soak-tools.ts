/**
 * Tools the soak registers in the real tool-call consumer (through the local runtime's
 * `extraToolsModule`). They write each execution to a shared JSONL file, so the soak can check
 * that every step ran exactly once and in order within its call, and they fail on purpose:
 * - `record-step` succeeds;
 * - `flaky-step` fails transiently on its first attempt (as a downstream 503 would);
 * - `slow-step` would overrun the function timeout on its first attempt: the consumer stops it at
 *   the invocation's safety margin (its AbortSignal) and retries it; were it not stopped, the
 *   runtime would kill the whole invocation at the timeout;
 * - `large-result-step` succeeds with a result of `resultBytes` (~450 KB), over a DynamoDB item:
 *   its idempotency record must still be saved (bounded), or every attempt would run it again.
 * "First attempt" is decided with a marker file created exclusively, which works across the
 * execution environments (worker threads) that may run the attempts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { DownstreamUnavailableError } from "../../handlers/failures/errors";
import { defineTool, type ToolDefinition, type ToolInvocation } from "../../handlers/tool-call/tool-registry";

/** The consumers' environment carries the soak's state directory under this name. */
export const SOAK_STATE_DIRECTORY_VARIABLE = "SOAK_STATE_DIRECTORY";
export const SoakToolName = { record: "record-step", flaky: "flaky-step", slow: "slow-step", largeResult: "large-result-step" } as const;
export type SoakToolName = (typeof SoakToolName)[keyof typeof SoakToolName];
export const TOOL_RUNS_FILE = "tool-runs.jsonl";

export interface ToolRun {
    readonly callId: string;
    readonly toolCallId: string;
    readonly step: number;
    readonly tool: SoakToolName;
    readonly at: number;
}

const StepArguments = z.strictObject({
    step: z.number().int().min(0),
    sleepMs: z.number().int().min(0).optional(),
    resultBytes: z.number().int().min(0).optional(),
});

function stateDirectory(): string {
    const directory = process.env[SOAK_STATE_DIRECTORY_VARIABLE];
    if (directory === undefined || directory === "") {
        throw new Error(`${SOAK_STATE_DIRECTORY_VARIABLE} must name the soak's state directory`);
    }
    return directory;
}

/** True exactly once per tool call id, whichever environment asks first. */
function firstAttempt(invocation: ToolInvocation): boolean {
    const marker = path.join(
        stateDirectory(),
        "markers",
        `${encodeURIComponent(invocation.callId)}--${encodeURIComponent(invocation.toolCallId)}`,
    );
    try {
        fs.writeFileSync(marker, "", { flag: "wx" });
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") {
            return false;
        }
        throw error;
    }
}

function recordRun(tool: SoakToolName, step: number, invocation: ToolInvocation): { step: number } {
    const run: ToolRun = { callId: invocation.callId, toolCallId: invocation.toolCallId, step, tool, at: Date.now() };
    fs.appendFileSync(path.join(stateDirectory(), TOOL_RUNS_FILE), `${JSON.stringify(run)}\n`);
    return { step };
}

/** A tool that does `onFirstAttempt` the first time a tool call runs, and records the step on every later attempt. */
function failsOnFirstAttempt(
    name: SoakToolName,
    description: string,
    onFirstAttempt: (args: z.output<typeof StepArguments>, invocation: ToolInvocation) => Promise<void>,
): ToolDefinition {
    return defineTool({
        name,
        description,
        argumentsSchema: StepArguments,
        async run(args, invocation) {
            if (firstAttempt(invocation)) {
                await onFirstAttempt(args, invocation);
            }
            return recordRun(name, args.step, invocation);
        },
    });
}

export const tools: readonly ToolDefinition[] = [
    defineTool({
        name: SoakToolName.record,
        description: "Record that this step ran.",
        argumentsSchema: StepArguments,
        async run(args, invocation) {
            return recordRun(SoakToolName.record, args.step, invocation);
        },
    }),
    defineTool({
        name: SoakToolName.largeResult,
        description: "Record that this step ran, and return a result of resultBytes.",
        argumentsSchema: StepArguments,
        async run(args, invocation) {
            return { ...recordRun(SoakToolName.largeResult, args.step, invocation), result: "r".repeat(args.resultBytes ?? 0) };
        },
    }),
    failsOnFirstAttempt(SoakToolName.flaky, "Fail transiently on the first attempt, then record the step.", async () => {
        throw new DownstreamUnavailableError("soak flaky service", "HTTP 503 (injected on the first attempt)");
    }),
    // Stopped by its signal at the invocation's safety margin (so the step is not recorded on that attempt), as a
    // well-behaved tool passes the signal on to its own calls.
    failsOnFirstAttempt(
        SoakToolName.slow,
        "Overrun the function timeout on the first attempt, then record the step.",
        async (args, invocation) => {
            await sleep(args.sleepMs ?? 60_000, undefined, { signal: invocation.signal });
        },
    ),
];

/** Creates (empty) the files the tools write. */
export function prepareSoakState(directory: string): void {
    fs.rmSync(directory, { recursive: true, force: true });
    fs.mkdirSync(path.join(directory, "markers"), { recursive: true });
    fs.writeFileSync(path.join(directory, TOOL_RUNS_FILE), "");
}

export function readToolRuns(directory: string): ToolRun[] {
    return fs
        .readFileSync(path.join(directory, TOOL_RUNS_FILE), "utf8")
        .split("\n")
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as ToolRun);
}
