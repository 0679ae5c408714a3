import { PolicyDocument, PolicyStatement } from "./policy-documents";

/**
 * The customer-managed key's policy: the one the stack writes on the key it creates, and the one
 * an existing key must grant (README lists these statements; `npm run preflight` checks them).
 */

/** The services that encrypt something of this stack with the key, as `kms:ViaService` names them. */
export const KEY_USING_SERVICES = ["sqs", "sns", "lambda", "dynamodb", "s3", "ssm"] as const;

/**
 * What those services do with the key on an account principal's behalf: encrypt and decrypt
 * messages, parameters and objects; Lambda and DynamoDB create grants on it for their own use.
 */
export const SERVICE_USE_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:CreateGrant",
    "kms:DescribeKey",
] as const;

/**
 * CloudWatch publishes alarm notifications to the encrypted topic as its own service principal.
 * Without these two actions SNS refuses the publish and the alarm notification is silently dropped.
 */
export const CLOUDWATCH_ALARM_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"] as const;
export const CLOUDWATCH_SERVICE_PRINCIPAL = "cloudwatch.amazonaws.com";

/**
 * SNS itself sends an alarm notification it could not deliver to the notifier into the notifier's
 * encrypted DLQ (the subscription's redrive policy), as its own service principal.
 */
export const SNS_REDRIVE_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"] as const;
export const SNS_SERVICE_PRINCIPAL = "sns.amazonaws.com";

/**
 * Administration without use: account administrators (through IAM) can manage, rotate, tag and
 * schedule deletion of the key, and update this policy, but only the services above use it.
 */
const ADMINISTRATION_ACTIONS = [
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:UpdateAlias",
    "kms:DescribeKey",
    "kms:Enable*",
    "kms:Disable*",
    "kms:List*",
    "kms:Get*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
];

export interface KeyPolicyContext {
    readonly partition: string;
    readonly accountId: string;
    readonly region: string;
    /** "amazonaws.com" (or "amazonaws.com.cn"): the suffix of the `kms:ViaService` names. */
    readonly dnsSuffix: string;
}

/** The key policy of the stack-created key: administration by the account, use only through the named services. */
export function stackKeyPolicy(context: KeyPolicyContext): PolicyDocument {
    const accountRoot = `arn:${context.partition}:iam::${context.accountId}:root`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersKey",
                Effect: "Allow",
                Principal: { AWS: accountRoot },
                Action: ADMINISTRATION_ACTIONS,
                Resource: "*",
            },
            {
                Sid: "AccountUsesKeyThroughPipelineServices",
                Effect: "Allow",
                Principal: { AWS: accountRoot },
                Action: [...SERVICE_USE_ACTIONS],
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "kms:CallerAccount": context.accountId,
                        "kms:ViaService": KEY_USING_SERVICES.map((service) => `${service}.${context.region}.${context.dnsSuffix}`),
                    },
                },
            },
            // No source condition: AWS documents this grant without one, and a condition CloudWatch
            // does not send would drop every alarm without an error anywhere.
            {
                Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
                Effect: "Allow",
                Principal: { Service: CLOUDWATCH_SERVICE_PRINCIPAL },
                Action: [...CLOUDWATCH_ALARM_ACTIONS],
                Resource: "*",
            },
            {
                Sid: "SnsRedrivesUndeliveredAlarmsToEncryptedQueue",
                Effect: "Allow",
                Principal: { Service: SNS_SERVICE_PRINCIPAL },
                Action: [...SNS_REDRIVE_ACTIONS],
                Resource: "*",
            },
        ],
    };
}

/** Whether `granted` (an IAM action pattern, `*` wildcards allowed) covers `wanted`. */
function actionCovers(granted: string, wanted: string): boolean {
    const pattern = new RegExp(
        `^${granted
            .split("*")
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
        "i",
    );
    // A wanted pattern such as kms:GenerateDataKey* is covered by a grant of exactly that pattern or of a wider one.
    return pattern.test(wanted) || pattern.test(wanted.replace(/\*$/, ""));
}

function statementGrants(statement: PolicyStatement, actions: readonly string[]): boolean {
    const granted = [statement.Action].flat();
    return actions.every((wanted) => granted.some((pattern) => actionCovers(pattern, wanted)));
}

function principalsOf(statement: PolicyStatement, kind: "AWS" | "Service"): string[] {
    const principal = statement.Principal;
    if (principal === "*") {
        return ["*"];
    }
    const value = (principal as Record<string, string | string[]> | undefined)?.[kind];
    return value === undefined ? [] : [value].flat();
}

/**
 * What an existing key's policy lacks for this stack, one sentence each; empty when it grants
 * everything. It looks for Allow statements only and does not evaluate Deny statements or
 * conditions other than by their presence: a Deny can still refuse what this accepts.
 */
export function missingKeyPolicyGrants(policy: PolicyDocument, accountId: string): string[] {
    const allows = policy.Statement.filter((statement) => statement.Effect === "Allow");
    const missing: string[] = [];
    const servicePrincipalMay = (principal: string, actions: readonly string[]) =>
        allows.some((statement) => principalsOf(statement, "Service").includes(principal) && statementGrants(statement, actions));
    if (!servicePrincipalMay(CLOUDWATCH_SERVICE_PRINCIPAL, CLOUDWATCH_ALARM_ACTIONS)) {
        missing.push(
            `no statement lets ${CLOUDWATCH_SERVICE_PRINCIPAL} ${CLOUDWATCH_ALARM_ACTIONS.join(" and ")}: alarms published to the encrypted topic would be dropped`,
        );
    }
    if (!servicePrincipalMay(SNS_SERVICE_PRINCIPAL, SNS_REDRIVE_ACTIONS)) {
        missing.push(
            `no statement lets ${SNS_SERVICE_PRINCIPAL} ${SNS_REDRIVE_ACTIONS.join(" and ")}: alarm notifications SNS cannot deliver to the notifier could not reach its encrypted DLQ and would be lost`,
        );
    }
    const accountPrincipals = [
        `arn:aws:iam::${accountId}:root`,
        `arn:aws-cn:iam::${accountId}:root`,
        `arn:aws-us-gov:iam::${accountId}:root`,
        accountId,
        "*",
    ];
    const account = allows.some(
        (statement) =>
            principalsOf(statement, "AWS").some((principal) => accountPrincipals.includes(principal)) &&
            statementGrants(statement, SERVICE_USE_ACTIONS),
    );
    if (!account) {
        missing.push(
            `no statement lets account ${accountId} (its IAM principals, through ${KEY_USING_SERVICES.join(", ")}) ${SERVICE_USE_ACTIONS.join(", ")}: ` +
                'Lambda\'s CreateFunction would fail with "KMS key is invalid for CreateGrant" and the queues, table and parameters could not use the key',
        );
    }
    return missing;
}
