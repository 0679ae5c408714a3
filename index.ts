/**
 * Stack entry: read the stack's config, build the pipeline, export what operators and the DLQ
 * command need. All settings logic lives in pipeline/; this file only wires config to it.
 */
import * as pulumi from "@pulumi/pulumi";
import { EscalationPipeline } from "./pipeline";
import { LANE_NAMES, type LaneOutputField, LaneOutputFields, laneOutputKey } from "./pipeline/lanes";
import { ProgramConfigKeys, readProgramConfig } from "./pipeline/stack-config";

const config = new pulumi.Config();
// One reader for the program, the gate and the local runtime; an unread key stops here, before any resource.
const { options, namePrefix, tags } = readProgramConfig(pulumi.runtime.allConfig(), pulumi.getProject());

const pipeline = new EscalationPipeline("main", {
    options,
    optionsKey: ProgramConfigKeys.pipeline,
    namePrefix,
    pagerDutyRoutingKey: config.getSecret(ProgramConfigKeys.pagerDutyRoutingKey),
    slackWebhookUrl: config.getSecret(ProgramConfigKeys.slackWebhookUrl),
    tags,
});

// Per lane: queue, DLQ and function, under the keys pipeline/lanes.ts derives (`escalationQueueUrl`...),
// which the DLQ tools and the console read back (local/stack-outputs.ts).
const laneOutputs = Object.fromEntries(
    LANE_NAMES.flatMap((laneName) => {
        const lane = pipeline.lanes[laneName];
        const values: Record<LaneOutputField, pulumi.Output<string>> = {
            queueUrl: lane.queueUrl,
            queueArn: lane.queueArn,
            deadLetterQueueUrl: lane.deadLetterQueueUrl,
            deadLetterQueueArn: lane.deadLetterQueueArn,
            functionName: lane.function.name,
        };
        return LaneOutputFields.map((field) => [laneOutputKey(laneName, field), values[field]] as const);
    }),
);

// The module's exports are the stack outputs (as with named exports; this form lets the lane table decide the keys).
export = {
    ...laneOutputs,
    alarmTopicArn: pipeline.alarmTopic.arn,
    idempotencyTableName: pipeline.idempotencyTable.name,
    payloadBucketName: pipeline.payloadBucket.bucket,
    dlqAuditLogGroupName: pipeline.dlqAuditLogGroup.name,
};
