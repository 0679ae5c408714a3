/**
 * A DLQ message as the on-call human needs to see it: what it was, and why it is here. Our
 * handlers attach the reason in one `dead-letter` attribute and keep every original attribute
 * (handlers/dead-letter.ts reads both back, envelope and offloaded body included); a message
 * SQS moved by itself (its receive count passed maxReceiveCount without the handler acting,
 * e.g. after timeouts) carries none, and is reported as such.
 */
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import { DEAD_LETTER_ATTRIBUTE, deadLetterRecordOf, originalMessageOf } from "../../handlers/dead-letter";
import type { PayloadPointer } from "../../handlers/messages";

export interface DeadLetterReason {
    readonly failureKind: string;
    readonly errorClass: string;
    readonly errorMessage: string;
    readonly firstSeen: string;
    readonly attempts: number;
    readonly handlerVersion: string;
    readonly sourceMessageId: string;
}

export interface DeadLetterEntry {
    readonly messageId: string;
    /** The original body ("" when it is in the payload bucket: see `payload`). */
    readonly body: string;
    /** Where the original body is, when the forward offloaded it (too large for the DLQ with its reason). */
    readonly payload?: PayloadPointer;
    /** Receives while in the DLQ included (SQS carries the count over from the source queue). */
    readonly receiveCount: number;
    readonly sentAt: string;
    /** The producer's message group and deduplication id (FIFO). */
    readonly groupId?: string;
    readonly deduplicationId?: string;
    /** Every attribute the producer sent, the reason excluded. */
    readonly originalAttributes: Readonly<Record<string, MessageAttributeValue>>;
    /** Undefined when SQS itself dead-lettered the message (no handler recorded a reason). */
    readonly reason?: DeadLetterReason;
}

export function isReasonAttribute(name: string): boolean {
    return name === DEAD_LETTER_ATTRIBUTE;
}

export function toDeadLetterEntry(message: Message): DeadLetterEntry {
    const system = message.Attributes ?? {};
    const record = deadLetterRecordOf(message);
    const original = originalMessageOf(message);
    return {
        messageId: message.MessageId ?? "",
        body: original.body ?? "",
        ...(original.payload !== undefined ? { payload: original.payload } : {}),
        receiveCount: Number(system.ApproximateReceiveCount ?? 0),
        sentAt: new Date(Number(system.SentTimestamp ?? 0)).toISOString(),
        groupId: original.groupId,
        deduplicationId: original.deduplicationId,
        originalAttributes: original.attributes as Readonly<Record<string, MessageAttributeValue>>,
        reason:
            record === undefined
                ? undefined
                : {
                      failureKind: record.kind,
                      errorClass: record.errorClass,
                      errorMessage: record.errorMessage,
                      firstSeen: record.firstSeen,
                      attempts: record.attempts,
                      handlerVersion: record.handlerVersion,
                      sourceMessageId: record.sourceMessageId,
                  },
    };
}

/** One line per message for `dlq list`. */
export function describeEntry(entry: DeadLetterEntry, bodyPreviewLength = 80): string {
    const reason = entry.reason
        ? `${entry.reason.failureKind} after ${entry.reason.attempts} attempt(s): ${entry.reason.errorClass}: ${entry.reason.errorMessage}`
        : `no reason recorded: SQS moved it after ${Math.max(0, entry.receiveCount - 1)} receives (timeouts or crashes)`;
    const group = entry.groupId ? ` group ${entry.groupId}` : "";
    const preview = entry.body.length > bodyPreviewLength ? `${entry.body.slice(0, bodyPreviewLength - 3)}...` : entry.body;
    return `${entry.messageId}${group}  ${reason}\n    first seen ${entry.reason?.firstSeen ?? entry.sentAt}, handler ${entry.reason?.handlerVersion ?? "-"}  body ${preview}`;
}
