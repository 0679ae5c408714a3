/**
 * A DLQ message as the on-call human needs to see it: what it was, and why it is here. Our
 * handlers attach the reason as message attributes (handlers/failures/dead-letter.ts); a message
 * SQS moved by itself (its receive count passed maxReceiveCount without the handler acting,
 * e.g. after timeouts) carries none, and is reported as such.
 */
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import { DeadLetterAttributeName } from "../../handlers/failures/dead-letter";

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
    readonly body: string;
    /** Receives while in the DLQ included (SQS carries the count over from the source queue). */
    readonly receiveCount: number;
    readonly sentAt: string;
    readonly groupId?: string;
    readonly deduplicationId?: string;
    /** Attributes that travelled with the message (the producer's), reason attributes excluded. */
    readonly originalAttributes: Readonly<Record<string, MessageAttributeValue>>;
    /** Undefined when SQS itself dead-lettered the message (no handler recorded a reason). */
    readonly reason?: DeadLetterReason;
}

const REASON_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set(Object.values(DeadLetterAttributeName));

export function isReasonAttribute(name: string): boolean {
    return REASON_ATTRIBUTE_NAMES.has(name);
}

export function toDeadLetterEntry(message: Message): DeadLetterEntry {
    const attributes = message.MessageAttributes ?? {};
    const text = (name: string) => attributes[name]?.StringValue;
    const system = message.Attributes ?? {};
    const failureKind = text(DeadLetterAttributeName.failureKind);
    return {
        messageId: message.MessageId ?? "",
        body: message.Body ?? "",
        receiveCount: Number(system.ApproximateReceiveCount ?? 0),
        sentAt: new Date(Number(system.SentTimestamp ?? 0)).toISOString(),
        groupId: system.MessageGroupId,
        deduplicationId: system.MessageDeduplicationId,
        originalAttributes: Object.fromEntries(Object.entries(attributes).filter(([name]) => !isReasonAttribute(name))),
        reason:
            failureKind === undefined
                ? undefined
                : {
                      failureKind,
                      errorClass: text(DeadLetterAttributeName.errorClass) ?? "",
                      errorMessage: text(DeadLetterAttributeName.errorMessage) ?? "",
                      firstSeen: text(DeadLetterAttributeName.firstSeen) ?? "",
                      attempts: Number(text(DeadLetterAttributeName.attempts) ?? 0),
                      handlerVersion: text(DeadLetterAttributeName.handlerVersion) ?? "",
                      sourceMessageId: text(DeadLetterAttributeName.sourceMessageId) ?? "",
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
