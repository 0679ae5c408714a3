/**
 * Real attempts, counted per message in the lane's idempotency table.
 *
 * Why not ApproximateReceiveCount: SQS counts every receive, and on a FIFO lane with
 * `skipGroupOnError` a message held back behind a failing group mate is received (and handed back
 * unprocessed) each time that mate is retried. Counting receives charged held-back messages for
 * attempts they never made, and they were dead-lettered as "exhausted" after one real try.
 *
 * How: one item per message, key `message-attempts#<identity>`, updated only when a run FAILS
 * (a successful run deletes the message, so it needs no count): an atomic ADD of 1 to `attempts`
 * that returns the new value, and the failure itself in `lastFailure`, so the reason of a message
 * SQS later moves by itself can still be found. A forward to the DLQ resets `attempts` (a replay
 * starts with its full allowance, as the original did), adds 1 to `deadLetters` (see
 * deadLetterDeduplicationId) and notes the SQS message id it forwarded in `forwardedMessageId`:
 * written only once the DLQ took the copy, so a redelivery of that same SQS message (the consumer
 * killed, or frozen past its timeout, before SQS deleted it) is acknowledged without a second copy,
 * while a forward that failed leaves nothing that could lose the message. A replay or a resend is
 * another SQS message (another id) and is handled as new. A held-back message never runs, so
 * nothing is written for it.
 *
 * The identity must survive redelivery and redrive, which give a message a new SQS message id and,
 * when SQS moves a FIFO message itself, a new deduplication id too: so it is the SHA-256 of the
 * body, which never changes (a resend of the same body is the same message to this count; a
 * pointer body names a content-derived key). The DLQ tools find the record of a message SQS moved
 * without a reason by the same identity. Items expire with the idempotency records (`expiration`,
 * the table's TTL attribute).
 */
import { createHash } from "node:crypto";
import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSRecord } from "aws-lambda";
import { IdempotencyTableSchema } from "../environment";

export interface AttemptCount {
    /** Failed runs since the message was sent (or last dead-lettered). */
    readonly attempts: number;
    /** How many times the handler forwarded this message to the DLQ. */
    readonly deadLetters: number;
    /** The SQS message id of the last copy the DLQ took (see the module comment). */
    readonly forwardedMessageId?: string;
}

/** What the record keeps of the last failure. */
export interface RecordedFailure {
    readonly errorClass: string;
    readonly errorMessage: string;
    readonly at: string;
}

const KEY_PREFIX = "message-attempts#";
const MAX_RECORDED_MESSAGE_LENGTH = 1024;

/** The message's identity for attempt counting (see the module comment): a record, or the original body of a dead letter. */
export function messageIdentityOf(message: Pick<SQSRecord, "body">): string {
    return `body:${createHash("sha256").update(message.body).digest("hex")}`;
}

export class AttemptRecords {
    constructor(
        private readonly client: DynamoDBClient,
        private readonly tableName: string,
        private readonly expirySeconds: number,
    ) {}

    /** Counts one failed run and returns the counts after it. */
    async recordFailure(identity: string, error: Error): Promise<AttemptCount> {
        const failure: RecordedFailure = {
            errorClass: error.name,
            errorMessage: error.message.slice(0, MAX_RECORDED_MESSAGE_LENGTH),
            at: new Date().toISOString(),
        };
        const { Attributes } = await this.client.send(
            new UpdateItemCommand({
                TableName: this.tableName,
                Key: this.key(identity),
                UpdateExpression: "ADD attempts :one SET lastFailure = :failure, #expiration = :expiration",
                ExpressionAttributeNames: { "#expiration": IdempotencyTableSchema.timeToLiveAttribute },
                ExpressionAttributeValues: {
                    ":one": { N: "1" },
                    ":failure": { S: JSON.stringify(failure) },
                    ":expiration": { N: String(this.expiration()) },
                },
                ReturnValues: "ALL_NEW",
            }),
        );
        return countOf(Attributes);
    }

    /**
     * Records a forward to the DLQ, once the DLQ took the copy of SQS message `messageId`: the
     * attempt count starts again for a replay, and a redelivery of that message is known as forwarded.
     */
    async recordDeadLetter(identity: string, messageId: string): Promise<void> {
        await this.client.send(
            new UpdateItemCommand({
                TableName: this.tableName,
                Key: this.key(identity),
                UpdateExpression: "SET attempts = :zero, forwardedMessageId = :messageId, #expiration = :expiration ADD deadLetters :one",
                ExpressionAttributeNames: { "#expiration": IdempotencyTableSchema.timeToLiveAttribute },
                ExpressionAttributeValues: {
                    ":zero": { N: "0" },
                    ":one": { N: "1" },
                    ":messageId": { S: messageId },
                    ":expiration": { N: String(this.expiration()) },
                },
            }),
        );
    }

    /** The counts and last failure of a message, read consistently (tests and DLQ tools). */
    async read(identity: string): Promise<AttemptCount & { readonly lastFailure?: RecordedFailure }> {
        const { Item } = await this.client.send(
            new GetItemCommand({ TableName: this.tableName, Key: this.key(identity), ConsistentRead: true }),
        );
        const lastFailure = Item?.lastFailure?.S;
        return { ...countOf(Item), ...(lastFailure !== undefined ? { lastFailure: JSON.parse(lastFailure) as RecordedFailure } : {}) };
    }

    private key(identity: string) {
        return { [IdempotencyTableSchema.partitionKey]: { S: `${KEY_PREFIX}${identity}` } };
    }

    private expiration(): number {
        return Math.floor(Date.now() / 1000) + this.expirySeconds;
    }
}

function countOf(item: Record<string, { N?: string; S?: string }> | undefined): AttemptCount {
    const forwardedMessageId = item?.forwardedMessageId?.S;
    return {
        attempts: Number(item?.attempts?.N ?? 0),
        deadLetters: Number(item?.deadLetters?.N ?? 0),
        ...(forwardedMessageId !== undefined ? { forwardedMessageId } : {}),
    };
}
