/**
 * What `npm run preflight -- --stack <name>` checks in the account before a `pulumi up`: the
 * things a first deploy fails on after creating half the stack. Each check reads the account
 * through an SDK client it is given (the user's credentials in the CLI, stubs in tests) and
 * returns findings; nothing here writes to the account.
 */
import { DescribeKeyCommand, DescribeKeyCommandOutput, GetKeyPolicyCommand, GetKeyPolicyCommandOutput } from "@aws-sdk/client-kms";
import {
    GetAccountSettingsCommand,
    GetAccountSettingsCommandOutput,
    GetFunctionConcurrencyCommand,
    GetFunctionConcurrencyCommandOutput,
} from "@aws-sdk/client-lambda";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { NOTIFIER_RESERVED_CONCURRENCY } from "../pipeline/alarm-notifier";
import {
    endpointHost,
    EncryptionMode,
    LaneName,
    missingKeyPolicyGrants,
    PipelineNames,
    PipelineSettings,
    PolicyDocument,
} from "../pipeline";
import { LANE_NAMES } from "../pipeline/lanes";

export const FindingLevel = { ok: "ok", warn: "warn", fail: "fail" } as const;
export type FindingLevel = (typeof FindingLevel)[keyof typeof FindingLevel];

export interface Finding {
    readonly level: FindingLevel;
    /** Which check: lambda-concurrency, kms-key, ssm-parameters, alarm-endpoints. */
    readonly check: string;
    readonly message: string;
}

/** The part of an SDK v3 client preflight uses: `send`. Real clients and test stubs both have it. */
export interface CommandSender {
    send(command: object): Promise<unknown>;
}

export interface PreflightClients {
    readonly lambda: CommandSender;
    readonly kms: CommandSender;
    readonly ssm: CommandSender;
    /** Whether a host name resolves (DNS); e-mail domains by MX or address. */
    readonly resolves: (host: string, kind: "email" | "https") => Promise<boolean>;
}

export interface PreflightInput {
    readonly region: string;
    readonly settings: PipelineSettings;
    readonly names: PipelineNames;
    /** Secrets given in stack config (the component then creates their parameters). */
    readonly secretsInConfig: { readonly pagerDutyRoutingKey: boolean; readonly slackWebhookUrl: boolean };
}

/**
 * Lambda keeps this many executions unreserved: 100, or the whole quota when the quota is below
 * 100 (a new account's quota of 10 leaves nothing to reserve).
 */
export function minimumUnreservedConcurrency(accountConcurrency: number): number {
    return Math.min(100, accountConcurrency);
}

/** The SDK error's name (`ResourceNotFoundException`, `ParameterNotFound`, `AccessDeniedException`). */
function errorName(error: unknown): string {
    return error instanceof Error ? error.name : String(error);
}

function errorText(error: unknown): string {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const LANES: readonly LaneName[] = LANE_NAMES;

/** Reserved concurrency against the account's quota; PutFunctionConcurrency fails after CreateFunction otherwise. */
export async function checkLambdaConcurrency(input: PreflightInput, lambda: CommandSender): Promise<Finding[]> {
    const check = "lambda-concurrency";
    let settings: GetAccountSettingsCommandOutput;
    try {
        settings = (await lambda.send(new GetAccountSettingsCommand({}))) as GetAccountSettingsCommandOutput;
    } catch (error) {
        return [
            {
                level: FindingLevel.fail,
                check,
                message: `could not read Lambda account settings (lambda:GetAccountSettings): ${errorText(error)}`,
            },
        ];
    }
    const quota = settings.AccountLimit?.ConcurrentExecutions ?? 0;
    const unreserved = settings.AccountLimit?.UnreservedConcurrentExecutions ?? 0;
    const findings: Finding[] = [];
    let wanted = 0;
    let heldByUs = 0;
    const reservations = LANES.flatMap((lane) => {
        const reserved = input.settings.lanes[lane].consumer.reservedConcurrency;
        return reserved === undefined ? [] : [{ functionName: input.names.lanes[lane].function, reserved }];
    });
    // The alarm notifier reserves its own executions whenever the lanes reserve theirs.
    if (reservations.length > 0) {
        reservations.push({ functionName: input.names.alarmNotifier.function, reserved: NOTIFIER_RESERVED_CONCURRENCY });
    }
    for (const { functionName, reserved } of reservations) {
        wanted += reserved;
        // On an update our own functions already hold a reservation that is given back first.
        heldByUs += await currentReservation(lambda, functionName);
    }
    const minimum = minimumUnreservedConcurrency(quota);
    const reservable = unreserved + heldByUs - minimum;
    if (wanted === 0) {
        findings.push({
            level: FindingLevel.ok,
            check,
            message: `no lane reserves concurrency; account quota ${quota}, ${unreserved} unreserved`,
        });
    } else if (wanted > reservable) {
        findings.push({
            level: FindingLevel.fail,
            check,
            message:
                `the lanes and the alarm notifier reserve ${wanted} concurrent executions, but the account (quota ${quota}, ${unreserved} unreserved, ` +
                `${heldByUs} already held by this stack's functions) can reserve only ${Math.max(0, reservable)}: Lambda keeps ${minimum} unreserved. ` +
                "PutFunctionConcurrency would fail after CreateFunction. Remove 'reservedConcurrency' from the lanes (maximumConcurrency alone bounds them) " +
                "or ask AWS for a higher concurrency quota (Service Quotas, 'Concurrent executions').",
        });
    } else {
        findings.push({
            level: FindingLevel.ok,
            check,
            message: `reserving ${wanted} of ${reservable} reservable concurrent executions (quota ${quota})`,
        });
    }
    for (const lane of LANES) {
        const maximum = input.settings.lanes[lane].mapping.maximumConcurrency;
        if (maximum !== undefined && maximum > quota) {
            findings.push({
                level: FindingLevel.warn,
                check,
                message: `'${lane}.maximumConcurrency' ${maximum} is above the account's quota ${quota}: the lane will never reach it`,
            });
        }
    }
    return findings;
}

async function currentReservation(lambda: CommandSender, functionName: string): Promise<number> {
    try {
        const output = (await lambda.send(
            new GetFunctionConcurrencyCommand({ FunctionName: functionName }),
        )) as GetFunctionConcurrencyCommandOutput;
        return output.ReservedConcurrentExecutions ?? 0;
    } catch (error) {
        if (errorName(error) === "ResourceNotFoundException") {
            return 0;
        }
        throw error;
    }
}

/** The existing key: usable, in the stack's region, and its policy grants what the stack needs. */
export async function checkKmsKey(input: PreflightInput, kms: CommandSender): Promise<Finding[]> {
    const check = "kms-key";
    const { encryption } = input.settings;
    if (encryption.mode === EncryptionMode.awsManaged) {
        return [{ level: FindingLevel.ok, check, message: "AWS-managed encryption: no customer key to check" }];
    }
    if (encryption.mode === EncryptionMode.stackKey) {
        return [
            {
                level: FindingLevel.ok,
                check,
                message: `the stack creates its own key (${input.names.keyAlias}) with the key policy it needs`,
            },
        ];
    }
    const keyArn = encryption.keyArn;
    const [, , , keyRegion, keyAccount] = keyArn.split(":");
    if (keyRegion !== input.region) {
        return [
            {
                level: FindingLevel.fail,
                check,
                message: `key ${keyArn} is in ${keyRegion}, the stack deploys to ${input.region}: SQS, SNS and Lambda need a key in their own region`,
            },
        ];
    }
    let metadata: DescribeKeyCommandOutput["KeyMetadata"];
    try {
        metadata = ((await kms.send(new DescribeKeyCommand({ KeyId: keyArn }))) as DescribeKeyCommandOutput).KeyMetadata;
    } catch (error) {
        return [{ level: FindingLevel.fail, check, message: `could not describe key ${keyArn} (kms:DescribeKey): ${errorText(error)}` }];
    }
    const findings: Finding[] = [];
    if (metadata?.KeyState !== "Enabled") {
        findings.push({
            level: FindingLevel.fail,
            check,
            message: `key ${keyArn} is ${metadata?.KeyState ?? "in an unknown state"}, not Enabled`,
        });
    }
    if (metadata?.KeyManager !== "CUSTOMER") {
        findings.push({
            level: FindingLevel.fail,
            check,
            message: `key ${keyArn} is managed by ${metadata?.KeyManager ?? "?"}: its policy cannot admit CloudWatch, so alarms to the topic would be dropped; use a customer-managed key`,
        });
    }
    if (metadata?.KeySpec !== "SYMMETRIC_DEFAULT" || metadata?.KeyUsage !== "ENCRYPT_DECRYPT") {
        findings.push({
            level: FindingLevel.fail,
            check,
            message: `key ${keyArn} is ${metadata?.KeySpec ?? "?"} for ${metadata?.KeyUsage ?? "?"}: SQS, SNS, DynamoDB and Lambda need a SYMMETRIC_DEFAULT ENCRYPT_DECRYPT key`,
        });
    }
    let policy: PolicyDocument;
    try {
        const output = (await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default" }))) as GetKeyPolicyCommandOutput;
        policy = JSON.parse(output.Policy ?? "{}") as PolicyDocument;
    } catch (error) {
        findings.push({
            level: FindingLevel.fail,
            check,
            message: `could not read the policy of key ${keyArn} (kms:GetKeyPolicy): ${errorText(error)}`,
        });
        return findings;
    }
    for (const missing of missingKeyPolicyGrants({ Version: "2012-10-17", Statement: [policy.Statement ?? []].flat() }, keyAccount)) {
        findings.push({ level: FindingLevel.fail, check, message: `key policy of ${keyArn}: ${missing}` });
    }
    if (findings.length === 0) {
        findings.push({
            level: FindingLevel.ok,
            check,
            message: `key ${keyArn} is enabled and its policy grants CloudWatch and the pipeline's services`,
        });
    }
    return findings;
}

/** The pager's parameters: ones not in stack config must exist; ones in config must not (yet) on a first deploy. */
export async function checkSsmParameters(input: PreflightInput, ssm: CommandSender): Promise<Finding[]> {
    const check = "ssm-parameters";
    const parameters = [
        {
            name: input.names.pagerDutyRoutingKeyParameter,
            inConfig: input.secretsInConfig.pagerDutyRoutingKey,
            configKey: "pagerdutyRoutingKey",
        },
        { name: input.names.slackWebhookUrlParameter, inConfig: input.secretsInConfig.slackWebhookUrl, configKey: "slackWebhookUrl" },
    ];
    const findings: Finding[] = [];
    for (const parameter of parameters) {
        let exists: boolean;
        try {
            // No decryption: presence is the question, and the value is none of preflight's business.
            await ssm.send(new GetParameterCommand({ Name: parameter.name, WithDecryption: false }));
            exists = true;
        } catch (error) {
            if (errorName(error) !== "ParameterNotFound") {
                findings.push({
                    level: FindingLevel.fail,
                    check,
                    message: `could not read ${parameter.name} (ssm:GetParameter): ${errorText(error)}`,
                });
                continue;
            }
            exists = false;
        }
        if (!parameter.inConfig && !exists) {
            findings.push({
                level: FindingLevel.fail,
                check,
                message:
                    `${parameter.name} does not exist and '${parameter.configKey}' is not in stack config: the pager would fail every page. ` +
                    `Run 'pulumi config set --secret ${parameter.configKey} <value>' or create the SecureString parameter.`,
            });
        } else if (parameter.inConfig && exists) {
            findings.push({
                level: FindingLevel.warn,
                check,
                message: `${parameter.name} exists and '${parameter.configKey}' is in stack config: fine if this stack created it; on a first 'pulumi up' the create fails with ParameterAlreadyExists (import it, or remove the secret from config)`,
            });
        } else {
            findings.push({
                level: FindingLevel.ok,
                check,
                message: `${parameter.name}: ${parameter.inConfig ? "created from stack config" : "exists, managed outside the stack"}`,
            });
        }
    }
    return findings;
}

/** Alarm subscriptions: at least one, and each host resolves (a typo never confirms). */
export async function checkAlarmEndpoints(input: PreflightInput, resolves: PreflightClients["resolves"]): Promise<Finding[]> {
    const check = "alarm-endpoints";
    const endpoints = [
        ...input.settings.alarms.emailEndpoints.map((endpoint) => ({ endpoint, kind: "email" as const })),
        ...input.settings.alarms.httpsEndpoints.map((endpoint) => ({ endpoint, kind: "https" as const })),
    ];
    if (endpoints.length === 0) {
        return [
            {
                level: FindingLevel.warn,
                check,
                message:
                    "no alarm subscription: alarms reach the topic and notify no one. Set 'pipeline.alarms.emailEndpoints' or 'httpsEndpoints'.",
            },
        ];
    }
    const findings: Finding[] = [];
    for (const { endpoint, kind } of endpoints) {
        const host = endpointHost(endpoint) ?? "";
        if (await resolves(host, kind)) {
            findings.push({
                level: FindingLevel.ok,
                check,
                message: `${kind} ${endpoint}: ${host} resolves${kind === "email" ? " (confirm the e-mail SNS sends)" : ""}`,
            });
        } else {
            findings.push({
                level: FindingLevel.fail,
                check,
                message: `${kind} endpoint ${endpoint}: ${host} does not resolve, so the subscription can never be confirmed`,
            });
        }
    }
    return findings;
}

/** Every check, in the order a first deploy would meet the failures. */
export async function runPreflight(input: PreflightInput, clients: PreflightClients): Promise<Finding[]> {
    return [
        ...(await checkKmsKey(input, clients.kms)),
        ...(await checkLambdaConcurrency(input, clients.lambda)),
        ...(await checkSsmParameters(input, clients.ssm)),
        ...(await checkAlarmEndpoints(input, clients.resolves)),
    ];
}

/** One line per finding, failures first counted in the last line. */
export function formatFindings(findings: readonly Finding[]): string {
    const lines = findings.map((finding) => `${finding.level.toUpperCase().padEnd(4)} ${finding.check}: ${finding.message}`);
    const failures = findings.filter((finding) => finding.level === FindingLevel.fail).length;
    const warnings = findings.filter((finding) => finding.level === FindingLevel.warn).length;
    lines.push(
        failures > 0
            ? `${failures} check(s) would make 'pulumi up' fail, ${warnings} warning(s)`
            : `nothing found that would make 'pulumi up' fail, ${warnings} warning(s)`,
    );
    return lines.join("\n");
}
