import type { Logger } from "@aws-lambda-powertools/logger";
import type { SQSRecord } from "aws-lambda";
import type { AwsClients } from "../aws/clients";
import type { ConsumerConfig } from "../config/handler-config";
import { handleFailure, type RetryScheduled } from "../failures/failure-policy";
import type { EventType } from "../messages/message-attributes";
import { parseBody, type ParsedBody } from "../messages/parse-message";
import { receiveCountOf } from "./record-facts";
import { peekCallId, resolveMessageBody } from "./resolve-message";

/**
 * A message as lane code sees it: the payload (fetched first if it was in S3) already run through
 * JSON.parse once; the lane checks it against its schema (validateMessage).
 */
export interface ReceivedMessage {
    readonly record: SQSRecord;
    readonly parsed: ParsedBody;
}

/** What a lane does with one message. Throw to fail it; the error's class decides what happens next. */
export type ProcessMessage = (message: ReceivedMessage, log: Logger) => Promise<void>;

export interface RecordHandlerDependencies {
    readonly config: ConsumerConfig;
    /** S3 is read only when a body is a pointer, so the lazily built S3 client stays unbuilt otherwise. */
    readonly clients: AwsClients;
    readonly logger: Logger;
    readonly eventType: EventType;
}

export { changeVisibility, type RetryScheduled } from "../failures/failure-policy";

/**
 * Runs one record through a lane; success returns (the batch processor acknowledges it), a throw
 * goes through the failure policy (failures/failure-policy.ts: dead-letter and acknowledge, or
 * back off and rethrow so the record is reported in batchItemFailures).
 */
export async function handleRecord(
    record: SQSRecord,
    processMessage: ProcessMessage,
    dependencies: RecordHandlerDependencies,
    onRetryScheduled?: RetryScheduled,
): Promise<void> {
    const { logger } = dependencies;
    const receiveCount = receiveCountOf(record);
    const log = logger.createChild({ persistentKeys: { messageId: record.messageId, receiveCount } });
    try {
        const parsed = parseBody(await resolveMessageBody(record, dependencies.eventType, dependencies.clients));
        const callId = peekCallId(parsed);
        if (callId !== undefined) {
            log.appendPersistentKeys({ callId });
        }
        await processMessage({ record, parsed }, log);
        log.info("message processed");
    } catch (thrown) {
        await handleFailure(record, thrown, dependencies, log, onRetryScheduled);
    }
}
