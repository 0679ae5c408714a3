import type { SQSMessageAttribute, SQSRecord } from "aws-lambda";

/** How many times SQS has handed this message out, this delivery included (1 on the first). */
export function receiveCountOf(record: SQSRecord): number {
    const count = Number(record.attributes.ApproximateReceiveCount);
    return Number.isInteger(count) && count > 0 ? count : 1;
}

/** When SQS first handed the message out, or when it was sent if that is unknown. */
export function firstSeenOf(record: SQSRecord): Date {
    const millis = Number(record.attributes.ApproximateFirstReceiveTimestamp ?? record.attributes.SentTimestamp);
    return Number.isFinite(millis) ? new Date(millis) : new Date();
}

/** A string message attribute in Lambda's event shape, or undefined. */
export function stringAttributeOf(record: SQSRecord, name: string): string | undefined {
    const attribute: SQSMessageAttribute | undefined = record.messageAttributes?.[name];
    return attribute?.stringValue ?? undefined;
}
