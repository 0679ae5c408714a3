/**
 * Where the DLQ command points: the lanes' queues (from stack outputs or flags) and an SQS client
 * for AWS (default credential chain) or for the local emulator.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import * as path from "node:path";
import { type LaneName, Lanes } from "../../pipeline/pipeline-settings";
import { UsageError } from "../cli/arguments";
import { EMULATOR_CREDENTIALS } from "../emulators";
import { CloudWatchLogsAuditTrail, defaultOperator, JsonlAuditTrail } from "./audit";
import { DlqOperations } from "./operations";
import { CloudWatchQueueAgeReader, FauxqsQueueAgeReader } from "./queue-age";
import { isQueueMissing, QueueNotFoundError } from "./redrive";
import { type LaneQueues, laneQueuesFromOutputs, LocalOutputKey, readStackOutputs } from "../stack-outputs";

export interface DlqTargetFlags {
    readonly outputs?: string;
    readonly lane: LaneName | "all";
    readonly dlqUrl?: string;
    readonly queueUrl?: string;
    readonly region?: string;
    readonly endpoint?: string;
}

export interface DlqLaneTarget extends LaneQueues {
    readonly lane: string;
}

export interface DlqTargets {
    readonly sqs: SQSClient;
    readonly lanes: readonly DlqLaneTarget[];
    /** An SQS-compatible endpoint (the local runtime's), when not AWS. */
    readonly endpoint?: string;
    readonly region?: string;
    readonly outputs: Readonly<Record<string, unknown>>;
    /** The outputs file read, when one was. */
    readonly outputsFile?: string;
}

/** The output naming the CloudWatch Logs group the component creates for the DLQ audit trail. */
export const AUDIT_LOG_GROUP_OUTPUT = "dlqAuditLogGroupName";

const LANES = Object.keys(Lanes) as LaneName[];

export async function resolveDlqTargets(flags: DlqTargetFlags, defaultOutputsFile: string): Promise<DlqTargets> {
    if ((flags.dlqUrl === undefined) !== (flags.queueUrl === undefined)) {
        throw new UsageError("'--dlq-url' and '--queue-url' go together: the DLQ and the source queue it redrives to");
    }
    // With explicit queue URLs the outputs are optional; when given they still name the endpoint and region.
    const outputsFile = flags.dlqUrl === undefined || flags.outputs !== undefined ? (flags.outputs ?? defaultOutputsFile) : undefined;
    const outputs = outputsFile === undefined ? {} : readStackOutputs(outputsFile);
    const endpoint = flags.endpoint ?? stringOrUndefined(outputs[LocalOutputKey.sqsEndpoint]);
    const firstUrl = flags.dlqUrl ?? stringOrUndefined(outputs.escalationDeadLetterQueueUrl);
    const region = flags.region ?? stringOrUndefined(outputs[LocalOutputKey.region]) ?? regionOfQueueUrl(firstUrl);
    const sqs = new SQSClient({
        ...(region !== undefined ? { region } : {}),
        ...(endpoint !== undefined ? { endpoint } : {}),
        // An emulator accepts any key; against AWS the SDK's default chain decides.
        ...(endpoint !== undefined && process.env.AWS_ACCESS_KEY_ID === undefined ? { credentials: EMULATOR_CREDENTIALS } : {}),
    });
    if (flags.dlqUrl !== undefined && flags.queueUrl !== undefined) {
        const deadLetterQueueArn = await queueArnOf(sqs, flags.dlqUrl, "DLQ (--dlq-url)");
        const queueArn = await queueArnOf(sqs, flags.queueUrl, "source queue (--queue-url)");
        return {
            sqs,
            endpoint,
            region,
            outputs,
            outputsFile,
            lanes: [{ lane: "custom", queueUrl: flags.queueUrl, queueArn, deadLetterQueueUrl: flags.dlqUrl, deadLetterQueueArn }],
        };
    }
    const lanes = flags.lane === "all" ? LANES : [flags.lane];
    return { sqs, endpoint, region, outputs, outputsFile, lanes: lanes.map((lane) => ({ lane, ...laneQueuesFromOutputs(outputs, lane) })) };
}

export interface OperationsFlags {
    /** Recorded in the audit trail. @default the OS user */
    readonly operator?: string;
    /** A JSONL audit file instead of the default place. */
    readonly auditFile?: string;
}

/**
 * The operations over resolved targets, with the audit trail and age reader that fit where they
 * point: the local runtime (JSONL next to the outputs, fauxqs inspection) or AWS (the stack's
 * CloudWatch Logs group, the CloudWatch age metric; the SDK's default credentials).
 */
export function createDlqOperations(targets: DlqTargets, flags: OperationsFlags = {}): DlqOperations {
    const operator = flags.operator ?? defaultOperator();
    const local = targets.endpoint !== undefined;
    const clientConfig = {
        ...(targets.region !== undefined ? { region: targets.region } : {}),
        ...(local ? { endpoint: targets.endpoint, credentials: EMULATOR_CREDENTIALS } : {}),
    };
    const logGroup = stringOrUndefined(targets.outputs[AUDIT_LOG_GROUP_OUTPUT]);
    const audit =
        flags.auditFile === undefined && !local && logGroup !== undefined
            ? new CloudWatchLogsAuditTrail(new CloudWatchLogsClient(clientConfig), logGroup, operator)
            : new JsonlAuditTrail(
                  flags.auditFile ??
                      path.join(targets.outputsFile === undefined ? process.cwd() : path.dirname(targets.outputsFile), "dlq-audit.jsonl"),
              );
    let s3: S3Client | undefined;
    return new DlqOperations({
        sqs: targets.sqs,
        lanes: targets.lanes,
        audit,
        operator,
        ages: local ? new FauxqsQueueAgeReader(targets.endpoint!) : new CloudWatchQueueAgeReader(new CloudWatchClient(clientConfig)),
        s3: () => (s3 ??= new S3Client({ ...clientConfig, ...(local ? { forcePathStyle: true } : {}) })),
    });
}

/** `https://sqs.eu-west-1.amazonaws.com/123/name` -> eu-west-1 (the SDK needs a region even with full URLs). */
export function regionOfQueueUrl(url: string | undefined): string | undefined {
    return url === undefined ? undefined : /^https?:\/\/sqs\.([a-z0-9-]+)\./.exec(url)?.[1];
}

async function queueArnOf(sqs: SQSClient, queueUrl: string, role: string): Promise<string> {
    let attributes: Record<string, string> | undefined;
    try {
        attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes;
    } catch (error) {
        throw isQueueMissing(error) ? new QueueNotFoundError(queueUrl, role) : error;
    }
    const arn = attributes?.QueueArn;
    if (arn === undefined) {
        throw new Error(`SQS returned no ARN for ${queueUrl}`);
    }
    return arn;
}

function stringOrUndefined(value: unknown): string | undefined {
    return typeof value === "string" && value.length > 0 ? value : undefined;
}
