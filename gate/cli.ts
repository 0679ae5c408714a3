// Offline policy gate: runs a Pulumi program under preview-mode mocks, feeds what it registered to
// the real policy pack over the Analyzer protocol, and prints the violations.
// Exit codes: 0 no mandatory violation, 1 mandatory violation(s), 2 the run could not be judged.
import "./compile-cache";
import { PolicyGateSession } from "./analysis";
import { GateOptions, HelpRequestedError, gateUsage, parseGateArgs, shortStackName } from "./args";
import * as path from "node:path";
import { GateUsageError, PolicyPackError, ProgramRunError } from "./errors";
import { readInvokeAnswersFile } from "./invoke-answers";
import { PolicyPackProject, loadPolicyPackProject } from "./pack-process";
import { PhaseTimer } from "./phases";
import { readPolicyConfigFile } from "./policy-config";
import { recordProgram } from "./program-process";
import { PulumiProject, loadProject, loadStackConfig } from "./project";
import { remoteComponentsOf } from "./remote-components";
import { cacheDirFor } from "./cache-dir";
import { readManifest, resolveEntrypoint } from "./entrypoint";
import { TypeCheckTarget, cliCompilerDefaults, compilerPathFor, typeScriptEntry } from "./typecheck";
import { TypeCheckRunError, typeCheck } from "./typecheck-run";
import { requireRegion, StackConfigError } from "../pipeline/stack-config";
import { formatReport, hasMandatoryViolation } from "./report";
import { formatJsonReport } from "./report-json";
import { formatSarifReport } from "./report-sarif";

export const exitCodes = { passed: 0, violations: 1, error: 2 } as const;

const warn = (message: string): void => {
    process.stderr.write(`warning: ${message}\n`);
};

/** The pack and (unless Pulumi.yaml or the environment turns it off) the program, where their entry is TypeScript. */
function typeCheckTargets(project: PulumiProject, pack: PolicyPackProject): { target: TypeCheckTarget; cacheDir: string }[] {
    const targets: { target: TypeCheckTarget; cacheDir: string }[] = [];
    const add = (label: string, dir: string, entry: string | undefined, esModule: boolean): void => {
        if (entry !== undefined) {
            const defaults = cliCompilerDefaults(compilerPathFor(dir), esModule);
            targets.push({ target: { label, dir, entry, defaults }, cacheDir: path.join(cacheDirFor(dir), "typecheck") });
        }
    };
    add("policy pack", pack.dir, typeScriptEntry(pack.entry), false);
    // The CLI's own switch: PULUMI_NODEJS_TRANSPILE_ONLY=true loads the program without its type
    // check (the pack's runner has none and always checks).
    if (project.typescript && process.env.PULUMI_NODEJS_TRANSPILE_ONLY !== "true") {
        const manifest = readManifest(project.programDir);
        add(
            "program",
            project.programDir,
            typeScriptEntry(resolveEntrypoint(project.programDir, project.main, manifest)),
            manifest.type === "module",
        );
    }
    return targets;
}

/** Throws the CLI's verdict on code that does not compile: the pack's or the program's errors. */
async function requireTypeChecks(targets: ReturnType<typeof typeCheckTargets>): Promise<void> {
    for (const { target, errors } of await typeCheck(targets)) {
        if (errors.length === 0) {
            continue;
        }
        const message =
            `the ${target.label} ${target.dir} does not type-check, so \`pulumi preview\` would refuse to load it ` +
            `(the CLI loads TypeScript through ts-node with type checking):\n  ${errors.join("\n  ")}`;
        throw target.label === "policy pack" ? new PolicyPackError(message) : new ProgramRunError(message);
    }
}

export async function runGate(options: GateOptions): Promise<number> {
    const phases = new PhaseTimer();
    const project = loadProject(options.programDir);
    const stack = shortStackName(options.stack);
    const stackConfig = loadStackConfig(project, stack);
    const warnings: string[] = [...stackConfig.warnings];
    // Without a region every AWS resource fails on its own; say the one cause, once, before running.
    try {
        requireRegion(stackConfig.values, stack);
    } catch (err) {
        throw err instanceof StackConfigError ? new GateUsageError(err.message) : err;
    }
    const policyConfig = options.policyConfigFile ? readPolicyConfigFile(options.policyConfigFile) : {};
    const invokeAnswers = options.invokeAnswersFile ? readInvokeAnswersFile(options.invokeAnswersFile) : undefined;
    // Every input is checked before a process starts, so a typo fails in milliseconds.
    const policyPack = loadPolicyPackProject(options.policyPackDir);
    const identity = { project: project.name, stack, config: stackConfig.values, secretKeys: stackConfig.secretKeys };
    phases.end("read project, stack and policy config");

    process.stderr.write(`Offline policy gate: program ${project.programDir}, stack ${stack}, pack ${options.policyPackDir}\n`);
    process.stderr.write(`Applied: ${options.policyConfigReason}\n`);
    stackConfig.warnings.forEach(warn);
    const collectWarning = (message: string): void => {
        warnings.push(message);
        warn(message);
    };
    // The program and the pack start independently; starting both at once saves seconds. The type
    // check the CLI does while loading them runs beside them (cached by its inputs).
    const checks = typeCheckTargets(project, policyPack);
    const [recorded, session, typeChecked] = await Promise.allSettled([
        phases.time("run the program (in parallel with the pack)", () =>
            recordProgram({
                programDir: project.programDir,
                main: project.main,
                ...identity,
                invokeAnswers,
                timeoutSeconds: options.timeoutSeconds,
            }),
        ),
        phases.time("start and configure the policy pack (in parallel)", () =>
            PolicyGateSession.open({ policyPack, policyConfig, identity, warn: collectWarning }),
        ),
        phases.time("type-check the pack and the program (in parallel; cached)", () => requireTypeChecks(checks)),
    ]);
    phases.end("program and pack, wall time");
    if (session.status === "fulfilled" && (recorded.status === "rejected" || typeChecked.status === "rejected")) {
        await session.value.close();
    }
    // Code that does not compile never runs under the CLI: its errors come first.
    if (typeChecked.status === "rejected") {
        throw typeChecked.reason;
    }
    if (recorded.status === "rejected") {
        throw recorded.reason;
    }
    if (session.status === "rejected") {
        throw session.reason;
    }
    try {
        const remote = remoteComponentsOf(recorded.value);
        if (remote.length > 0) {
            const message =
                `the policy pack cannot see inside ${remote.length} remote (multi-language) component(s); ` +
                `their children are built by the component's provider and reach no policy:\n  ${remote.join("\n  ")}`;
            if (options.remoteComponents === "error") {
                throw new ProgramRunError(`${message}\n(--remote-components error)`);
            }
            collectWarning(message);
        }
        const result = await session.value.analyze(recorded.value);
        phases.end("analyze (Analyze per resource, AnalyzeStack)");
        const context = { programDir: project.programDir, policyConfig: options.policyConfigReason, warnings };
        if (options.format === "json") {
            process.stdout.write(formatJsonReport(result, context));
        } else if (options.format === "sarif") {
            process.stdout.write(formatSarifReport(result, context));
        } else {
            process.stdout.write(formatReport(result));
        }
        return hasMandatoryViolation(result) ? exitCodes.violations : exitCodes.passed;
    } finally {
        await session.value.close();
        if (options.verbose) {
            process.stderr.write(phases.format());
        }
    }
}

const judgedErrors = [GateUsageError, ProgramRunError, PolicyPackError, TypeCheckRunError];

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
