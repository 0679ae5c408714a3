import * as assert from "node:assert/strict";
import * as path from "node:path";
import { computePipelineSettings, pipelineNames, PipelineOptions, stackKeyPolicy } from "../../pipeline";
import { parsePreflightArgs, preflightInputFromStack } from "../../scripts/preflight";
import {
    checkAlarmEndpoints,
    checkKmsKey,
    checkLambdaConcurrency,
    checkSsmParameters,
    CommandSender,
    Finding,
    PreflightInput,
} from "../../scripts/preflight-checks";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const EXISTING_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b1c2d3e-aaaa-bbbb-cccc-0123456789ab`;

/** An SDK error as the v3 clients throw it: the service's exception name in `name`. */
function serviceError(name: string): Error {
    return Object.assign(new Error(`${name} (stub)`), { name });
}

/**
 * A stubbed SDK client: answers each command by its class name (`GetAccountSettingsCommand`)
 * with a response shaped as the service returns it, or throws the error given; records what
 * was sent so a test can assert on the requests.
 */
function stubClient(
    answers: Record<string, (input: Record<string, unknown>) => unknown>,
): CommandSender & { sent: { command: string; input: Record<string, unknown> }[] } {
    const sent: { command: string; input: Record<string, unknown> }[] = [];
    return {
        sent,
        async send(command: object) {
            const name = command.constructor.name;
            const input = (command as { input: Record<string, unknown> }).input;
            sent.push({ command: name, input });
            const answer = answers[name];
            if (answer === undefined) {
                throw new Error(`stub has no answer for ${name}`);
            }
            return answer(input);
        },
    };
}

function input(options: PipelineOptions = {}, secretsInConfig = { pagerDutyRoutingKey: true, slackWebhookUrl: true }): PreflightInput {
    return {
        region: REGION,
        settings: computePipelineSettings(options),
        names: pipelineNames("escalation-pipeline-prod-main"),
        secretsInConfig,
    };
}

const lambdaAccount = (concurrentExecutions: number, unreserved: number, held: Record<string, number> = {}) =>
    stubClient({
        GetAccountSettingsCommand: () => ({
            AccountLimit: { ConcurrentExecutions: concurrentExecutions, UnreservedConcurrentExecutions: unreserved },
        }),
        GetFunctionConcurrencyCommand: (request) => {
            const reserved = held[request.FunctionName as string];
            if (reserved === undefined) {
                throw serviceError("ResourceNotFoundException");
            }
            return { ReservedConcurrentExecutions: reserved };
        },
    });

const levels = (findings: Finding[]) => findings.map((finding) => finding.level);
const reserving = (escalation: number, toolCall: number): PipelineOptions => ({
    escalation: { reservedConcurrency: escalation, maximumConcurrency: 2 },
    toolCall: { reservedConcurrency: toolCall, maximumConcurrency: 2 },
});

describe("preflight: Lambda concurrency", () => {
    it("fails a stack that reserves concurrency in a new account whose quota of 10 leaves none to reserve", async () => {
        const findings = await checkLambdaConcurrency(input(reserving(2, 2)), lambdaAccount(10, 10));

        assert.deepEqual(levels(findings), ["fail"]);
        // 2 + 2 for the lanes, 2 for the alarm notifier.
        assert.match(findings[0].message, /reserve 6 .* can reserve only 0: Lambda keeps 10 unreserved/);
        assert.match(findings[0].message, /Remove 'reservedConcurrency'/);
    });

    it("fails when the reservations would take the account below 100 unreserved", async () => {
        const findings = await checkLambdaConcurrency(input(reserving(20, 10)), lambdaAccount(1000, 130));

        assert.deepEqual(levels(findings), ["fail"]);
        assert.match(findings[0].message, /reserve 32 .* can reserve only 30/);
    });

    it("passes the same reservations when the stack's functions already hold them (an update)", async () => {
        const names = pipelineNames("escalation-pipeline-prod-main");
        const held = { [names.lanes.escalation.function]: 20, [names.lanes.toolCall.function]: 10, [names.alarmNotifier.function]: 2 };

        const findings = await checkLambdaConcurrency(input(reserving(20, 10)), lambdaAccount(1000, 130, held));

        assert.deepEqual(levels(findings), ["ok"]);
    });

    it("passes a stack without reserved concurrency in a new account", async () => {
        const findings = await checkLambdaConcurrency(input(), lambdaAccount(10, 10));

        assert.deepEqual(levels(findings), ["ok"]);
    });

    it("asks for the concurrency of exactly this stack's functions", async () => {
        const lambda = lambdaAccount(1000, 900);

        await checkLambdaConcurrency(input(reserving(5, 5)), lambda);

        assert.deepEqual(
            lambda.sent.filter((s) => s.command === "GetFunctionConcurrencyCommand").map((s) => s.input.FunctionName),
            [
                "escalation-pipeline-prod-main-escalation-pager",
                "escalation-pipeline-prod-main-tool-executor",
                "escalation-pipeline-prod-main-alarm-notifier",
            ],
        );
    });

    it("warns when a lane's maximumConcurrency is above the account's quota", async () => {
        const findings = await checkLambdaConcurrency(input({ escalation: { maximumConcurrency: 50 } }), lambdaAccount(10, 10));

        assert.deepEqual(levels(findings), ["ok", "warn"]);
    });

    it("fails, naming the permission, when the account settings cannot be read", async () => {
        const lambda = stubClient({
            GetAccountSettingsCommand: () => {
                throw serviceError("AccessDeniedException");
            },
        });

        const [finding] = await checkLambdaConcurrency(input(), lambda);

        assert.equal(finding.level, "fail");
        assert.match(finding.message, /lambda:GetAccountSettings.*AccessDeniedException/);
    });
});

describe("preflight: the existing KMS key", () => {
    const existing: PipelineOptions = { encryption: "existingKey", kmsKeyArn: EXISTING_KEY };
    const metadata = { KeyState: "Enabled", KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" };
    const kmsWith = (policy: unknown, overrides: Record<string, unknown> = {}) =>
        stubClient({
            DescribeKeyCommand: () => ({ KeyMetadata: { ...metadata, ...overrides } }),
            GetKeyPolicyCommand: () => ({ Policy: JSON.stringify(policy) }),
        });
    const goodPolicy = stackKeyPolicy({ partition: "aws", accountId: ACCOUNT, region: REGION, dnsSuffix: "amazonaws.com" });
    const awsDefaultPolicy = {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Enable IAM User Permissions",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                Action: "kms:*",
                Resource: "*",
            },
        ],
    };

    it("passes a key whose policy has the statements README lists", async () => {
        assert.deepEqual(levels(await checkKmsKey(input(existing), kmsWith(goodPolicy))), ["ok"]);
    });

    it("fails AWS's default key policy: it lets CloudWatch do nothing, so alarms to the topic would be dropped", async () => {
        const findings = await checkKmsKey(input(existing), kmsWith(awsDefaultPolicy));

        assert.deepEqual(levels(findings), ["fail", "fail"]);
        assert.match(findings[0].message, /cloudwatch\.amazonaws\.com kms:Decrypt and kms:GenerateDataKey\*.*dropped/);
        assert.match(findings[1].message, /sns\.amazonaws\.com .*notifier.*lost/);
    });

    it("fails a key policy that admits CloudWatch but not the account's use through the services", async () => {
        const cloudWatchOnly = {
            Version: "2012-10-17",
            Statement: goodPolicy.Statement.filter((s) => s.Principal !== "*" && s.Principal !== undefined && "Service" in s.Principal),
        };

        const findings = await checkKmsKey(input(existing), kmsWith(cloudWatchOnly));

        assert.deepEqual(levels(findings), ["fail"]);
        assert.match(findings[0].message, /KMS key is invalid for CreateGrant/);
    });

    it("accepts a CloudWatch grant written with wider action patterns (kms:GenerateDataKey* via kms:*)", async () => {
        const wide = {
            Version: "2012-10-17",
            Statement: [
                ...awsDefaultPolicy.Statement,
                {
                    Sid: "services",
                    Effect: "Allow",
                    Principal: { Service: ["cloudwatch.amazonaws.com", "sns.amazonaws.com"] },
                    Action: "kms:*",
                    Resource: "*",
                },
            ],
        };

        assert.deepEqual(levels(await checkKmsKey(input(existing), kmsWith(wide))), ["ok"]);
    });

    it("fails a disabled key", async () => {
        const findings = await checkKmsKey(input(existing), kmsWith(goodPolicy, { KeyState: "Disabled" }));

        assert.match(findings.find((f) => f.level === "fail")?.message ?? "", /is Disabled, not Enabled/);
    });

    it("fails an AWS-managed key, whose policy cannot admit CloudWatch", async () => {
        const findings = await checkKmsKey(input(existing), kmsWith(goodPolicy, { KeyManager: "AWS" }));

        assert.match(findings.find((f) => f.level === "fail")?.message ?? "", /managed by AWS/);
    });

    it("fails a key from another region without asking KMS", async () => {
        const kms = kmsWith(goodPolicy);

        const findings = await checkKmsKey(input({ encryption: "existingKey", kmsKeyArn: EXISTING_KEY.replace(REGION, "us-east-1") }), kms);

        assert.deepEqual(levels(findings), ["fail"]);
        assert.equal(kms.sent.length, 0);
    });

    it("fails, naming the permission, when the key cannot be described", async () => {
        const kms = stubClient({
            DescribeKeyCommand: () => {
                throw serviceError("NotFoundException");
            },
        });

        const [finding] = await checkKmsKey(input(existing), kms);

        assert.match(finding.message, /kms:DescribeKey.*NotFoundException/);
    });

    it("reads the key's default policy by the ARN in config", async () => {
        const kms = kmsWith(goodPolicy);

        await checkKmsKey(input(existing), kms);

        assert.deepEqual(
            kms.sent.map((s) => [s.command, s.input.KeyId]),
            [
                ["DescribeKeyCommand", EXISTING_KEY],
                ["GetKeyPolicyCommand", EXISTING_KEY],
            ],
        );
        assert.equal(kms.sent[1].input.PolicyName, "default");
    });

    it("asks KMS nothing when the stack creates its own key", async () => {
        const kms = kmsWith(goodPolicy);

        assert.deepEqual(levels(await checkKmsKey(input({ encryption: "stackKey" }), kms)), ["ok"]);
        assert.equal(kms.sent.length, 0);
    });
});

describe("preflight: SSM parameters", () => {
    const ssmWith = (existing: string[]) =>
        stubClient({
            GetParameterCommand: (request) => {
                if (!existing.includes(request.Name as string)) {
                    throw serviceError("ParameterNotFound");
                }
                return { Parameter: { Name: request.Name, Type: "SecureString" } };
            },
        });
    const names = pipelineNames("escalation-pipeline-prod-main");

    it("fails when a secret is neither in stack config nor already in SSM, saying how to set it", async () => {
        const findings = await checkSsmParameters(input({}, { pagerDutyRoutingKey: false, slackWebhookUrl: true }), ssmWith([]));

        assert.deepEqual(levels(findings), ["fail", "ok"]);
        assert.match(findings[0].message, /pagerduty-routing-key does not exist .*'pulumi config set --secret pagerdutyRoutingKey/);
    });

    it("passes a parameter managed outside the stack", async () => {
        const findings = await checkSsmParameters(
            input({}, { pagerDutyRoutingKey: false, slackWebhookUrl: false }),
            ssmWith([names.pagerDutyRoutingKeyParameter, names.slackWebhookUrlParameter]),
        );

        assert.deepEqual(levels(findings), ["ok", "ok"]);
    });

    it("warns when a secret in config would create a parameter that already exists", async () => {
        const findings = await checkSsmParameters(input(), ssmWith([names.slackWebhookUrlParameter]));

        assert.deepEqual(levels(findings), ["ok", "warn"]);
        assert.match(findings[1].message, /ParameterAlreadyExists/);
    });

    it("never asks SSM to decrypt a secret", async () => {
        const ssm = ssmWith([]);

        await checkSsmParameters(input(), ssm);

        assert.deepEqual(
            ssm.sent.map((s) => s.input.WithDecryption),
            [false, false],
        );
    });
});

describe("preflight: alarm endpoints", () => {
    it("fails an endpoint whose host does not resolve", async () => {
        const options = {
            alarms: {
                emailEndpoints: ["oncall@alerts.escalation-pipeline.dev"],
                httpsEndpoints: ["https://events.pagerduty.com/integration/k/enqueue"],
            },
        };

        const findings = await checkAlarmEndpoints(input(options), async (host) => host === "events.pagerduty.com");

        assert.deepEqual(levels(findings), ["fail", "ok"]);
        assert.match(findings[0].message, /alerts\.escalation-pipeline\.dev does not resolve/);
    });

    it("warns when alarms would notify no one", async () => {
        assert.deepEqual(levels(await checkAlarmEndpoints(input(), async () => true)), ["warn"]);
    });
});

describe("preflight: command line and stack file", () => {
    const ROOT = path.join(__dirname, "..", "..");

    it("requires --stack", () => {
        assert.throws(() => parsePreflightArgs([]), { name: "PreflightUsageError", message: /'--stack <name>' is required/ });
    });

    it("rejects an unknown option", () => {
        assert.throws(() => parsePreflightArgs(["--stack", "dev", "--profile", "x"]), {
            name: "PreflightUsageError",
            message: /unknown option --profile/,
        });
    });

    it("reads prod's stack file: its region, its own key, its prefix and its reserved concurrency", () => {
        const prod = preflightInputFromStack(ROOT, "prod", undefined, {});

        assert.equal(prod.region, "us-east-1");
        assert.deepEqual(prod.settings.encryption, { mode: "stackKey" });
        assert.equal(prod.names.prefix, "escalation-pipeline-prod-main");
        assert.equal(prod.settings.lanes.escalation.consumer.reservedConcurrency, 20);
        assert.deepEqual(prod.secretsInConfig, { pagerDutyRoutingKey: false, slackWebhookUrl: false });
    });
});
