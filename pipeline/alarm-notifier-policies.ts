/**
 * The alarm notifier's policy documents as pure functions of plain ARNs, like policy-documents.ts
 * for the consumers, so they are tested alone and read like the JSON AWS stores.
 */
import {
    denyInsecureTransportPolicy,
    readOwnSecretsStatement,
    useCustomerKeyStatement,
    WRITE_TRACES_STATEMENT,
    writeOwnLogsStatement,
    type PolicyDocument,
    type PolicyStatement,
} from "./policy-documents";

export interface AlarmNotifierResources {
    readonly deadLetterQueueArn: string;
    readonly logGroupArn: string;
    /** The PagerDuty routing key and Slack webhook URL parameters (the pager's own). */
    readonly parameterArns: readonly string[];
    readonly kmsKeyArn?: string;
}

/**
 * Least privilege for the notifier: read its two secrets, write its logs and traces, and send to
 * its own DLQ (Lambda delivers the on-failure record with the function's role).
 */
export function alarmNotifierPolicy(resources: AlarmNotifierResources): PolicyDocument {
    const statements: PolicyStatement[] = [
        readOwnSecretsStatement(resources.parameterArns),
        { Sid: "OnFailureDestination", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: resources.deadLetterQueueArn },
        writeOwnLogsStatement(resources.logGroupArn),
        WRITE_TRACES_STATEMENT,
    ];
    if (resources.kmsKeyArn !== undefined) {
        statements.push(useCustomerKeyStatement(resources.kmsKeyArn));
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The notifier DLQ's queue policy: TLS only, and SNS may send to it only for the alarm topic's
 * subscription (the subscription's redrive policy targets this queue).
 */
export function alarmNotifierDeadLetterQueuePolicy(deadLetterQueueArn: string, alarmTopicArn: string): PolicyDocument {
    const tlsOnly = denyInsecureTransportPolicy("sqs", [deadLetterQueueArn]);
    return {
        Version: "2012-10-17",
        Statement: [
            ...tlsOnly.Statement,
            {
                Sid: "AlarmTopicSubscriptionRedrive",
                Effect: "Allow",
                Principal: { Service: "sns.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: deadLetterQueueArn,
                Condition: { ArnEquals: { "aws:SourceArn": alarmTopicArn } },
            },
        ],
    };
}
