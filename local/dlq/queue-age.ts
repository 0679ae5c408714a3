/**
 * The age of a queue's oldest message, read without receiving: a receive would hide messages from
 * the consumers and count toward maxReceiveCount. SQS has no such queue attribute; AWS publishes
 * it as the CloudWatch metric ApproximateAgeOfOldestMessage (one-minute resolution, a minute or
 * two behind), and fauxqs has a non-destructive inspection endpoint.
 */
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";

export interface QueueAgeReader {
    /** Seconds since the oldest message was sent; undefined when the queue is empty or the age is unknown. */
    oldestAgeSeconds(queueUrl: string): Promise<number | undefined>;
}

export const queueNameOf = (queueUrl: string): string => queueUrl.split("/").pop() ?? queueUrl;

interface InspectedMessage {
    readonly sentTimestamp?: number;
}

/** fauxqs: `GET <endpoint>/_fauxqs/queues/<name>` lists ready, delayed and in-flight messages. */
export class FauxqsQueueAgeReader implements QueueAgeReader {
    constructor(private readonly endpoint: string) {}

    async oldestAgeSeconds(queueUrl: string): Promise<number | undefined> {
        const response = await fetch(`${this.endpoint}/_fauxqs/queues/${encodeURIComponent(queueNameOf(queueUrl))}`);
        if (!response.ok) {
            return undefined;
        }
        const inspected = (await response.json()) as {
            messages?: { ready?: InspectedMessage[]; delayed?: InspectedMessage[]; inflight?: { message?: InspectedMessage }[] };
        };
        const sent = [
            ...(inspected.messages?.ready ?? []),
            ...(inspected.messages?.delayed ?? []),
            ...(inspected.messages?.inflight ?? []).map((entry) => entry.message ?? {}),
        ]
            .map((message) => message.sentTimestamp)
            .filter((time): time is number => typeof time === "number");
        return sent.length === 0 ? undefined : Math.max(0, Math.round((Date.now() - Math.min(...sent)) / 1000));
    }
}

/** AWS: the latest one-minute Maximum of ApproximateAgeOfOldestMessage (needs cloudwatch:GetMetricStatistics). */
export class CloudWatchQueueAgeReader implements QueueAgeReader {
    constructor(private readonly cloudWatch: Pick<CloudWatchClient, "send">) {}

    async oldestAgeSeconds(queueUrl: string): Promise<number | undefined> {
        const now = Date.now();
        const { Datapoints = [] } = await this.cloudWatch.send(
            new GetMetricStatisticsCommand({
                Namespace: "AWS/SQS",
                MetricName: "ApproximateAgeOfOldestMessage",
                Dimensions: [{ Name: "QueueName", Value: queueNameOf(queueUrl) }],
                StartTime: new Date(now - 10 * 60_000),
                EndTime: new Date(now),
                Period: 60,
                Statistics: ["Maximum"],
            }),
        );
        const latest = [...Datapoints].sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0))[0];
        return latest?.Maximum;
    }
}
