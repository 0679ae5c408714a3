import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { LaneName } from "../pipeline/pipeline-settings";
import type { LocalRuntime } from "./runtime";

/** Messages in a queue, by state (approximate, as SQS reports them). */
export interface QueueDepth {
    readonly visible: number;
    readonly inFlight: number;
    readonly delayed: number;
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
    const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
        }),
    );
    return {
        visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    };
}

export const total = (depth: QueueDepth): number => depth.visible + depth.inFlight + depth.delayed;

export interface PipelineSnapshot {
    /** Messages that reached the consumers (first deliveries), whoever sent them: the demo, the soak or any SQS client. */
    readonly arrived: number;
    readonly processed: number;
    readonly retried: number;
    readonly timeouts: number;
    /** Messages in the two DLQs now. */
    readonly deadLettered: number;
    /** Messages in the two source queues now (waiting, in flight or delayed). */
    readonly queued: number;
    readonly pagerDutyEvents: number;
    readonly incidents: number;
    readonly slackPosts: number;
}

/** Counters plus the queues' depths, read now. */
export async function snapshot(runtime: LocalRuntime): Promise<PipelineSnapshot> {
    const lanes = Object.keys(runtime.lanes) as LaneName[];
    const depths = await Promise.all(
        lanes.flatMap((lane) => [
            queueDepth(runtime.sqs, runtime.lanes[lane].queueUrl),
            queueDepth(runtime.sqs, runtime.lanes[lane].deadLetterQueueUrl),
        ]),
    );
    const { stats } = runtime;
    return {
        arrived: stats.escalation.firstDeliveries + stats.toolCall.firstDeliveries,
        processed: stats.escalation.processed + stats.toolCall.processed,
        retried: stats.escalation.retried + stats.toolCall.retried,
        timeouts: stats.escalation.timeouts + stats.toolCall.timeouts,
        queued: depths.filter((_, index) => index % 2 === 0).reduce((sum, depth) => sum + total(depth), 0),
        deadLettered: depths.filter((_, index) => index % 2 === 1).reduce((sum, depth) => sum + total(depth), 0),
        pagerDutyEvents: stats.pagerDutyEvents,
        incidents: runtime.receivers.pagerDuty.incidents.size,
        slackPosts: stats.slackPosts,
    };
}

export function progressLine(s: PipelineSnapshot): string {
    return (
        `arrived ${s.arrived} | processed ${s.processed} | retried ${s.retried} (timeouts ${s.timeouts}) | ` +
        `dead-lettered ${s.deadLettered} | queued ${s.queued} | pages ${s.incidents} incidents, ${s.slackPosts} Slack posts`
    );
}
