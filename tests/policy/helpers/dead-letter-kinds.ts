// One resource per kind of reference that makes an SQS queue a dead-letter (or failure) queue of
// something other than an SQS redrive, each pointing at the queue whose ARN it is given, so a
// policy test can show that every kind counts.
import * as aws from "@pulumi/aws";
import { fakeResource, FakeResource, FakeLinks } from "./args";
import { functionArn, queueArn, queueUrl, roleArn } from "./lane";

/** A standalone queue with no redrive of its own, e.g. a Lambda's failure queue. */
export function failureQueue(name = "failures"): FakeResource {
    return fakeResource(aws.sqs.Queue, name, {
        name,
        arn: queueArn(name),
        url: queueUrl(name),
        messageRetentionSeconds: 1_209_600,
        sqsManagedSseEnabled: true,
    });
}

/** A resource that names `arn` as its dead-letter or failure queue, with the property that holds it. */
export interface DeadLetterHolder {
    /** The top-level property the engine records the queue's dependency under. */
    readonly property: string;
    readonly build: (arn: string, links?: FakeLinks) => FakeResource;
}

const holders: Readonly<Record<string, DeadLetterHolder["build"]>> = {
    "a Lambda function's deadLetterConfig": (arn, links) =>
        fakeResource(
            aws.lambda.Function,
            "async-fn",
            {
                name: "async-fn",
                arn: functionArn("async-fn"),
                role: roleArn("async-role"),
                runtime: "nodejs22.x",
                deadLetterConfig: { targetArn: arn },
            },
            links,
        ),
    "a FunctionEventInvokeConfig on-failure destination": (arn, links) =>
        fakeResource(
            aws.lambda.FunctionEventInvokeConfig,
            "async-invoke",
            {
                functionName: "async-fn",
                destinationConfig: { onFailure: { destination: arn } },
            },
            links,
        ),
    "a stream mapping's destinationConfig.onFailure": (arn, links) =>
        fakeResource(
            aws.lambda.EventSourceMapping,
            "stream-mapping",
            {
                eventSourceArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks",
                functionName: "async-fn",
                startingPosition: "LATEST",
                destinationConfig: { onFailure: { destinationArn: arn } },
            },
            links,
        ),
    "an SNS subscription's redrivePolicy": (arn, links) =>
        fakeResource(
            aws.sns.TopicSubscription,
            "alerts-subscription",
            {
                topic: "arn:aws:sns:eu-west-1:123456789012:alerts",
                protocol: "lambda",
                endpoint: functionArn("async-fn"),
                redrivePolicy: typeof arn === "string" && arn.startsWith("arn:") ? JSON.stringify({ deadLetterTargetArn: arn }) : arn,
            },
            links,
        ),
    "an EventBridge target's deadLetterConfig": (arn, links) =>
        fakeResource(
            aws.cloudwatch.EventTarget,
            "nightly-target",
            {
                rule: "nightly",
                arn: functionArn("async-fn"),
                deadLetterConfig: { arn },
            },
            links,
        ),
    "a Scheduler schedule's deadLetterConfig": (arn, links) =>
        fakeResource(
            aws.scheduler.Schedule,
            "hourly",
            {
                flexibleTimeWindow: { mode: "OFF" },
                scheduleExpression: "rate(1 hour)",
                target: { arn: functionArn("async-fn"), roleArn: roleArn("scheduler"), deadLetterConfig: { arn } },
            },
            links,
        ),
    "a Pipe's dead-letter config": (arn, links) =>
        fakeResource(
            aws.pipes.Pipe,
            "clicks-pipe",
            {
                roleArn: roleArn("pipe"),
                source: "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks",
                target: functionArn("async-fn"),
                sourceParameters: { kinesisStreamParameters: { startingPosition: "LATEST", deadLetterConfig: { arn } } },
            },
            links,
        ),
};

const properties: Readonly<Record<string, string>> = {
    "a Lambda function's deadLetterConfig": "deadLetterConfig",
    "a FunctionEventInvokeConfig on-failure destination": "destinationConfig",
    "a stream mapping's destinationConfig.onFailure": "destinationConfig",
    "an SNS subscription's redrivePolicy": "redrivePolicy",
    "an EventBridge target's deadLetterConfig": "deadLetterConfig",
    "a Scheduler schedule's deadLetterConfig": "target",
    "a Pipe's dead-letter config": "sourceParameters",
};

/** Every kind of holder, by a description for test names. */
export const deadLetterHolders: Readonly<Record<string, DeadLetterHolder>> = Object.fromEntries(
    Object.entries(holders).map(([kind, build]) => [kind, { property: properties[kind], build }]),
);
