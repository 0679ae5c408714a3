/**
 * The stack outputs the DLQ command reads, in the shape `pulumi stack output --json` prints
 * (keys as index.ts exports them). The local runtime writes the same file for itself, with the
 * emulator endpoint and region added, so one command serves both.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { laneOutputKey, type LaneName, perLane } from "../pipeline/lanes";
import type { LocalRuntime } from "./runtime";

export interface LaneQueues {
    readonly queueUrl: string;
    readonly queueArn: string;
    readonly deadLetterQueueUrl: string;
    readonly deadLetterQueueArn: string;
}

/** Output keys per lane, as index.ts names them (pipeline/lanes.ts spells the rule once). */
export const LaneOutputKeys: Readonly<Record<LaneName, Readonly<Record<keyof LaneQueues, string>>>> = perLane((lane) => ({
    queueUrl: laneOutputKey(lane, "queueUrl"),
    queueArn: laneOutputKey(lane, "queueArn"),
    deadLetterQueueUrl: laneOutputKey(lane, "deadLetterQueueUrl"),
    deadLetterQueueArn: laneOutputKey(lane, "deadLetterQueueArn"),
}));

/** Extra keys only the local runtime writes. */
export const LocalOutputKey = { sqsEndpoint: "localSqsEndpoint", region: "localRegion" } as const;

export class StackOutputsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackOutputsError";
    }
}

export function readStackOutputs(file: string): Record<string, unknown> {
    if (!fs.existsSync(file)) {
        throw new StackOutputsError(
            `Stack outputs file ${file} does not exist; write it with 'pulumi stack output --json > ${file}', or start the local runtime`,
        );
    }
    try {
        const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            throw new Error("it is not a JSON object");
        }
        return parsed as Record<string, unknown>;
    } catch (error) {
        throw new StackOutputsError(`Stack outputs file ${file} cannot be read: ${(error as Error).message}`);
    }
}

/** One lane's queues from stack outputs; the message names the missing key. */
export function laneQueuesFromOutputs(outputs: Record<string, unknown>, lane: LaneName): LaneQueues {
    const keys = LaneOutputKeys[lane];
    const read = (field: keyof LaneQueues): string => {
        const value = outputs[keys[field]];
        if (typeof value !== "string" || value.length === 0) {
            throw new StackOutputsError(
                `Stack outputs have no '${keys[field]}' (lane ${lane}); found keys: ${Object.keys(outputs).join(", ") || "none"}`,
            );
        }
        return value;
    };
    return {
        queueUrl: read("queueUrl"),
        queueArn: read("queueArn"),
        deadLetterQueueUrl: read("deadLetterQueueUrl"),
        deadLetterQueueArn: read("deadLetterQueueArn"),
    };
}

export function localStackOutputs(runtime: LocalRuntime): Record<string, string> {
    const outputs: Record<string, string> = {};
    for (const lane of Object.keys(LaneOutputKeys) as LaneName[]) {
        for (const field of Object.keys(LaneOutputKeys[lane]) as (keyof LaneQueues)[]) {
            outputs[LaneOutputKeys[lane][field]] = runtime.lanes[lane][field];
        }
    }
    outputs[LocalOutputKey.sqsEndpoint] = runtime.emulators.sqsEndpoint;
    outputs[LocalOutputKey.region] = runtime.emulators.region;
    return outputs;
}

export function writeStackOutputs(file: string, outputs: Record<string, string>): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(outputs, null, 2)}\n`);
}
