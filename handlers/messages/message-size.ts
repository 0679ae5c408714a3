import type { MessageAttributeValue } from "@aws-sdk/client-sqs";

/**
 * How SQS counts a message's size against a queue's maximumMessageSize: the body, plus each
 * attribute's name, data type and value. The producer (offloading) and the dead-letter forward
 * (size-aware copy) both decide with it.
 */
export function messageSize(body: string, attributes: Record<string, MessageAttributeValue>): number {
    let size = Buffer.byteLength(body, "utf8");
    for (const [name, value] of Object.entries(attributes)) {
        size += Buffer.byteLength(name, "utf8") + Buffer.byteLength(value.DataType ?? "", "utf8");
        size += value.StringValue !== undefined ? Buffer.byteLength(value.StringValue, "utf8") : (value.BinaryValue?.byteLength ?? 0);
    }
    return size;
}
