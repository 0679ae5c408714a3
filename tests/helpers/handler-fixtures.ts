import { Logger } from "@aws-lambda-powertools/logger";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { DEFAULT_BACKOFF_TIERS_SECONDS, HandlerEnvironment } from "../../handlers/environment";
import { idempotencyTableDefinition } from "../../handlers/aws";
import { inMemorySecretSource, type SecretSource } from "../../handlers/secrets";
import { startEmulators, type LocalEmulators } from "../../local/emulators";
import { startFakeReceivers, type FakeReceivers } from "../../local/fake-receivers";
import { lambdaRecordFrom, queueArnOf } from "./sqs-events";

/** Emulators, fake receivers and clients, started once per test file. */
export interface Harness {
    readonly emulators: LocalEmulators;
    readonly receivers: FakeReceivers;
    readonly sqs: SQSClient;
    readonly s3: S3Client;
    readonly dynamoDb: DynamoDBClient;
    stop(): Promise<void>;
}

export const SECRET_NAMES = {
    pagerDutyRoutingKey: "/escalation/test/pagerduty-routing-key",
    slackWebhookUrl: "/escalation/test/slack-webhook-url",
} as const;
export const TEST_ROUTING_KEY = "R0UT1NGKEY0000000000000000000000";
/** The handler version the test lanes set, which every dead-letter reason records. */
export const TEST_HANDLER_VERSION = "test-1.2.3";

export async function startHarness(): Promise<Harness> {
    const emulators = await startEmulators();
    const receivers = await startFakeReceivers();
    const clientConfig = (endpoint: string) => ({ endpoint, region: emulators.region, credentials: emulators.credentials });
    const sqs = new SQSClient(clientConfig(emulators.sqsEndpoint));
    const s3 = new S3Client(clientConfig(emulators.s3Endpoint));
    const dynamoDb = new DynamoDBClient(clientConfig(emulators.dynamoDbEndpoint));
    return {
        emulators,
        receivers,
        sqs,
        s3,
        dynamoDb,
        async stop() {
            for (const client of [sqs, s3, dynamoDb]) {
                client.destroy();
            }
            await Promise.all([emulators.stop(), receivers.close()]);
        },
    };
}

export interface LaneOptions {
    readonly fifo?: boolean;
    readonly maxReceiveCount?: number;
    readonly visibilityTimeoutSeconds?: number;
    readonly backoffTiersSeconds?: readonly number[];
    /** The DLQ's MaximumMessageSize in bytes. @default the emulator's default */
    readonly deadLetterMaximumMessageSize?: number;
}

/** One lane's resources on the emulators, under fresh names so tests never share state. */
export interface LaneFixture {
    readonly queueUrl: string;
    readonly queueArn: string;
    readonly deadLetterQueueUrl: string;
    readonly bucketName: string;
    /** Everything a consumer reads: the lane's settings plus the emulators' endpoints. */
    readonly environment: Readonly<Record<string, string>>;
    readonly secrets: SecretSource;
    /** Receives up to `max` messages and returns them as Lambda would deliver them. */
    receiveEvent(max?: number, waitSeconds?: number): Promise<SQSEvent>;
    /** Deletes what the handler reported as processed, as the event source mapping does. */
    acknowledge(event: SQSEvent, response: SQSBatchResponse): Promise<void>;
    /** Receives from the DLQ (with every attribute). */
    receiveDeadLetters(max?: number): Promise<Message[]>;
}

let laneCounter = 0;

export async function createLane(harness: Harness, options: LaneOptions = {}): Promise<LaneFixture> {
    laneCounter += 1;
    const suffix = options.fifo ? ".fifo" : "";
    const base = `lane-${process.pid}-${laneCounter}`;
    const maxReceiveCount = options.maxReceiveCount ?? 3;
    const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
    const fifoAttributes = options.fifo ? { FifoQueue: "true" } : {};

    const deadLetter = await harness.sqs.send(
        new CreateQueueCommand({
            QueueName: `${base}-dlq${suffix}`,
            Attributes: {
                ...fifoAttributes,
                ...(options.deadLetterMaximumMessageSize !== undefined
                    ? { MaximumMessageSize: String(options.deadLetterMaximumMessageSize) }
                    : {}),
            },
        }),
    );
    const deadLetterQueueUrl = deadLetter.QueueUrl!;
    const queueName = `${base}${suffix}`;
    const queue = await harness.sqs.send(
        new CreateQueueCommand({
            QueueName: queueName,
            Attributes: {
                ...fifoAttributes,
                VisibilityTimeout: String(visibilityTimeoutSeconds),
                RedrivePolicy: JSON.stringify({
                    deadLetterTargetArn: queueArnOf(`${base}-dlq${suffix}`),
                    maxReceiveCount: String(maxReceiveCount),
                }),
            },
        }),
    );
    const queueUrl = queue.QueueUrl!;
    const tableName = `${base}-idempotency`;
    await harness.dynamoDb.send(new CreateTableCommand(idempotencyTableDefinition(tableName)));
    const bucketName = `${base}-payloads`;
    await harness.s3.send(new CreateBucketCommand({ Bucket: bucketName }));

    const environment: Record<string, string> = {
        ...harness.emulators.environment,
        [HandlerEnvironment.queueUrl]: queueUrl,
        [HandlerEnvironment.deadLetterQueueUrl]: deadLetterQueueUrl,
        [HandlerEnvironment.maxReceiveCount]: String(maxReceiveCount),
        [HandlerEnvironment.visibilityTimeoutSeconds]: String(visibilityTimeoutSeconds),
        [HandlerEnvironment.backoffTiersSeconds]: (options.backoffTiersSeconds ?? DEFAULT_BACKOFF_TIERS_SECONDS).join(","),
        [HandlerEnvironment.idempotencyTableName]: tableName,
        [HandlerEnvironment.idempotencyExpirySeconds]: String(visibilityTimeoutSeconds * maxReceiveCount + 3600),
        [HandlerEnvironment.payloadBucketName]: bucketName,
        [HandlerEnvironment.pagerDutyEventsUrl]: harness.receivers.pagerDuty.url,
        [HandlerEnvironment.pagerDutyRoutingKeyParameter]: SECRET_NAMES.pagerDutyRoutingKey,
        [HandlerEnvironment.slackWebhookUrlParameter]: SECRET_NAMES.slackWebhookUrl,
        [HandlerEnvironment.handlerVersion]: TEST_HANDLER_VERSION,
    };
    const queueArn = queueArnOf(queueName);
    return {
        queueUrl,
        queueArn,
        deadLetterQueueUrl,
        bucketName,
        environment,
        secrets: inMemorySecretSource({
            [SECRET_NAMES.pagerDutyRoutingKey]: TEST_ROUTING_KEY,
            [SECRET_NAMES.slackWebhookUrl]: harness.receivers.slack.url,
        }),
        async receiveEvent(max = 10, waitSeconds = 1) {
            const received = await harness.sqs.send(
                new ReceiveMessageCommand({
                    QueueUrl: queueUrl,
                    MaxNumberOfMessages: max,
                    WaitTimeSeconds: waitSeconds,
                    MessageSystemAttributeNames: ["All"],
                    MessageAttributeNames: ["All"],
                }),
            );
            return { Records: (received.Messages ?? []).map((message) => lambdaRecordFrom(message, queueArn)) };
        },
        async acknowledge(event, response) {
            const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
            const entries = event.Records.filter((record) => !failed.has(record.messageId)).map((record, index) => ({
                Id: String(index),
                ReceiptHandle: record.receiptHandle,
            }));
            if (entries.length > 0) {
                await harness.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
            }
        },
        async receiveDeadLetters(max = 10) {
            const received = await harness.sqs.send(
                new ReceiveMessageCommand({
                    QueueUrl: deadLetterQueueUrl,
                    MaxNumberOfMessages: max,
                    WaitTimeSeconds: 1,
                    MessageSystemAttributeNames: ["All"],
                    MessageAttributeNames: ["All"],
                }),
            );
            return received.Messages ?? [];
        },
    };
}

/** A logger that prints nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
    return new Logger({ serviceName: "test", logLevel: "SILENT" });
}

/** Runs `action` while collecting every line written to stdout (Powertools Logger writes there). */
export async function captureStdout(action: () => Promise<void>): Promise<string[]> {
    const lines: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
        lines.push(
            ...String(chunk)
                .split("\n")
                .filter((line) => line.trim() !== ""),
        );
        return true;
    }) as typeof process.stdout.write;
    try {
        await action();
    } finally {
        process.stdout.write = original;
    }
    return lines;
}

/** Visibility deadline (ms since epoch) of an in-flight message, read from fauxqs's inspection endpoint. */
export async function inflightDeadline(harness: Harness, queueUrl: string, messageId: string): Promise<number | undefined> {
    const queueName = queueUrl.slice(queueUrl.lastIndexOf("/") + 1);
    const response = await fetch(`${harness.emulators.sqsEndpoint}/_fauxqs/queues/${encodeURIComponent(queueName)}`);
    const state = (await response.json()) as { messages: { inflight: { message: { messageId: string }; visibilityDeadline: number }[] } };
    return state.messages.inflight.find((entry) => entry.message.messageId === messageId)?.visibilityDeadline;
}

/**
 * Registers the mocha hooks a handler test file needs: one harness for the file, fake receivers
 * reset before each test. `onStarted` receives the harness once it runs.
 */
export function useHarness(onStarted: (harness: Harness) => void): void {
    let harness: Harness | undefined;
    before(async () => {
        harness = await startHarness();
        onStarted(harness);
    });
    after(async () => {
        await harness?.stop();
    });
    beforeEach(() => {
        harness?.receivers.pagerDuty.reset();
        harness?.receivers.slack.reset();
    });
}
