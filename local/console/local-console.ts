/**
 * The console for the local runtime, started by `npm start` (local/cli/start.ts): the same
 * operations the CLI uses, on the runtime's emulators, auditing to <state-dir>/dlq-audit.jsonl.
 */
import * as path from "node:path";
import { createDlqOperations } from "../dlq/dlq-client";
import type { LocalRuntime } from "../runtime";
import { LANE_NAMES } from "../dlq/operations";
import { laneQueuesFromOutputs, localStackOutputs } from "../stack-outputs";
import { type ConsoleServer, startConsoleServer } from "./server";

export interface LocalConsoleOptions {
    readonly stateDirectory: string;
    /** Recorded in the audit trail. @default the OS user */
    readonly operator?: string;
    /** @default 0 (any free port) */
    readonly port?: number;
}

export function startLocalConsole(runtime: LocalRuntime, options: LocalConsoleOptions): Promise<ConsoleServer> {
    const outputs = localStackOutputs(runtime);
    const operations = createDlqOperations(
        {
            sqs: runtime.sqs,
            endpoint: runtime.emulators.sqsEndpoint,
            region: runtime.emulators.region,
            outputs,
            outputsFile: path.join(options.stateDirectory, "stack-outputs.json"),
            lanes: LANE_NAMES.map((lane) => ({ lane, ...laneQueuesFromOutputs(outputs, lane) })),
        },
        { operator: options.operator, auditFile: path.join(options.stateDirectory, "dlq-audit.jsonl") },
    );
    return startConsoleServer({ operations, port: options.port });
}
