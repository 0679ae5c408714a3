/**
 * Where the DLQ command points: the lanes' queues (from stack outputs or flags) and an SQS client
 * for AWS (default credential chain) or for the local emulator.
 */
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { type LaneName, Lanes } from "../../pipeline/pipeline-settings";
import { UsageError } from "../cli/arguments";
import { EMULATOR_CREDENTIALS } from "../emulators";
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
}

const LANES = Object.keys(Lanes) as LaneName[];

export async function resolveDlqTargets(flags: DlqTargetFlags, defaultOutputsFile: string): Promise<DlqTargets> {
    if ((flags.dlqUrl === undefined) !== (flags.queueUrl === undefined)) {
        throw new UsageError("'--dlq-url' and '--queue-url' go together: the DLQ and the source queue it redrives to");
    }
    // With explicit queue URLs the outputs are optional; when given they still name the endpoint and region.
    const outputs = flags.dlqUrl === undefined || flags.outputs !== undefined ? readStackOutputs(flags.outputs ?? defaultOutputsFile) : {};
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
        return { sqs, lanes: [{ lane: "custom", queueUrl: flags.queueUrl, queueArn, deadLetterQueueUrl: flags.dlqUrl, deadLetterQueueArn }] };
    }
    const lanes = flags.lane === "all" ? LANES : [flags.lane];
    return { sqs, lanes: lanes.map((lane) => ({ lane, ...laneQueuesFromOutputs(outputs, lane) })) };
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
