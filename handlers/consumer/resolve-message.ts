import type { SQSRecord } from "aws-lambda";
import type { AwsClients } from "../aws/clients";
import { InvalidMessageError } from "../failures/errors";
import { CURRENT_SCHEMA_VERSION, MessageAttributeName, type EventType } from "../messages/message-attributes";
import type { ParsedBody } from "../messages/parse-message";
import { decodePayloadPointer, fetchPointedPayload } from "../messages/payload-pointer";
import { stringAttributeOf } from "./record-facts";

/**
 * Checks the envelope (event type, schema version) and returns the payload, fetched from S3 when
 * the body is a pointer, so lane code never sees the difference. Attributes are optional, so a
 * producer outside this library can still send; when present they must match. `clients.s3` is
 * read only for a pointer: reading it builds the S3 client (handlers/aws/s3-module.ts).
 */
export async function resolveMessageBody(record: SQSRecord, expectedEventType: EventType, clients: AwsClients): Promise<string> {
    const eventType = stringAttributeOf(record, MessageAttributeName.eventType);
    if (eventType !== undefined && eventType !== expectedEventType) {
        throw new InvalidMessageError(
            `'${MessageAttributeName.eventType}' must be "${expectedEventType}" on this queue, "${eventType}" given`,
        );
    }
    const schemaVersion = stringAttributeOf(record, MessageAttributeName.schemaVersion);
    if (schemaVersion !== undefined && schemaVersion !== CURRENT_SCHEMA_VERSION) {
        throw new InvalidMessageError(
            `'${MessageAttributeName.schemaVersion}' must be "${CURRENT_SCHEMA_VERSION}" (the version this handler understands), "${schemaVersion}" given`,
        );
    }
    if (record.messageAttributes?.[MessageAttributeName.extendedPayloadSize] === undefined) {
        return record.body;
    }
    return fetchPointedPayload(clients.s3, decodePayloadPointer(record.body));
}

/** The call id, read leniently before validation so even a rejected message's log lines carry it. */
export function peekCallId(parsed: ParsedBody): string | undefined {
    const callId = parsed.isJson ? (parsed.value as { callId?: unknown } | null)?.callId : undefined;
    return typeof callId === "string" ? callId : undefined;
}
