/**
 * Stack entry: read the stack's config, build the pipeline, export what operators and the DLQ
 * command need. All settings logic lives in pipeline/; this file only wires config to it.
 */
import * as pulumi from "@pulumi/pulumi";
import { EscalationPipeline } from "./pipeline";
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

const { escalation, toolCall } = pipeline.lanes;

export const escalationQueueUrl = escalation.queueUrl;
export const escalationQueueArn = escalation.queueArn;
export const escalationDeadLetterQueueUrl = escalation.deadLetterQueueUrl;
export const escalationDeadLetterQueueArn = escalation.deadLetterQueueArn;
export const escalationFunctionName = escalation.function.name;
export const toolCallQueueUrl = toolCall.queueUrl;
export const toolCallQueueArn = toolCall.queueArn;
export const toolCallDeadLetterQueueUrl = toolCall.deadLetterQueueUrl;
export const toolCallDeadLetterQueueArn = toolCall.deadLetterQueueArn;
export const toolCallFunctionName = toolCall.function.name;
export const alarmTopicArn = pipeline.alarmTopic.arn;
export const idempotencyTableName = pipeline.idempotencyTable.name;
export const payloadBucketName = pipeline.payloadBucket.bucket;
export const dlqAuditLogGroupName = pipeline.dlqAuditLogGroup.name;
