// A synthetic recorded stack of N consumer lanes, shaped as the recording monitor records a
// preview of our pipeline: ~10 resources per lane (queue, DLQ, two queue policies, role, role
// policy, log group, function, mapping, DLQ depth alarm), linked by property dependencies, with
// ARNs built from names (known at preview) and outputs of new resources absent.
import { RecordedResource, RecordedStack, rootStackType } from "../gate/recorded-stack";
import { makeUrn } from "../gate/urn";

const project = "gate-bench";
const stack = "bench";
const region = "eu-west-1";
const account = "123456789012";

const noOptions = { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [] } as const;

function resource(
    type: string,
    name: string,
    parent: string,
    inputs: Record<string, unknown>,
    propertyDependencies: Record<string, string[]> = {},
): RecordedResource {
    return {
        urn: makeUrn(stack, project, parent, type, name),
        type,
        name,
        custom: true,
        kind: "register",
        inputs,
        parent,
        dependencies: [...new Set(Object.values(propertyDependencies).flat())],
        propertyDependencies,
        packageVersion: "7.48.0",
        options: noOptions,
    };
}

function lane(index: number, root: string): RecordedResource[] {
    const name = `lane-${index}`;
    const sqsArn = (queue: string): string => `arn:aws:sqs:${region}:${account}:${queue}`;
    const dlq = resource("aws:sqs/queue:Queue", `${name}-dlq`, root, {
        name: `${name}-dlq`,
        messageRetentionSeconds: 1_209_600,
        sqsManagedSseEnabled: true,
    });
    const queue = resource("aws:sqs/queue:Queue", name, root, {
        name,
        visibilityTimeoutSeconds: 180,
        messageRetentionSeconds: 345_600,
        sqsManagedSseEnabled: true,
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: sqsArn(`${name}-dlq`), maxReceiveCount: 5 }),
    });
    const queuePolicy = (target: RecordedResource): RecordedResource =>
        resource(
            "aws:sqs/queuePolicy:QueuePolicy",
            `${target.name}-policy`,
            root,
            {
                queueUrl: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Deny",
                            Principal: { AWS: "*" },
                            Action: "sqs:*",
                            Resource: sqsArn(target.name),
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ],
                }),
            },
            { queueUrl: [target.urn] },
        );
    const role = resource("aws:iam/role:Role", `${name}-consumer`, root, {
        name: `${name}-consumer`,
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
    });
    const rolePolicy = resource(
        "aws:iam/rolePolicy:RolePolicy",
        `${name}-consumer`,
        root,
        {
            role: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                        Resource: sqsArn(name),
                    },
                ],
            }),
        },
        { role: [role.urn] },
    );
    const logGroup = resource("aws:cloudwatch/logGroup:LogGroup", `${name}-logs`, root, {
        name: `/aws/lambda/${name}-consumer`,
        retentionInDays: 14,
    });
    const fn = resource(
        "aws:lambda/function:Function",
        `${name}-consumer`,
        root,
        {
            name: `${name}-consumer`,
            role: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
            runtime: "nodejs22.x",
            handler: "index.handler",
            timeout: 30,
            reservedConcurrentExecutions: 5,
            tracingConfig: { mode: "Active" },
        },
        { role: [role.urn] },
    );
    const mapping = resource(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        `${name}-mapping`,
        root,
        {
            eventSourceArn: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
            functionName: `${name}-consumer`,
            batchSize: 10,
            functionResponseTypes: ["ReportBatchItemFailures"],
            scalingConfig: { maximumConcurrency: 5 },
        },
        { eventSourceArn: [queue.urn], functionName: [fn.urn] },
    );
    const alarm = resource(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        `${name}-dlq-depth`,
        root,
        {
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: `${name}-dlq` },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
        },
        { dimensions: [dlq.urn] },
    );
    return [dlq, queue, queuePolicy(queue), queuePolicy(dlq), role, rolePolicy, logGroup, fn, mapping, alarm];
}

/** The recorded stack of `lanes` lanes under one root stack resource. */
export function syntheticLaneStack(lanes: number): RecordedStack {
    const root: RecordedResource = {
        urn: makeUrn(stack, project, undefined, rootStackType, `${project}-${stack}`),
        type: rootStackType,
        name: `${project}-${stack}`,
        custom: false,
        kind: "register",
        inputs: {},
        dependencies: [],
        propertyDependencies: {},
        options: noOptions,
    };
    const resources = [root];
    for (let i = 0; i < lanes; i++) {
        resources.push(...lane(i, root.urn));
    }
    return { project, stack, resources };
}

export const syntheticIdentity = { project, stack, config: { "aws:region": region }, secretKeys: [] as string[] };
