// The stack index's links at their edges: lookups by each known identifier, the fallbacks when no
// property dependency names the target, unknown values, and resources that set nothing at all.
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { Link, StackIndex } from "../../policy/stack-index";
import { createStackValidationArgs, FakeResource, fakeResource, foreignResource, UNKNOWN } from "./helpers/args";
import { buildLane, functionArn, queueArn, queueUrl, roleArn } from "./helpers/lane";

const noPolicy: StackValidationPolicy = { name: "none", description: "none", validateStack: () => undefined };

function indexOf(resources: readonly FakeResource[], shape: (resource: PolicyResource) => void = () => undefined): StackIndex {
    const args = createStackValidationArgs(noPolicy, resources);
    args.resources.forEach(shape);
    return new StackIndex(args.resources);
}

/** As an older producer of the analysis sends a resource: neither dependencies nor propertyDependencies. */
function withoutDependencies(resource: PolicyResource): void {
    const loose = resource as Partial<PolicyResource>;
    delete loose.propertyDependencies;
    delete loose.dependencies;
}

/** The name of a link's resource, or the link's kind when it leads to none. */
function target(link: Link | undefined): string | undefined {
    return link === undefined ? undefined : link.kind === "resource" ? link.resource.name : link.kind;
}

function names(resources: readonly PolicyResource[] | undefined): string[] {
    return (resources ?? []).map((resource) => resource.name);
}

/** Each reference a grouping could not resolve, as [resource name, property path]. */
function unresolvedOf(grouping: {
    readonly unresolved: readonly { readonly resource: PolicyResource; readonly path: string }[];
}): string[][] {
    return grouping.unresolved.map((u) => [u.resource.name, u.path]);
}

const stackReference = foreignResource("pulumi:pulumi:StackReference", "shared");

/**
 * An alias "pager-live" that names "pager-fn" by value, and a mapping "m" on the queue 'pager' whose
 * function name, unknown at preview, comes from the alias (and from `alsoFrom`).
 */
function aliasByValueAndMapping(alsoFrom: readonly FakeResource[] = []): [FakeResource, FakeResource] {
    const alias = fakeResource(aws.lambda.Alias, "pager-live", { name: "live", functionName: "pager-fn", functionVersion: "1" });
    const mapping = fakeResource(
        aws.lambda.EventSourceMapping,
        "m",
        { eventSourceArn: queueArn("pager"), functionName: UNKNOWN },
        { propertyDependencies: { functionName: [alias, ...alsoFrom] } },
    );
    return [alias, mapping];
}

describe("stack index edges: queues by ARN and by URL", () => {
    it("finds a queue by its known ARN when its name is not known", () => {
        const queue = fakeResource(aws.sqs.Queue, "orders", { arn: queueArn("orders-1a2b") });
        const mapping = fakeResource(aws.lambda.EventSourceMapping, "m", { eventSourceArn: queueArn("orders-1a2b"), functionName: "f" });

        const index = indexOf([queue, mapping]);

        assert.equal(target(index.mappings[0].queue), "orders");
    });

    it("finds a queue by the name in an ARN when its own ARN is not known", () => {
        const queue = fakeResource(aws.sqs.Queue, "orders", { name: "orders" });
        const mapping = fakeResource(aws.lambda.EventSourceMapping, "m", { eventSourceArn: queueArn("orders"), functionName: "f" });

        const index = indexOf([queue, mapping]);

        assert.equal(target(index.mappings[0].queue), "orders");
    });

    it("finds a queue by its known URL when its name is not known", () => {
        const queue = fakeResource(aws.sqs.Queue, "orders", { url: queueUrl("orders-1a2b") });
        const policy = fakeResource(aws.sqs.QueuePolicy, "p", { queueUrl: queueUrl("orders-1a2b"), policy: "{}" });

        const index = indexOf([queue, policy]);

        assert.deepEqual(names(index.queuePolicies.byTarget.get(queue.urn)), ["p"]);
    });

    it("finds a queue by the name in a URL when its own URL is not known", () => {
        const queue = fakeResource(aws.sqs.Queue, "orders", { name: "orders" });
        const policy = fakeResource(aws.sqs.QueuePolicy, "p", { queueUrl: queueUrl("orders"), policy: "{}" });

        const index = indexOf([queue, policy]);

        assert.deepEqual(names(index.queuePolicies.byTarget.get(queue.urn)), ["p"]);
    });

    it("groups no queue policy under any queue when its URL leads outside the stack", () => {
        const policy = fakeResource(aws.sqs.QueuePolicy, "p", { queueUrl: queueUrl("elsewhere"), policy: "{}" });

        const index = indexOf([policy]);

        assert.deepEqual([index.queuePolicies.byTarget.size, index.queuePolicies.unresolved.length], [0, 0]);
    });

    it("groups a queue policy whose URL is unknown under the queue its queueUrl depends on", () => {
        const queue = fakeResource(aws.sqs.Queue, "orders", { name: "orders" });
        const policy = fakeResource(
            aws.sqs.QueuePolicy,
            "p",
            { queueUrl: UNKNOWN, policy: "{}" },
            { propertyDependencies: { queueUrl: [queue] } },
        );

        const index = indexOf([queue, policy]);

        assert.deepEqual(names(index.queuePolicies.byTarget.get(queue.urn)), ["p"]);
    });

    it("keeps the first of two queues that declare the same name", () => {
        const first = fakeResource(aws.sqs.Queue, "first", { name: "orders" });
        const second = fakeResource(aws.sqs.Queue, "second", { name: "orders" });

        const index = indexOf([first, second]);

        assert.equal(index.findQueueByName("orders")?.name, "first");
    });

    it("links a redrive to a queue whose known ARN is not in AWS's form (a local emulator's)", () => {
        const emulatorArn = "arn:aws:sqs:elasticmq:000000000000:orders-dlq";
        const dlq = fakeResource(aws.sqs.Queue, "orders-dlq", { arn: emulatorArn });
        const queue = fakeResource(aws.sqs.Queue, "orders", {
            redrivePolicy: JSON.stringify({ deadLetterTargetArn: emulatorArn, maxReceiveCount: 5 }),
        });

        const index = indexOf([dlq, queue]);

        assert.equal(target(index.redrives[0]?.deadLetter), "orders-dlq");
    });
});

describe("stack index edges: functions and roles by ARN", () => {
    it("finds a function by its known ARN when its name is not known", () => {
        const fn = fakeResource(aws.lambda.Function, "pager-fn", { arn: functionArn("pager-fn-1a2b"), role: "r" });
        const mapping = fakeResource(aws.lambda.EventSourceMapping, "m", {
            eventSourceArn: queueArn("orders"),
            functionName: functionArn("pager-fn-1a2b"),
        });

        const index = indexOf([fn, mapping]);

        assert.equal(target(index.mappings[0].function), "pager-fn");
    });

    it("finds a role by its known ARN when its name is not known", () => {
        const role = fakeResource(aws.iam.Role, "pager-role", { arn: roleArn("pager-role-1a2b"), assumeRolePolicy: "{}" });
        const fn = fakeResource(aws.lambda.Function, "pager-fn", { role: roleArn("pager-role-1a2b") });

        const index = indexOf([role, fn]);

        assert.equal(target(index.roleOf(index.ofType(fn.type)[0])), "pager-role");
    });

    it("links a function to its role by the known role name when no dependency is recorded", () => {
        const role = fakeResource(aws.iam.Role, "pager-role", { name: "pager-role", assumeRolePolicy: "{}" });
        const fn = fakeResource(aws.lambda.Function, "pager-fn", { role: roleArn("pager-role") });

        const index = indexOf([role, fn]);

        assert.equal(target(index.roleOf(index.ofType(fn.type)[0])), "pager-role");
    });

    it("links a function to its role through the role's property dependency when the ARN is unknown", () => {
        const role = fakeResource(aws.iam.Role, "pager-role", { assumeRolePolicy: "{}" });
        const fn = fakeResource(aws.lambda.Function, "pager-fn", { role: UNKNOWN }, { propertyDependencies: { role: [role] } });

        const index = indexOf([role, fn]);

        assert.equal(target(index.roleOf(index.ofType(fn.type)[0])), "pager-role");
    });

    it("calls a role ARN outside the stack external", () => {
        const fn = fakeResource(aws.lambda.Function, "pager-fn", { role: roleArn("elsewhere") });

        const index = indexOf([fn]);

        assert.equal(target(index.roleOf(index.ofType(fn.type)[0])), "external");
    });
});

describe("stack index edges: references with no dependency to follow", () => {
    it("leads nowhere from an empty event source ARN", () => {
        const mapping = fakeResource(aws.lambda.EventSourceMapping, "m", { eventSourceArn: "", functionName: "f" });

        const index = indexOf([mapping]);

        assert.deepEqual(index.mappings[0].queue, { kind: "absent" });
    });

    it("stays unknown when the engine says the value came from a stream and from another stack", () => {
        const stream = fakeResource(aws.kinesis.Stream, "clicks", { name: "clicks", shardCount: 1 });
        const mapping = fakeResource(
            aws.lambda.EventSourceMapping,
            "m",
            { eventSourceArn: UNKNOWN, functionName: "f" },
            { propertyDependencies: { eventSourceArn: [stream, stackReference] } },
        );

        const index = indexOf([stream, stackReference, mapping]);

        assert.equal(target(index.mappings[0].queue), "unknown");
    });

    it("stays unknown when an unknown function name came from two functions", () => {
        const a = fakeResource(aws.lambda.Function, "a", { name: "a", role: "r" });
        const b = fakeResource(aws.lambda.Function, "b", { name: "b", role: "r" });
        const mapping = fakeResource(
            aws.lambda.EventSourceMapping,
            "m",
            { eventSourceArn: queueArn("orders"), functionName: UNKNOWN },
            { propertyDependencies: { functionName: [a, b] } },
        );

        const index = indexOf([a, b, mapping]);

        assert.equal(target(index.mappings[0].function), "unknown");
    });

    it("links by value a resource sent without any dependencies (an older producer)", () => {
        const lane = buildLane();

        const index = indexOf(lane.resources, withoutDependencies);

        assert.deepEqual(
            [target(index.mappings[0].queue), target(index.mappings[0].function), target(index.roleOf(index.ofType(lane.fn.type)[0]))],
            ["pager", "pager-fn", "pager-role"],
        );
    });

    it("follows an alias whose function is named by value", () => {
        const lane = buildLane();
        const [alias, mapping] = aliasByValueAndMapping();

        const index = indexOf([lane.fn, alias, mapping]);

        assert.equal(target(index.mappings[0].function), "pager-fn");
    });

    it("follows an alias when the unknown function name also depends on something else", () => {
        const lane = buildLane();
        const [alias, mapping] = aliasByValueAndMapping([stackReference]);

        const index = indexOf([lane.fn, alias, stackReference, mapping]);

        assert.equal(target(index.mappings[0].function), "pager-fn");
    });
});

describe("stack index edges: consumer functions", () => {
    it("counts the function of a mapping on an SQS queue outside the stack", () => {
        const fn = fakeResource(aws.lambda.Function, "pager-fn", { name: "pager-fn", role: "r" });
        const mapping = fakeResource(aws.lambda.EventSourceMapping, "m", {
            eventSourceArn: queueArn("elsewhere"),
            functionName: "pager-fn",
        });

        const index = indexOf([fn, mapping]);

        assert.deepEqual(names(index.consumerFunctions), ["pager-fn"]);
    });

    it("does not count the function of a mapping on a Kinesis stream", () => {
        const fn = fakeResource(aws.lambda.Function, "pager-fn", { name: "pager-fn", role: "r" });
        const mapping = fakeResource(aws.lambda.EventSourceMapping, "m", {
            eventSourceArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks",
            functionName: "pager-fn",
        });

        const index = indexOf([fn, mapping]);

        assert.deepEqual(names(index.consumerFunctions), []);
    });

    it("counts no function for a mapping whose function is outside the stack", () => {
        const queue = fakeResource(aws.sqs.Queue, "orders", { name: "orders" });
        const mapping = fakeResource(aws.lambda.EventSourceMapping, "m", { eventSourceArn: queueArn("orders"), functionName: "elsewhere" });

        const index = indexOf([queue, mapping]);

        assert.deepEqual(names(index.consumerFunctions), []);
    });
});

describe("stack index edges: redrives", () => {
    it("finds the redrive into a dead-letter queue", () => {
        const lane = buildLane();

        const index = indexOf(lane.resources);
        const [dlq] = index.ofType(lane.dlq.type).filter((queue) => queue.name === "pager-dlq");

        assert.deepEqual(
            index.redrivesInto(dlq).map((edge) => edge.holder.name),
            ["pager"],
        );
    });

    it("finds no redrive into a queue nobody redrives to", () => {
        const lane = buildLane();

        const index = indexOf(lane.resources);
        const [queue] = index.ofType(lane.queue.type).filter((q) => q.name === "pager");

        assert.deepEqual(index.redrivesInto(queue), []);
    });

    it("reads an aws.sqs.RedrivePolicy without a redrive policy as no redrive", () => {
        const queue = fakeResource(aws.sqs.Queue, "orders", { name: "orders" });
        const holder = fakeResource(aws.sqs.RedrivePolicy, "orders-redrive", { queueUrl: queueUrl("orders"), redrivePolicy: "" });

        const index = indexOf([queue, holder]);

        assert.deepEqual(index.redrives, []);
    });

    it("reads a redrive policy left unset by the program (unknown, no dependency) as no redrive", () => {
        const role = fakeResource(aws.iam.Role, "r", { assumeRolePolicy: "{}" });
        const queue = fakeResource(
            aws.sqs.Queue,
            "orders",
            { redrivePolicy: UNKNOWN, policy: UNKNOWN },
            { propertyDependencies: { policy: [role] } },
        );

        const index = indexOf([role, queue]);

        assert.deepEqual(index.redrives, []);
    });

    it("reports no unresolved dead-letter reference when every reference is known", () => {
        const lane = buildLane();

        const index = indexOf(lane.resources);

        assert.deepEqual(index.unresolvedDeadLetterReferences, []);
    });
});

describe("stack index edges: resources that name no dead-letter queue", () => {
    const topic = fakeResource(aws.sns.Topic, "alerts", { name: "alerts" });
    const cases: readonly [string, FakeResource][] = [
        [
            "a FunctionEventInvokeConfig with only an on-success destination",
            fakeResource(aws.lambda.FunctionEventInvokeConfig, "invoke", {
                functionName: "f",
                destinationConfig: { onSuccess: { destination: "arn:aws:sns:eu-west-1:123456789012:alerts" } },
            }),
        ],
        [
            "a FunctionEventInvokeConfig without destinations",
            fakeResource(aws.lambda.FunctionEventInvokeConfig, "invoke-bare", { functionName: "f" }),
        ],
        [
            "a stream mapping with only an on-success destination",
            fakeResource(aws.lambda.EventSourceMapping, "stream-mapping", {
                eventSourceArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks",
                functionName: "f",
                destinationConfig: {},
            }),
        ],
        [
            "an SNS subscription without a redrive policy",
            fakeResource(aws.sns.TopicSubscription, "sub", { topic: "alerts", protocol: "sqs", endpoint: queueArn("q") }),
        ],
        [
            "an EventBridge target without a deadLetterConfig",
            fakeResource(aws.cloudwatch.EventTarget, "target", { rule: "r", arn: queueArn("q") }),
        ],
        [
            "a Scheduler schedule without a target",
            fakeResource(aws.scheduler.Schedule, "schedule-no-target", { scheduleExpression: "rate(1 hour)" }),
        ],
        [
            "a Scheduler schedule whose target has no deadLetterConfig",
            fakeResource(aws.scheduler.Schedule, "schedule", {
                scheduleExpression: "rate(1 hour)",
                target: { arn: queueArn("q"), roleArn: "r" },
            }),
        ],
        [
            "a pipe without source parameters",
            fakeResource(aws.pipes.Pipe, "pipe-bare", { source: queueArn("q"), target: queueArn("t"), roleArn: "r" }),
        ],
        [
            "a pipe with SQS source parameters",
            fakeResource(aws.pipes.Pipe, "pipe-sqs", {
                source: queueArn("q"),
                target: queueArn("t"),
                roleArn: "r",
                sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
            }),
        ],
        [
            "a pipe with Kinesis source parameters but no deadLetterConfig",
            fakeResource(aws.pipes.Pipe, "pipe-kinesis", {
                source: "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks",
                target: queueArn("t"),
                roleArn: "r",
                sourceParameters: { kinesisStreamParameters: { startingPosition: "LATEST" } },
            }),
        ],
        [
            "a pipe with DynamoDB source parameters but no deadLetterConfig",
            fakeResource(aws.pipes.Pipe, "pipe-dynamodb", {
                source: "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/1",
                target: queueArn("t"),
                roleArn: "r",
                sourceParameters: { dynamodbStreamParameters: { startingPosition: "LATEST" } },
            }),
        ],
    ];
    for (const [what, holder] of cases) {
        it(`reads ${what} as naming no dead-letter queue`, () => {
            const queue = fakeResource(aws.sqs.Queue, "q", { name: "q" });

            const index = indexOf([queue, topic, holder]);

            assert.deepEqual([names(index.deadLetterQueues), index.unresolvedDeadLetterReferences], [[], []]);
        });
    }
});

describe("stack index edges: redriveAllowPolicy", () => {
    const source = queueArn("orders");

    it("does not make a queue a dead-letter queue with byQueue and no sources", () => {
        const queue = fakeResource(aws.sqs.Queue, "q", {
            name: "q",
            redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [] }),
        });

        const index = indexOf([queue]);

        assert.deepEqual(names(index.deadLetterQueues), []);
    });

    it("does not make a queue a dead-letter queue with denyAll", () => {
        const queue = fakeResource(aws.sqs.Queue, "q", { name: "q", redriveAllowPolicy: JSON.stringify({ redrivePermission: "denyAll" }) });

        const index = indexOf([queue]);

        assert.deepEqual(names(index.deadLetterQueues), []);
    });

    it("reads an aws.sqs.RedriveAllowPolicy with an empty policy as naming no source", () => {
        const queue = fakeResource(aws.sqs.Queue, "q", { name: "q" });
        const holder = fakeResource(aws.sqs.RedriveAllowPolicy, "q-allow", { queueUrl: queueUrl("q"), redriveAllowPolicy: "" });

        const index = indexOf([queue, holder]);

        assert.deepEqual(names(index.deadLetterQueues), []);
    });

    it("does not make a queue a dead-letter queue when its redriveAllowPolicy is unknown", () => {
        const role = fakeResource(aws.iam.Role, "r", { assumeRolePolicy: "{}" });
        const queue = fakeResource(
            aws.sqs.Queue,
            "q",
            { name: "q", redriveAllowPolicy: UNKNOWN },
            { propertyDependencies: { redriveAllowPolicy: [role] } },
        );

        const index = indexOf([role, queue]);

        assert.deepEqual(names(index.deadLetterQueues), []);
    });

    it("reads a redriveAllowPolicy left unset by the program (unknown, no dependency) as none", () => {
        const lane = buildLane({ queue: { redriveAllowPolicy: UNKNOWN } });

        const index = indexOf(lane.resources);

        assert.deepEqual(names(index.deadLetterQueues), ["pager-dlq"]);
    });

    it("gives a queue without a redriveAllowPolicy none", () => {
        const queue = fakeResource(aws.sqs.Queue, "q", { name: "q" });

        const index = indexOf([queue]);

        assert.deepEqual(index.redriveAllowOf(index.ofType(queue.type)[0]), []);
    });

    it("gives each queue only the redriveAllowPolicies that govern it", () => {
        const a = fakeResource(aws.sqs.Queue, "a", { name: "a" });
        const b = fakeResource(aws.sqs.Queue, "b", { name: "b" });
        const policy = JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [source] });
        const forA = fakeResource(aws.sqs.RedriveAllowPolicy, "a-allow", { queueUrl: queueUrl("a"), redriveAllowPolicy: policy });
        const forB = fakeResource(aws.sqs.RedriveAllowPolicy, "b-allow", { queueUrl: queueUrl("b"), redriveAllowPolicy: policy });
        const unknownQueue = fakeResource(
            aws.sqs.RedriveAllowPolicy,
            "shared-allow",
            { queueUrl: UNKNOWN, redriveAllowPolicy: policy },
            { propertyDependencies: { queueUrl: [stackReference] } },
        );

        const index = indexOf([a, b, forA, forB, stackReference, unknownQueue]);

        assert.deepEqual(
            index.redriveAllowOf(index.ofType(a.type)[0]).map((allow) => allow.holder.name),
            ["a-allow"],
        );
    });

    it("links an aws.sqs.RedriveAllowPolicy whose queue URL is unknown through its queueUrl dependency", () => {
        const queue = fakeResource(aws.sqs.Queue, "q", { name: "q" });
        const holder = fakeResource(
            aws.sqs.RedriveAllowPolicy,
            "q-allow",
            { queueUrl: UNKNOWN, redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [source] }) },
            { propertyDependencies: { queueUrl: [queue] } },
        );

        const index = indexOf([queue, holder]);

        assert.deepEqual(names(index.deadLetterQueues), ["q"]);
    });
});

describe("stack index edges: where a reference outside the stack points", () => {
    it("places nothing for a reference that is no ARN", () => {
        const index = indexOf(buildLane().resources);

        assert.equal(index.elsewhere("orders"), undefined);
    });

    it("places nothing for a reference in this stack's account and region", () => {
        const index = indexOf(buildLane().resources);

        assert.equal(index.elsewhere(queueArn("elsewhere")), undefined);
    });

    it("places nothing when no resource of the stack has a known ARN", () => {
        const queue = fakeResource(aws.sqs.Queue, "q", { name: "q" });
        const other = fakeResource(aws.sqs.Queue, "odd", { name: "odd", arn: "" });

        const index = indexOf([queue, other]);

        assert.equal(index.elsewhere("arn:aws:sqs:us-east-1:999999999999:elsewhere"), undefined);
    });

    it("names both the account and the region when both differ", () => {
        const index = indexOf(buildLane().resources);

        assert.equal(
            index.elsewhere("arn:aws:sqs:us-east-1:999999999999:elsewhere"),
            "in account 999999999999, not this stack's 123456789012 and in region us-east-1, not this stack's eu-west-1",
        );
    });

    it("lists every account and region of the stack", () => {
        const a = fakeResource(aws.sqs.Queue, "a", { arn: "arn:aws:sqs:eu-west-1:111111111111:a" });
        const b = fakeResource(aws.sqs.Queue, "b", { arn: "arn:aws:sqs:eu-central-1:222222222222:b" });

        const index = indexOf([a, b]);

        assert.equal(
            index.elsewhere("arn:aws:sqs:us-east-1:999999999999:elsewhere"),
            "in account 999999999999, not this stack's 111111111111, 222222222222 and in region us-east-1, not this stack's eu-west-1, eu-central-1",
        );
    });
});

describe("stack index edges: alarms", () => {
    const depth = { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible" };

    it("links a metric-query alarm whose dimension is unknown through its metricQueries dependency", () => {
        const queue = fakeResource(aws.sqs.Queue, "q", { name: "q" });
        const alarm = fakeResource(
            aws.cloudwatch.MetricAlarm,
            "depth",
            {
                comparisonOperator: "GreaterThanThreshold",
                evaluationPeriods: 1,
                metricQueries: [
                    { id: "m", returnData: true, metric: { ...depth, period: 60, stat: "Maximum", dimensions: { QueueName: UNKNOWN } } },
                ],
            },
            { propertyDependencies: { metricQueries: [queue] } },
        );

        const index = indexOf([queue, alarm]);

        assert.deepEqual(names(index.depthAlarms.byTarget.get(queue.urn)), ["depth"]);
    });

    it("keeps an alarm whose metric queries are unknown as unresolved", () => {
        const alarm = fakeResource(
            aws.cloudwatch.MetricAlarm,
            "depth",
            { comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, metricQueries: UNKNOWN },
            { propertyDependencies: { metricQueries: [stackReference] } },
        );

        const index = indexOf([stackReference, alarm]);

        assert.deepEqual(unresolvedOf(index.depthAlarms), [["depth", "metricQueries"]]);
    });

    it("keeps an alarm whose metric namespace is unknown as unresolved", () => {
        const alarm = fakeResource(
            aws.cloudwatch.MetricAlarm,
            "depth",
            {
                comparisonOperator: "GreaterThanThreshold",
                evaluationPeriods: 1,
                metricQueries: [{ id: "m", metric: { namespace: UNKNOWN, metricName: depth.metricName, period: 60, stat: "Maximum" } }],
            },
            { propertyDependencies: { metricQueries: [stackReference] } },
        );

        const index = indexOf([stackReference, alarm]);

        assert.deepEqual(unresolvedOf(index.depthAlarms), [["depth", "metricQueries.0.metric.namespace"]]);
    });

    it("does not take the same metric name in another namespace for a queue's depth", () => {
        const queue = fakeResource(aws.sqs.Queue, "q", { name: "q" });
        const alarm = fakeResource(aws.cloudwatch.MetricAlarm, "custom", {
            comparisonOperator: "GreaterThanThreshold",
            evaluationPeriods: 1,
            namespace: "Custom/SQS",
            metricName: depth.metricName,
            dimensions: { QueueName: "q" },
        });

        const index = indexOf([queue, alarm]);

        assert.equal(index.depthAlarms.byTarget.size, 0);
    });

    it("links a depth alarm without dimensions to no queue", () => {
        const alarm = fakeResource(aws.cloudwatch.MetricAlarm, "no-dimensions", {
            comparisonOperator: "GreaterThanThreshold",
            evaluationPeriods: 1,
            ...depth,
        });

        const index = indexOf([alarm]);

        assert.deepEqual([index.depthAlarms.byTarget.size, index.depthAlarms.unresolved.length], [0, 0]);
    });

    it("links no depth alarm on a queue name outside the stack", () => {
        const alarm = fakeResource(aws.cloudwatch.MetricAlarm, "elsewhere", {
            comparisonOperator: "GreaterThanThreshold",
            evaluationPeriods: 1,
            ...depth,
            dimensions: { QueueName: "elsewhere" },
        });

        const index = indexOf([alarm]);

        assert.deepEqual([index.depthAlarms.byTarget.size, index.depthAlarms.unresolved.length], [0, 0]);
    });
});

describe("stack index edges: a function's log group", () => {
    const logGroupOf = (resources: readonly FakeResource[], fn: FakeResource) => {
        const index = indexOf(resources);
        return index.logGroupOf(index.ofType(fn.type).filter((r) => r.name === fn.name)[0]);
    };

    it("links the configured log group by its name when no dependency is recorded", () => {
        const group = fakeResource(aws.cloudwatch.LogGroup, "custom", { name: "custom-logs" });
        const fn = fakeResource(aws.lambda.Function, "f", {
            name: "f",
            role: "r",
            loggingConfig: { logFormat: "JSON", logGroup: "custom-logs" },
        });

        assert.equal(target(logGroupOf([group, fn], fn)), "custom");
    });

    it("calls a configured log group the stack does not declare external", () => {
        const fn = fakeResource(aws.lambda.Function, "f", {
            name: "f",
            role: "r",
            loggingConfig: { logFormat: "JSON", logGroup: "shared-logs" },
        });

        assert.deepEqual(logGroupOf([fn], fn), { kind: "external", reference: "shared-logs" });
    });

    it("links Lambda's default log group when none is configured", () => {
        const group = fakeResource(aws.cloudwatch.LogGroup, "default", { name: "/aws/lambda/f" });
        const fn = fakeResource(aws.lambda.Function, "f", { name: "f", role: "r" });

        assert.deepEqual(target(logGroupOf([group, fn], fn)), "default");
    });

    it("keeps the log group unknown when the function's name is unknown", () => {
        const fn = fakeResource(
            aws.lambda.Function,
            "f",
            { name: UNKNOWN, role: "r" },
            { propertyDependencies: { name: [stackReference] } },
        );

        assert.deepEqual(logGroupOf([stackReference, fn], fn), { kind: "unknown", path: "name" });
    });
});

describe("stack index edges: role policies", () => {
    it("groups nothing in a stack without role policies", () => {
        const index = indexOf([]);

        assert.deepEqual([index.rolePolicies.byTarget.size, index.rolePolicies.unresolved.length], [0, 0]);
    });

    it("groups a PolicyAttachment under each role its roles depend on, and nothing else", () => {
        const a = fakeResource(aws.iam.Role, "a", { assumeRolePolicy: "{}" });
        const b = fakeResource(aws.iam.Role, "b", { assumeRolePolicy: "{}" });
        const attachment = fakeResource(
            aws.iam.PolicyAttachment,
            "attach",
            { policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", roles: UNKNOWN },
            { propertyDependencies: { roles: [a, b, stackReference] } },
        );

        const index = indexOf([a, b, stackReference, attachment]);

        assert.deepEqual(
            [...index.rolePolicies.byTarget.entries()].map(([urn, holders]) => [urn, names(holders)]),
            [
                [a.urn, ["attach"]],
                [b.urn, ["attach"]],
            ],
        );
    });

    it("groups a PolicyAttachment by its role names when it is sent without dependencies (an older producer)", () => {
        const role = fakeResource(aws.iam.Role, "pager-role", { name: "pager-role", assumeRolePolicy: "{}" });
        const attachment = fakeResource(aws.iam.PolicyAttachment, "attach", {
            policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
            roles: ["pager-role"],
        });

        const index = indexOf([role, attachment], withoutDependencies);

        assert.deepEqual(names(index.rolePolicies.byTarget.get(role.urn)), ["attach"]);
    });

    it("keeps a PolicyAttachment whose roles came from another stack unresolved", () => {
        const attachment = fakeResource(
            aws.iam.PolicyAttachment,
            "attach",
            { policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", roles: UNKNOWN },
            { propertyDependencies: { roles: [stackReference] } },
        );

        const index = indexOf([stackReference, attachment]);

        assert.deepEqual(unresolvedOf(index.rolePolicies), [["attach", "roles"]]);
    });
});
