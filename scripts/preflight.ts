/**
 * Reads the account a stack would deploy to, with your own AWS credentials, and says what would
 * make the first `pulumi up` fail: reserved concurrency against the Lambda quota, an existing KMS
 * key and its policy, the pager's SSM parameters, alarm endpoints. It only reads.
 * Run: npm run preflight -- --stack <name>
 * Exit code: 0 when nothing would fail, 1 when something would, 2 on a usage or config error.
 */
import { promises as dns } from "node:dns";
import * as path from "node:path";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SSMClient } from "@aws-sdk/client-ssm";
import { loadProject, loadStackConfig } from "../pipeline/project";
import {
    computePipelineSettings,
    defaultNamePrefix,
    PipelineConfigError,
    pipelineNames,
    PipelineOptions,
    validateNamePrefix,
    validatePipelineOptions,
} from "../pipeline";
import { formatFindings, FindingLevel, PreflightClients, PreflightInput, runPreflight } from "./preflight-checks";

/** The component's name in index.ts: the default prefix is `<project>-<stack>-main`. */
const COMPONENT_NAME = "main";

export class PreflightUsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PreflightUsageError";
    }
}

/** `--stack <name>` (required) and `--region <region>` (defaults to the stack's aws:region, then AWS_REGION). */
export function parsePreflightArgs(argv: readonly string[]): { stack: string; region?: string } {
    const value = (flag: string) => {
        const index = argv.indexOf(flag);
        return index >= 0 ? argv[index + 1] : undefined;
    };
    const unknown = argv.filter(
        (arg, index) =>
            arg.startsWith("--") && !["--stack", "--region"].includes(arg) && !["--stack", "--region"].includes(argv[index - 1] ?? ""),
    );
    if (unknown.length > 0) {
        throw new PreflightUsageError(`unknown option ${unknown[0]}; usage: npm run preflight -- --stack <name> [--region <region>]`);
    }
    const stack = value("--stack");
    if (stack === undefined || stack.startsWith("--")) {
        throw new PreflightUsageError("'--stack <name>' is required (the stack whose Pulumi.<name>.yaml to check)");
    }
    return { stack, region: value("--region") };
}

/** The preflight input from a stack file, validated as the component validates it. */
export function preflightInputFromStack(
    programDir: string,
    stack: string,
    regionOverride?: string,
    env: NodeJS.ProcessEnv = process.env,
): PreflightInput {
    const project = loadProject(programDir);
    const config = loadStackConfig(project, stack).values;
    const key = (name: string) => `${project.name}:${name}`;
    const options = config[key("pipeline")] === undefined ? undefined : (JSON.parse(config[key("pipeline")]) as PipelineOptions);
    const prefix = config[key("namePrefix")] ?? defaultNamePrefix(project.name, stack, COMPONENT_NAME);
    const problems = [...validatePipelineOptions(options), ...validateNamePrefix(prefix)];
    if (problems.length > 0) {
        throw new PipelineConfigError(problems);
    }
    const region = regionOverride ?? config["aws:region"] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (region === undefined) {
        throw new PreflightUsageError(`no region: set aws:region in Pulumi.${stack}.yaml, AWS_REGION, or pass --region`);
    }
    return {
        region,
        settings: computePipelineSettings(options),
        names: pipelineNames(prefix),
        secretsInConfig: { pagerDutyRoutingKey: key("pagerdutyRoutingKey") in config, slackWebhookUrl: key("slackWebhookUrl") in config },
    };
}

/** Whether DNS knows the host: an e-mail domain by its MX records (or an address), a web host by an address. */
async function resolves(host: string, kind: "email" | "https"): Promise<boolean> {
    const attempts = kind === "email" ? [() => dns.resolveMx(host), () => dns.lookup(host)] : [() => dns.lookup(host)];
    for (const attempt of attempts) {
        try {
            await attempt();
            return true;
        } catch {
            // try the next kind of record
        }
    }
    return false;
}

async function main(): Promise<number> {
    const args = parsePreflightArgs(process.argv.slice(2));
    const input = preflightInputFromStack(path.join(__dirname, ".."), args.stack, args.region);
    // The default credential chain: the same credentials `pulumi up` would use.
    const clients: PreflightClients = {
        lambda: new LambdaClient({ region: input.region }),
        kms: new KMSClient({ region: input.region }),
        ssm: new SSMClient({ region: input.region }),
        resolves,
    };
    const findings = await runPreflight(input, clients);
    console.log(formatFindings(findings));
    return findings.some((finding) => finding.level === FindingLevel.fail) ? 1 : 0;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (error: unknown) => {
            console.error(error instanceof Error ? error.message : String(error));
            process.exit(error instanceof PreflightUsageError || error instanceof PipelineConfigError ? 2 : 1);
        },
    );
}
