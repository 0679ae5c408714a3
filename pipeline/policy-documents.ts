/**
 * IAM and resource policy documents as pure functions of plain ARNs, so they are tested alone and
 * read like the JSON AWS stores.
 */
import { DEAD_LETTER_PAYLOAD_PREFIX, isFifoQueue } from "../handlers/environment";

/**
 * A statement as the component writes it. The policy pack reads statements as `ParsedStatement`
 * (policy/policy-documents.ts), a looser shape for what any program may carry.
 */
export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | { Service: string } | { AWS: string };
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** What a consumer function may touch: its own queue, its DLQ, the shared table, its secrets. */
export interface ConsumerResources {
    readonly queueArn: string;
    readonly deadLetterQueueArn: string;
    readonly idempotencyTableArn: string;
    readonly logGroupArn: string;
    readonly payloadBucketArn: string;
    /** SSM parameters the function reads (only the escalation pager has any). */
    readonly parameterArns: readonly string[];
    /** A customer-managed key, when queues, table and parameters use one. */
    readonly kmsKeyArn?: string;
    /**
     * The stack's own key, by its alias: its ARN is unknown until it exists, and the policy pack
     * must read this policy at the first preview, so the grant names the account's keys with the
     * alias as a condition (`kms:ResourceAliases`).
     */
    readonly stackKey?: { readonly alias: string; readonly keyArnPattern: string };
}

/** The Lambda service may assume the role, only on behalf of this account. */
export function lambdaAssumeRolePolicy(accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "LambdaAssumeRole",
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
        ],
    };
}

/**
 * Least privilege for a consumer: named actions only, each on the one resource it needs. X-Ray is
 * the exception AWS imposes: its write actions support no resource-level permissions.
 */
export function consumerPolicy(resources: ConsumerResources): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "ConsumeOwnQueue",
            Effect: "Allow",
            // ChangeMessageVisibility shortens a transient failure's wait to its backoff tier.
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
            Resource: resources.queueArn,
        },
        ...(isFifoQueue(resources.queueArn)
            ? []
            : [
                  {
                      Sid: "RequeueInProgressCopy",
                      Effect: "Allow" as const,
                      // A message another invocation holds, on its last receive, goes back as a delayed copy
                      // (handlers/record-handler.ts) so SQS's redrive cannot move it reasonless. FIFO never does.
                      Action: ["sqs:SendMessage"],
                      Resource: resources.queueArn,
                  },
              ]),
        {
            Sid: "DeadLetterWithReason",
            Effect: "Allow",
            // The handler forwards poison and last-attempt messages itself, with the failure reason.
            Action: ["sqs:SendMessage", "sqs:GetQueueAttributes"],
            Resource: resources.deadLetterQueueArn,
        },
        {
            Sid: "IdempotencyRecords",
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            Resource: resources.idempotencyTableArn,
        },
        {
            Sid: "OffloadDeadLetterBodies",
            Effect: "Allow",
            // A dead-letter copy too large for the DLQ with its reason has its body stored here
            // (handlers/dead-letter-forwarder.ts); only under the dead-letter prefix.
            Action: ["s3:PutObject"],
            Resource: `${resources.payloadBucketArn}/${DEAD_LETTER_PAYLOAD_PREFIX}/*`,
        },
        {
            Sid: "ReadLargePayloads",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: `${resources.payloadBucketArn}/*`,
        },
        {
            Sid: "TellMissingPayloads",
            Effect: "Allow",
            // Without ListBucket, S3 answers GetObject on a missing key with 403 AccessDenied, not
            // 404 NoSuchKey, and the handler would retry an expired payload as transient until the
            // message is exhausted instead of dead-lettering it at once.
            Action: ["s3:ListBucket"],
            Resource: resources.payloadBucketArn,
        },
        writeOwnLogsStatement(resources.logGroupArn),
        WRITE_TRACES_STATEMENT,
    ];
    if (resources.parameterArns.length > 0) {
        statements.push(readOwnSecretsStatement(resources.parameterArns));
    }
    if (resources.stackKey !== undefined) {
        statements.push({
            Sid: "UseStackKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: resources.stackKey.keyArnPattern,
            Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": resources.stackKey.alias } },
        });
    } else if (resources.kmsKeyArn !== undefined) {
        statements.push(useCustomerKeyStatement(resources.kmsKeyArn));
    }
    return { Version: "2012-10-17", Statement: statements };
}

/*
 * The statements every function role carries alike (the consumers' and the alarm notifier's), built
 * here once so both policies grant the same actions under the same Sid.
 */

/** Read the function's own SSM parameters (its secrets), and no others. */
export function readOwnSecretsStatement(parameterArns: readonly string[]): PolicyStatement {
    return { Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: [...parameterArns] };
}

/** Write to the function's own log group; `:*` covers its streams. */
export function writeOwnLogsStatement(logGroupArn: string): PolicyStatement {
    return { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` };
}

/** X-Ray's write actions support no resource-level permissions, so this grant alone names `*`. */
export const WRITE_TRACES_STATEMENT: PolicyStatement = {
    Sid: "WriteTraces",
    Effect: "Allow",
    Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    Resource: "*",
};

/**
 * Use a customer-managed key known by its ARN: decrypt what SQS, DynamoDB and SSM stored under it,
 * and generate data keys to write.
 */
export function useCustomerKeyStatement(kmsKeyArn: string): PolicyStatement {
    return { Sid: "UseCustomerKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kmsKeyArn };
}

/** Denies every request to the resource that is not made over TLS (as aws-solutions-constructs does). */
export function denyInsecureTransportPolicy(service: "sqs" | "s3", resourceArns: string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: `${service}:*`,
                Resource: resourceArns,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/** A DLQ admits redrive only from its own source queue. */
export function redriveAllowPolicy(sourceQueueArn: string) {
    return { redrivePermission: "byQueue", sourceQueueArns: [sourceQueueArn] };
}

/** The source queue's redrive policy: where dead messages go, and after how many receives. */
export function redrivePolicy(deadLetterQueueArn: string, maxReceiveCount: number) {
    return { deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount };
}
