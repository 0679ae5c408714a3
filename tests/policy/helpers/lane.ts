// A compliant escalation lane as fake stack resources (queue, DLQ, consumer function and
// everything around them), so each policy test changes exactly one thing and checks one rule.
import * as aws from "@pulumi/aws";
import { fakeResource, FakeResource, PropsOf, UNKNOWN } from "./args";

export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";

export const queueArn = (name: string): string => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
export const queueUrl = (name: string): string => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
export const functionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
export const topicArn = (name: string): string => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;

/** A queue policy document that denies every SQS action without TLS, as AWS recommends. */
export function denyInsecureTransportPolicy(arn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: arn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}

/** The consumer's least-privilege grant on its queue. */
export function consumerGrant(arn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: arn }],
    });
}

export interface LaneOverrides {
    readonly queue?: PropsOf<aws.sqs.QueueArgs>;
    readonly dlq?: PropsOf<aws.sqs.QueueArgs>;
    readonly role?: PropsOf<aws.iam.RoleArgs>;
    readonly rolePolicy?: PropsOf<aws.iam.RolePolicyArgs>;
    readonly logGroup?: PropsOf<aws.cloudwatch.LogGroupArgs>;
    readonly fn?: PropsOf<aws.lambda.FunctionArgs>;
    readonly mapping?: PropsOf<aws.lambda.EventSourceMappingArgs>;
    readonly queuePolicy?: PropsOf<aws.sqs.QueuePolicyArgs>;
    readonly dlqPolicy?: PropsOf<aws.sqs.QueuePolicyArgs>;
    readonly alarm?: PropsOf<aws.cloudwatch.MetricAlarmArgs>;
    readonly errorsAlarm?: PropsOf<aws.cloudwatch.MetricAlarmArgs>;
    readonly throttlesAlarm?: PropsOf<aws.cloudwatch.MetricAlarmArgs>;
}

export type LanePart = keyof LaneOverrides;

export interface LaneOptions extends LaneOverrides {
    /** Prefix of every name; default "pager". */
    readonly name?: string;
    /** A FIFO lane (tool-call lane): ".fifo" names, fifoQueue true, batch 10 without window. */
    readonly fifo?: boolean;
    /** Leave these resources out of the stack. */
    readonly omit?: readonly LanePart[];
    /**
     * Record no property dependencies, as if every reference were a hand-written string: the
     * rules must then link resources by their known values.
     */
    readonly linkByValueOnly?: boolean;
    /**
     * Extra property dependencies, e.g. `{ queue: { visibilityTimeoutSeconds: ["fn"] } }` for a
     * visibility computed from the function's timeout output: what makes an unknown value the
     * program's own rather than a provider default.
     */
    readonly dependsOn?: { readonly [P in LanePart]?: Readonly<Record<string, readonly LanePart[]>> };
}

export type Lane = Readonly<Record<LanePart, FakeResource>> & { readonly resources: readonly FakeResource[] };

/** Builds a lane that passes every policy of the pack; options change or drop single parts. */
export function buildLane(options: LaneOptions = {}): Lane {
    const prefix = options.name ?? "pager";
    const suffix = options.fifo === true ? ".fifo" : "";
    const queueName = `${prefix}${suffix}`;
    const dlqName = `${prefix}-dlq${suffix}`;
    const functionName = `${prefix}-fn`;
    const roleName = `${prefix}-role`;
    const deps = (propertyDependencies: Record<string, FakeResource[]>) =>
        options.linkByValueOnly === true ? {} : { propertyDependencies };
    const fifo = options.fifo === true ? { fifoQueue: true } : {};

    const dlq = fakeResource(aws.sqs.Queue, `${prefix}-dlq`, {
        name: dlqName,
        arn: queueArn(dlqName),
        url: queueUrl(dlqName),
        ...fifo,
        messageRetentionSeconds: 1_209_600,
        sqsManagedSseEnabled: true,
        ...options.dlq,
    });
    const queue = fakeResource(
        aws.sqs.Queue,
        prefix,
        {
            name: queueName,
            arn: queueArn(queueName),
            url: queueUrl(queueName),
            ...fifo,
            // 6 x 30 s function timeout + 5 s batching window (none on FIFO).
            visibilityTimeoutSeconds: options.fifo === true ? 180 : 185,
            messageRetentionSeconds: 345_600,
            sqsManagedSseEnabled: true,
            redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(dlqName), maxReceiveCount: 5 }),
            ...options.queue,
        },
        deps({ redrivePolicy: [dlq] }),
    );
    const role = fakeResource(aws.iam.Role, `${prefix}-role`, {
        name: roleName,
        arn: roleArn(roleName),
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        ...options.role,
    });
    const rolePolicy = fakeResource(
        aws.iam.RolePolicy,
        `${prefix}-consume`,
        {
            role: roleName,
            policy: consumerGrant(queueArn(queueName)),
            ...options.rolePolicy,
        },
        deps({ role: [role] }),
    );
    const logGroup = fakeResource(aws.cloudwatch.LogGroup, `${prefix}-logs`, {
        name: `/aws/lambda/${functionName}`,
        retentionInDays: 30,
        ...options.logGroup,
    });
    const fn = fakeResource(
        aws.lambda.Function,
        `${prefix}-fn`,
        {
            name: functionName,
            arn: functionArn(functionName),
            role: roleArn(roleName),
            runtime: "nodejs22.x",
            handler: "index.handler",
            timeout: 30,
            reservedConcurrentExecutions: 5,
            tracingConfig: { mode: "Active" },
            loggingConfig: { logFormat: "JSON", logGroup: `/aws/lambda/${functionName}` },
            ...options.fn,
        },
        deps({ role: [role], loggingConfig: [logGroup] }),
    );
    const mapping = fakeResource(
        aws.lambda.EventSourceMapping,
        `${prefix}-mapping`,
        {
            eventSourceArn: queueArn(queueName),
            functionName: functionArn(functionName),
            batchSize: 10,
            maximumBatchingWindowInSeconds: options.fifo === true ? undefined : 5,
            functionResponseTypes: ["ReportBatchItemFailures"],
            scalingConfig: { maximumConcurrency: 5 },
            ...options.mapping,
        },
        deps({ eventSourceArn: [queue], functionName: [fn] }),
    );
    // Both queues carry the TLS-only policy AWS recommends, each on its own aws.sqs.QueuePolicy.
    const tlsOnlyPolicy = (name: string, target: FakeResource, targetName: string, overrides: LaneOverrides["queuePolicy"]) =>
        fakeResource(
            aws.sqs.QueuePolicy,
            name,
            { queueUrl: queueUrl(targetName), policy: denyInsecureTransportPolicy(queueArn(targetName)), ...overrides },
            deps({ queueUrl: [target] }),
        );
    const queuePolicy = tlsOnlyPolicy(`${prefix}-policy`, queue, queueName, options.queuePolicy);
    const dlqPolicy = tlsOnlyPolicy(`${prefix}-dlq-policy`, dlq, dlqName, options.dlqPolicy);
    const alarm = fakeResource(
        aws.cloudwatch.MetricAlarm,
        `${prefix}-dlq-depth`,
        {
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: dlqName },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            alarmActions: [topicArn("on-call")],
            okActions: [topicArn("on-call")],
            ...options.alarm,
        },
        deps({ dimensions: [dlq] }),
    );

    const functionAlarm = (suffix: string, metricName: string, overrides: PropsOf<aws.cloudwatch.MetricAlarmArgs> | undefined) =>
        fakeResource(
            aws.cloudwatch.MetricAlarm,
            `${prefix}-${suffix}`,
            { ...functionAlarmProps(metricName, functionName), okActions: [topicArn("on-call")], ...overrides },
            deps({ dimensions: [fn] }),
        );
    const errorsAlarm = functionAlarm("errors", "Errors", options.errorsAlarm);
    const throttlesAlarm = functionAlarm("throttles", "Throttles", options.throttlesAlarm);

    const parts: Record<LanePart, FakeResource> = {
        queue,
        dlq,
        role,
        rolePolicy,
        logGroup,
        fn,
        mapping,
        queuePolicy,
        dlqPolicy,
        alarm,
        errorsAlarm,
        throttlesAlarm,
    };
    for (const [part, extra] of Object.entries(options.dependsOn ?? {}) as [LanePart, Record<string, LanePart[]>][]) {
        const resource = parts[part];
        const added = Object.fromEntries(Object.entries(extra).map(([key, targets]) => [key, targets.map((target) => parts[target])]));
        parts[part] = {
            ...resource,
            links: { ...resource.links, propertyDependencies: { ...resource.links.propertyDependencies, ...added } },
        };
    }
    const omitted = new Set<string>(options.omit ?? []);
    const resources = Object.entries(parts)
        .filter(([part]) => !omitted.has(part))
        .map(([, resource]) => resource);
    return { ...parts, resources };
}

/**
 * An alarm on a function's AWS/Lambda `metricName` (Errors, Throttles) as cloudwatch-consumer-alarms
 * counts it: any datapoint above zero in a minute notifies the on-call topic.
 */
export function functionAlarmProps(metricName: string, functionName: string): PropsOf<aws.cloudwatch.MetricAlarmArgs> {
    return {
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: functionName },
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        alarmActions: [topicArn("on-call")],
    };
}

/**
 * An aws.lambda.Alias "live" of `fn` as a first preview sees it: its functionName (the function's
 * output) is unknown, so only the recorded property dependency leads to the function.
 */
export function unknownAliasOf(fn: FakeResource, name = "pager-live"): FakeResource {
    return fakeResource(
        aws.lambda.Alias,
        name,
        { name: "live", functionName: UNKNOWN, functionVersion: "1" },
        { propertyDependencies: { functionName: [fn] } },
    );
}

/** The lane's mapping pointed at `alias` instead of the function, its functionName unknown at preview. */
export function mappingThroughAlias(lane: Lane, alias: FakeResource): FakeResource {
    return {
        ...lane.mapping,
        props: { ...lane.mapping.props, functionName: UNKNOWN },
        links: { propertyDependencies: { eventSourceArn: [lane.queue], functionName: [alias] } },
    };
}

/**
 * A lane whose `part`'s `key` is unknown at preview and comes from the output of `from`: an unknown
 * the program computes itself (a provider's default has no such dependency).
 */
export function laneWithUnknown(part: LanePart, key: string, from: LanePart): Lane {
    return buildLane({ [part]: { [key]: UNKNOWN }, dependsOn: { [part]: { [key]: [from] } } });
}
