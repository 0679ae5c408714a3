// Offline policy gate: runs a Pulumi program under preview-mode mocks, feeds what it registered to
// the real policy pack over the Analyzer protocol, and prints the violations.
// Exit codes: 0 no mandatory violation, 1 mandatory violation(s), 2 the run could not be judged.
import { PolicyGateSession } from "./analysis";
import { GateOptions, HelpRequestedError, gateUsage, parseGateArgs, shortStackName } from "./args";
import { GateUsageError, PolicyPackError, ProgramRunError } from "./errors";
import { loadPolicyPackProject } from "./pack-process";
import { readPolicyConfigFile } from "./policy-config";
import { recordProgram } from "./program-process";
import { loadProject, loadStackConfig } from "./project";
import { requireRegion, StackConfigError } from "../pipeline/stack-config";
import { formatReport, hasMandatoryViolation } from "./report";

export const exitCodes = { passed: 0, violations: 1, error: 2 } as const;

const warn = (message: string): void => {
    process.stderr.write(`warning: ${message}\n`);
};

export async function runGate(options: GateOptions): Promise<number> {
    const project = loadProject(options.programDir);
    const stack = shortStackName(options.stack);
    const stackConfig = loadStackConfig(project, stack);
    stackConfig.warnings.forEach(warn);
    // Without a region every AWS resource fails on its own; say the one cause, once, before running.
    try {
        requireRegion(stackConfig.values, stack);
    } catch (err) {
        throw err instanceof StackConfigError ? new GateUsageError(err.message) : err;
    }
    const policyConfig = options.policyConfigFile ? readPolicyConfigFile(options.policyConfigFile) : {};
    // Every input is checked before a process starts, so a typo fails in milliseconds.
    const policyPack = loadPolicyPackProject(options.policyPackDir);
    const identity = { project: project.name, stack, config: stackConfig.values, secretKeys: stackConfig.secretKeys };

    process.stderr.write(
        `Offline policy gate: program ${project.programDir}, stack ${stack}, pack ${options.policyPackDir}` +
        `${options.policyConfigFile ? `, config ${options.policyConfigFile}` : ""}\n`,
    );
    // The program and the pack start independently; starting both at once saves seconds.
    const [recorded, session] = await Promise.allSettled([
        recordProgram({ programDir: project.programDir, main: project.main, ...identity }),
        PolicyGateSession.open({ policyPack, policyConfig, identity, warn }),
    ]);
    if (session.status === "fulfilled" && recorded.status === "rejected") {
        await session.value.close();
    }
    if (recorded.status === "rejected") {
        throw recorded.reason;
    }
    if (session.status === "rejected") {
        throw session.reason;
    }
    try {
        const result = await session.value.analyze(recorded.value);
        process.stdout.write(formatReport(result));
        return hasMandatoryViolation(result) ? exitCodes.violations : exitCodes.passed;
    } finally {
        await session.value.close();
    }
}

const judgedErrors = [GateUsageError, ProgramRunError, PolicyPackError];

async function main(): Promise<void> {
    let code: number;
    try {
        code = await runGate(parseGateArgs(process.argv.slice(2), process.cwd()));
    } catch (err) {
        if (err instanceof HelpRequestedError) {
            process.stdout.write(`${gateUsage}\n`);
            code = exitCodes.passed;
        } else if (judgedErrors.some((type) => err instanceof type)) {
            process.stderr.write(`error: ${(err as Error).message}\n`);
            code = exitCodes.error;
        } else {
            process.stderr.write(`error: the gate failed unexpectedly: ${(err as Error).stack ?? String(err)}\n`);
            code = exitCodes.error;
        }
    }
    process.exitCode = code;
}

if (require.main === module) {
    void main();
}
