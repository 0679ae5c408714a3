import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";

/** Where a producer sends, and how. */
export interface ProducerTarget {
    readonly sqs: SQSClient;
    readonly queueUrl: string;
    /** Needed only when a payload can exceed the SQS limit; without it such a payload is refused. */
    readonly s3?: S3Client;
    readonly payloadBucketName?: string;
    /**
     * The queue's maximumMessageSize (the lane's `maximumMessageSizeBytes`). The producer offloads a
     * payload to S3 above this limit less the dead-letter headroom, so the threshold follows the queue.
     * @default 262144 (the SQS default)
     */
    readonly maximumMessageSizeBytes?: number;
    /**
     * Attempts per entry when SQS fails entries on its side (SenderFault = false).
     * @default 4
     */
    readonly maxAttempts?: number;
    /**
     * First retry delay; doubled on each further attempt.
     * @default 100
     */
    readonly retryBaseDelayMs?: number;
}

/** What a send did, in the order of the input. */
export interface SendReport {
    readonly messageIds: readonly string[];
    /** How many payloads went to S3 with a pointer in the message. */
    readonly offloadedPayloads: number;
}

/** Input that fails its schema; the message names each field, what is allowed and the value given. */
export class ProducerValidationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProducerValidationError";
    }
}

/** Entries SQS still refused after every attempt; `failures` says which and why. */
export class ProducerSendError extends Error {
    constructor(readonly failures: readonly { readonly index: number; readonly code: string; readonly message: string }[]) {
        super(
            `${failures.length} message(s) were not sent: ${failures.map((failure) => `#${failure.index} ${failure.code}: ${failure.message}`).join("; ")}`,
        );
        this.name = "ProducerSendError";
    }
}
