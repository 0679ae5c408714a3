/**
 * The honest ceiling of bench/local-throughput.ts: a plain loop doing, per message, the I/O the
 * escalation consumer does and nothing else: receive 10 (every attribute, as the mapping asks),
 * then for each message side by side (as BatchProcessor runs records) the two delivery steps, each
 * Powertools Idempotency's conditional PutItem (INPROGRESS), the post to the loopback PagerDuty or
 * Slack with the handler's own body, and the UpdateItem (COMPLETED with the step's result), then
 * delete the 10. No Lambda emulation, no handler logic.
 *
 * The loops run either all on the calling thread or each in a worker thread of its own, as the
 * consumers' execution environments do (their SDK clients' work then runs off the emulators'
 * thread): the benchmark runs both and compares end to end with the faster one.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { createAwsClients } from "../handlers/aws";
import { DeliveryStep, STEP_RECORD_MIN_EXPIRY_SECONDS } from "../handlers/escalation-consumer";
import { pagerDutyTriggerEvent, slackEscalationMessage } from "../handlers/downstream";

import { IdempotencyTableSchema } from "../handlers/environment";
import { type EscalationMessage, escalationIdOf } from "../handlers/messages";
import { preciseNow } from "../local/lambda/execution-environment";

/** Everything one loop needs; plain data, so it crosses into a worker thread as it is. */
export interface IoLoopSetup {
    /** AWS_ENDPOINT_URL_* and credentials of the emulators. */
    readonly environment: Readonly<Record<string, string>>;
    readonly queueUrl: string;
    readonly tableName: string;
    readonly pagerDutyUrl: string;
    readonly slackUrl: string;
    readonly routingKey: string;
    /** Stop once the loops together have deleted this many. */
    readonly messages: number;
    /** One Int32 shared by the loops: messages deleted so far. */
    readonly consumed: SharedArrayBuffer;
}

export interface IoLoopResult {
    readonly batches: number;
    readonly records: number;
    readonly receiveMs: number;
    readonly recordsMs: number;
    readonly deleteMs: number;
    readonly requests: number;
    readonly requestMs: number;
    /** Epoch ms of the delete that completed the target, if this loop did it. */
    readonly finishedAt?: number;
}

export interface IoCeiling {
    readonly rate: number;
    /** Means per batch. */
    readonly receiveMs: number;
    readonly recordsMs: number;
    readonly deleteMs: number;
    readonly requestsPerRecord: number;
    readonly requestMsPerRecord: number;
    /** CPU time of the whole process (every thread) from the start of the loops to their end. */
    readonly cpuMs: number;
}

/** Generous: the ceiling measures throughput, and a post slowed by a busy machine must not abort the run. */
const POST_TIMEOUT_MS = 60_000;

export async function runIoLoop(setup: IoLoopSetup): Promise<IoLoopResult> {
    const { sqs, dynamoDb } = createAwsClients(setup.environment);
    const consumed = new Int32Array(setup.consumed);
    let requests = 0;
    let requestMs = 0;
    const timed = async <T>(call: () => Promise<T>): Promise<T> => {
        const startedAt = preciseNow();
        try {
            return await call();
        } finally {
            requests++;
            requestMs += preciseNow() - startedAt;
        }
    };
    const post = (url: string, body: unknown) =>
        timed(async () => {
            const response = await fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(body),
                signal: AbortSignal.timeout(POST_TIMEOUT_MS),
            });
            await response.text();
            if (!response.ok) {
                throw new Error(`${url} answered ${response.status}`);
            }
        });
    // Powertools' record layout and expressions (DynamoDBPersistenceLayer._putRecord and _updateRecord).
    const step = async (keyPrefix: DeliveryStep, escalationId: string, messageId: string, deliver: () => Promise<void>) => {
        const id = `${keyPrefix}#${createHash("md5").update(JSON.stringify(escalationId)).digest("base64")}`;
        const now = Date.now();
        await timed(() =>
            dynamoDb.send(
                new PutItemCommand({
                    TableName: setup.tableName,
                    Item: {
                        [IdempotencyTableSchema.partitionKey]: { S: id },
                        expiration: { N: String(Math.floor(now / 1000) + STEP_RECORD_MIN_EXPIRY_SECONDS) },
                        status: { S: "INPROGRESS" },
                        in_progress_expiration: { N: String(now + 60_000) },
                    },
                    ExpressionAttributeNames: {
                        "#id": IdempotencyTableSchema.partitionKey,
                        "#expiry": IdempotencyTableSchema.timeToLiveAttribute,
                        "#in_progress_expiry": "in_progress_expiration",
                        "#status": "status",
                    },
                    ExpressionAttributeValues: {
                        ":now": { N: String(now / 1000) },
                        ":now_in_millis": { N: String(now) },
                        ":inprogress": { S: "INPROGRESS" },
                    },
                    ConditionExpression:
                        "attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)",
                    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
                }),
            ),
        );
        await deliver();
        await timed(() =>
            dynamoDb.send(
                new UpdateItemCommand({
                    TableName: setup.tableName,
                    Key: { [IdempotencyTableSchema.partitionKey]: { S: id } },
                    UpdateExpression: "SET #expiry = :expiry, #status = :status, #response_data = :response_data",
                    ExpressionAttributeNames: {
                        "#expiry": IdempotencyTableSchema.timeToLiveAttribute,
                        "#status": "status",
                        "#response_data": "data",
                    },
                    ExpressionAttributeValues: {
                        ":expiry": { N: String(Math.floor(Date.now() / 1000) + STEP_RECORD_MIN_EXPIRY_SECONDS) },
                        ":status": { S: "COMPLETED" },
                        ":response_data": { S: JSON.stringify({ byMessageId: messageId, at: new Date().toISOString() }) },
                    },
                }),
            ),
        );
    };
    let batches = 0;
    let records = 0;
    let receiveMs = 0;
    let recordsMs = 0;
    let deleteMs = 0;
    let finishedAt: number | undefined;
    try {
        while (Atomics.load(consumed, 0) < setup.messages) {
            const receiveStartedAt = preciseNow();
            const { Messages = [] } = await sqs.send(
                new ReceiveMessageCommand({
                    QueueUrl: setup.queueUrl,
                    MaxNumberOfMessages: 10,
                    WaitTimeSeconds: 1,
                    AttributeNames: ["All"],
                    MessageSystemAttributeNames: ["All"],
                    MessageAttributeNames: ["All"],
                }),
            );
            if (Messages.length === 0) {
                continue;
            }
            const recordsStartedAt = preciseNow();
            await Promise.all(
                Messages.map(async (received) => {
                    const message = JSON.parse(received.Body!) as EscalationMessage;
                    const escalationId = escalationIdOf(message);
                    const messageId = received.MessageId!;
                    const pagerDutyEvent = pagerDutyTriggerEvent(message, escalationId, setup.routingKey, {
                        fullPayload: `SQS message ${messageId}`,
                    });
                    await step(DeliveryStep.pagerDuty, escalationId, messageId, () => post(setup.pagerDutyUrl, pagerDutyEvent));
                    await step(DeliveryStep.slack, escalationId, messageId, () =>
                        post(setup.slackUrl, slackEscalationMessage(message, escalationId)),
                    );
                }),
            );
            const deleteStartedAt = preciseNow();
            await sqs.send(
                new DeleteMessageBatchCommand({
                    QueueUrl: setup.queueUrl,
                    Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
                }),
            );
            batches++;
            records += Messages.length;
            receiveMs += recordsStartedAt - receiveStartedAt;
            recordsMs += deleteStartedAt - recordsStartedAt;
            deleteMs += preciseNow() - deleteStartedAt;
            const total = Atomics.add(consumed, 0, Messages.length) + Messages.length;
            if (total >= setup.messages && total - Messages.length < setup.messages) {
                finishedAt = Date.now();
            }
        }
    } finally {
        sqs.destroy();
        dynamoDb.destroy();
    }
    return { batches, records, receiveMs, recordsMs, deleteMs, requests, requestMs, finishedAt };
}

/** Worker threads do not inherit tsx's hooks: register them, then run this module. */
const BOOTSTRAP = `const { workerData } = require("node:worker_threads");
require(workerData.tsxApiPath).register();
require(workerData.module);`;

/**
 * Runs `loops` loops until `messages` are deleted, timed from the start to the delete that
 * completed the target (the other loops' last long polls are idle time, not throughput). Worker
 * threads are started and loaded before the clock starts.
 */
export async function ioCeiling(
    setup: Omit<IoLoopSetup, "consumed">,
    loops: number,
    where: "one thread" | "worker threads",
): Promise<IoCeiling> {
    const full: IoLoopSetup = { ...setup, consumed: new SharedArrayBuffer(4) };
    // Worker threads first load tsx and this module, which the consumers' warm environments did before
    // end to end's clock started: the clock and the CPU count start once every loop is ready to run.
    const loopsReady = Array.from({ length: loops }, () =>
        where === "one thread" ? Promise.resolve(() => runIoLoop(full)) : workerLoopReady(full),
    );
    const starts = await Promise.all(loopsReady);
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    const results = await Promise.all(starts.map((start) => start()));
    const cpuUsed = process.cpuUsage(cpuBefore);
    const sum = (field: "batches" | "records" | "receiveMs" | "recordsMs" | "deleteMs" | "requests" | "requestMs") =>
        results.reduce((total, result) => total + result[field], 0);
    const finishedAt = Math.min(...results.flatMap((result) => (result.finishedAt !== undefined ? [result.finishedAt] : [])));
    const batches = Math.max(1, sum("batches"));
    return {
        rate: sum("records") / ((finishedAt - startedAt) / 1000),
        receiveMs: sum("receiveMs") / batches,
        recordsMs: sum("recordsMs") / batches,
        deleteMs: sum("deleteMs") / batches,
        requestsPerRecord: sum("requests") / Math.max(1, sum("records")),
        requestMsPerRecord: sum("requestMs") / Math.max(1, sum("records")),
        cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
    };
}

/** A worker thread with the loop loaded, waiting; calling the result starts its loop and resolves with its result. */
function workerLoopReady(setup: IoLoopSetup): Promise<() => Promise<IoLoopResult>> {
    return new Promise((resolveReady, rejectReady) => {
        const worker = new Worker(BOOTSTRAP, {
            eval: true,
            workerData: { tsxApiPath: require.resolve("tsx/cjs/api"), module: path.join(__dirname, "io-ceiling.ts"), ioLoop: setup },
        });
        let rejectResult: (error: unknown) => void = rejectReady;
        worker.once("error", (error) => rejectResult(error));
        worker.once("message", (ready: { ready: true }) => {
            if (ready.ready !== true) {
                rejectReady(new Error("an I/O loop's worker answered before it was started"));
                return;
            }
            resolveReady(
                () =>
                    new Promise<IoLoopResult>((resolve, reject) => {
                        rejectResult = reject;
                        worker.once("message", (result: IoLoopResult) => {
                            resolve(result);
                            void worker.terminate();
                        });
                        worker.postMessage("start");
                    }),
            );
        });
    });
}

if (!isMainThread && (workerData as { ioLoop?: IoLoopSetup } | null)?.ioLoop !== undefined) {
    parentPort!.once("message", () => {
        void runIoLoop((workerData as { ioLoop: IoLoopSetup }).ioLoop).then((result) => parentPort!.postMessage(result));
    });
    parentPort!.postMessage({ ready: true });
}
