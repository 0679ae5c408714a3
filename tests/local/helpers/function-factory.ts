import * as path from "node:path";
import { LocalFunction } from "../../../local/lambda/local-function";
import type { LocalFunctionDefinition } from "../../../local/lambda/function-definition";

export const PROBE_HANDLER = path.join(__dirname, "..", "fixtures", "probe-handler.ts");
export const BROKEN_INIT_HANDLER = path.join(__dirname, "..", "fixtures", "broken-init-handler.ts");

export function probeFunction(overrides: Partial<LocalFunctionDefinition> = {}): LocalFunction {
    const functionName = overrides.functionName ?? "probe";
    return new LocalFunction({
        functionName,
        logGroupName: `/aws/lambda/${functionName}`,
        handlerModule: PROBE_HANDLER,
        timeoutSeconds: 3,
        memorySizeMb: 256,
        reservedConcurrency: 2,
        region: "us-east-1",
        environment: {},
        ...overrides,
    });
}
