// Runs a program body in this process under the gate's recording monitor (preview mode), the
// way the program host does for a program directory, and returns what it registered.
import { loadPulumiSdk, recordPreview } from "../../../gate/preview-run";
import { RecordedResource, RecordedStack } from "../../../gate/recorded-stack";
import { repoRoot } from "./gate-process";

export const unitProject = "gate-unit";
export const unitStack = "test";

export function recordInline(
    program: () => unknown,
    config: Record<string, string> = { "aws:region": "eu-central-1" },
): Promise<RecordedStack> {
    return recordPreview(loadPulumiSdk(repoRoot), { project: unitProject, stack: unitStack, config, secretKeys: [] }, program);
}

export function resourceNamed(stack: RecordedStack, name: string): RecordedResource {
    const found = stack.resources.find((r) => r.name === name);
    if (found === undefined) {
        throw new Error(`no recorded resource '${name}'; recorded: ${stack.resources.map((r) => r.name).join(", ")}`);
    }
    return found;
}
