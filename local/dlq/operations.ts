/**
 * DLQ operations an on-call can trust, in one place for both front ends: `npm run dlq` (the CLI)
 * and the triage console (local/console/). Each state-changing operation appends an audit record
 * (operator, time, message ids, body hashes before and after) whichever front end asked.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import {
    EscalationMessageSchema,
    decodePayloadPointer,
    fetchPointedPayload,
    type PayloadPointer,
    MessageAttributeName,
    parseBody,
    validateMessage,
    ToolCallMessageSchema,
} from "../../handlers/messages";

import { type LaneName, Lanes } from "../../pipeline/pipeline-settings";
import { queueDepth, type QueueDepth } from "../progress";
import { AuditAction, type AuditRecord, type AuditTrail, sha256 } from "./audit";
import { type DeadLetterEntry, toDeadLetterEntry } from "./dead-letter-entry";
import type { DlqLaneTarget } from "./dlq-client";
import { type DeadLetterGroup, groupDeadLetters } from "./grouping";
import { peekMessages } from "./peek";
import { deleteMessages, purgeDeadLetterQueue } from "./purge";
import { type QueueAgeReader, queueNameOf } from "./queue-age";
import { REDACTED, restoreRedacted } from "./redaction";
import {
    assertQueuesExist,
    type CopyRedriveReport,
    isUnsupportedAction,
    type MoveTaskReport,
    redriveByCopy,
    redriveWithMoveTask,
    type RedriveTarget,
} from "./redrive";
import { isFifoQueue } from "../../handlers/aws";

export const RedriveMethod = { auto: "auto", moveTask: "move-task", copy: "copy" } as const;
export type RedriveMethod = (typeof RedriveMethod)[keyof typeof RedriveMethod];

/** An operation the operator asked for that cannot be done as asked; the message says why and what to do. */
export class DlqOperationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DlqOperationError";
    }
}

export interface QueueView {
    readonly url: string;
    readonly name: string;
    readonly depth: QueueDepth;
    /** Undefined when empty, or when the age cannot be read (no metric yet). */
    readonly oldestAgeSeconds?: number;
}

export interface LaneOverview {
    readonly lane: string;
    readonly fifo: boolean;
    readonly queue: QueueView;
    readonly deadLetterQueue: QueueView;
}

export interface FoundDeadLetter {
    readonly lane: string;
    readonly entry: DeadLetterEntry;
}

export interface ReplayReport {
    readonly moveTask?: MoveTaskReport;
    readonly copy?: CopyRedriveReport;
    /** Set when `auto` fell back to copying because the endpoint lacks StartMessageMoveTask. */
    readonly fellBack: boolean;
}

export interface DlqOperationsOptions {
    readonly sqs: SQSClient;
    readonly lanes: readonly DlqLaneTarget[];
    readonly audit: AuditTrail;
    readonly operator: string;
    readonly ages?: QueueAgeReader;
    /** For S3 payloads fetched on demand. @default none: payloads cannot be fetched */
    readonly s3?: () => S3Client;
}

/** Each lane's message schema, as its consumer checks it (handlers/messages). */
const LANE_SCHEMAS = { escalation: EscalationMessageSchema, toolCall: ToolCallMessageSchema } as const;

export class DlqOperations {
    constructor(private readonly options: DlqOperationsOptions) {}

    get lanes(): readonly DlqLaneTarget[] {
        return this.options.lanes;
    }

    get operator(): string {
        return this.options.operator;
    }

    get audit(): AuditTrail {
        return this.options.audit;
    }

    lane(name: string): DlqLaneTarget {
        const lane = this.options.lanes.find((candidate) => candidate.lane === name);
        if (lane === undefined) {
            throw new DlqOperationError(
                `'lane' must be one of ${this.options.lanes.map((candidate) => candidate.lane).join(", ")}, ${JSON.stringify(name)} given`,
            );
        }
        return lane;
    }

    async overview(): Promise<LaneOverview[]> {
        return Promise.all(
            this.options.lanes.map(async (lane) => ({
                lane: lane.lane,
                fifo: isFifoQueue(lane.deadLetterQueueUrl),
                queue: await this.queueView(lane.queueUrl),
                deadLetterQueue: await this.queueView(lane.deadLetterQueueUrl),
            })),
        );
    }

    /** What a scan sees now, without consuming it (FIFO: the head of each group). */
    async deadLetters(laneName: string, max?: number): Promise<DeadLetterEntry[]> {
        return (await peekMessages(this.options.sqs, this.lane(laneName).deadLetterQueueUrl, { max, holdSeconds: 10 })).map(
            toDeadLetterEntry,
        );
    }

    async groups(): Promise<DeadLetterGroup[]> {
        const letters = await Promise.all(
            this.options.lanes.map(async (lane) => (await this.deadLetters(lane.lane)).map((entry) => ({ lane: lane.lane, entry }))),
        );
        return groupDeadLetters(letters.flat());
    }

    /** Finds a dead letter by the DLQ's message id or by the id SendMessage gave the producer (kept as sourceMessageId). */
    async find(messageId: string, laneName?: string): Promise<FoundDeadLetter | undefined> {
        for (const lane of laneName === undefined ? this.options.lanes : [this.lane(laneName)]) {
            const entry = (await this.deadLetters(lane.lane)).find(
                (candidate) => candidate.messageId === messageId || candidate.reason?.sourceMessageId === messageId,
            );
            if (entry !== undefined) {
                return { lane: lane.lane, entry };
            }
        }
        return undefined;
    }

    /**
     * True when the body is in S3: the producer offloaded a payload too large for SQS (the body is
     * an Extended Client pointer), or the dead-letter forward offloaded a body too large for the DLQ.
     */
    static isPayloadPointer(entry: DeadLetterEntry): boolean {
        return entry.payload !== undefined || entry.originalAttributes[MessageAttributeName.extendedPayloadSize] !== undefined;
    }

    /** The S3 payload, fetched only when the operator asks. */
    async payload(entry: DeadLetterEntry): Promise<string> {
        if (!DlqOperations.isPayloadPointer(entry)) {
            throw new DlqOperationError(`Message ${entry.messageId} carries its payload inline; there is nothing to fetch from S3`);
        }
        return this.fetchPayload(entry.payload ?? decodePayloadPointer(entry.body));
    }

    private readonly fetchPayload = async (pointer: PayloadPointer): Promise<string> => {
        if (this.options.s3 === undefined) {
            throw new DlqOperationError("No S3 client is configured here, so a payload in S3 cannot be fetched");
        }
        return fetchPointedPayload(this.options.s3(), pointer);
    };

    /**
     * Replays chosen messages (or, with none chosen, everything that was in the DLQ at the start),
     * FIFO-safe. `auto` on a whole standard DLQ uses StartMessageMoveTask where the service has it.
     */
    async replay(
        laneName: string,
        choice: { messageIds?: readonly string[]; max?: number; method?: RedriveMethod } = {},
    ): Promise<ReplayReport> {
        const lane = this.lane(laneName);
        const target = redriveTarget(lane);
        const method = choice.method ?? RedriveMethod.auto;
        const fifo = isFifoQueue(lane.deadLetterQueueUrl);
        const selective = choice.messageIds !== undefined || choice.max !== undefined;
        if (method === RedriveMethod.moveTask && (fifo || selective)) {
            throw new DlqOperationError(
                "'method' move-task moves a whole standard DLQ: it takes neither a FIFO queue nor chosen messages or a maximum",
            );
        }
        await assertQueuesExist(this.options.sqs, [
            { url: lane.deadLetterQueueUrl, role: "DLQ" },
            { url: lane.queueUrl, role: "source queue" },
        ]);
        let fellBack = false;
        if (method !== RedriveMethod.copy && !fifo && !selective) {
            try {
                const moveTask = await redriveWithMoveTask(this.options.sqs, target);
                await this.record(
                    AuditAction.replayAll,
                    lane,
                    [],
                    `StartMessageMoveTask ${moveTask.taskHandle} started: the whole DLQ drains into ${lane.queueUrl}`,
                );
                return { moveTask, fellBack };
            } catch (error) {
                if (method === RedriveMethod.moveTask || !isUnsupportedAction(error)) {
                    throw error;
                }
                fellBack = true;
            }
        }
        const copy = await redriveByCopy(this.options.sqs, target, {
            max: choice.max,
            messageIds: choice.messageIds === undefined ? undefined : new Set(choice.messageIds),
            fetchPayload: this.fetchPayload,
        });
        await this.record(
            selective ? AuditAction.replay : AuditAction.replayAll,
            lane,
            copy.movedMessages.map((moved) => ({
                messageId: moved.messageId,
                bodySha256Before: moved.bodySha256Before,
                bodySha256After: moved.bodySha256After,
            })),
            copyOutcome(copy),
        );
        return { copy, fellBack };
    }

    /**
     * Replays one message with an edited body, once the body passes the lane's message schema.
     * A redacted secret left as the placeholder gets its original value back first.
     */
    async replayEdited(laneName: string, messageId: string, editedBody: string): Promise<CopyRedriveReport> {
        const lane = this.lane(laneName);
        const found = await this.find(messageId, laneName);
        if (found === undefined) {
            throw new DlqOperationError(
                `No message ${messageId} is visible in the ${laneName} DLQ (it may have moved, or wait behind its FIFO group's head)`,
            );
        }
        const body = restoreSecrets(editedBody, found.entry.body);
        const schema = LANE_SCHEMAS[laneName as LaneName];
        if (schema !== undefined) {
            try {
                validateMessage(parseBody(body), schema, `the edited ${laneName} message`);
            } catch (error) {
                throw new DlqOperationError((error as Error).message);
            }
        }
        await assertQueuesExist(this.options.sqs, [{ url: lane.queueUrl, role: "source queue" }]);
        const copy = await redriveByCopy(this.options.sqs, redriveTarget(lane), {
            messageIds: new Set([found.entry.messageId]),
            bodies: new Map([[found.entry.messageId, body]]),
        });
        await this.record(
            AuditAction.replayEdited,
            lane,
            copy.movedMessages.length > 0
                ? copy.movedMessages.map((moved) => ({
                      messageId: moved.messageId,
                      bodySha256Before: moved.bodySha256Before,
                      bodySha256After: moved.bodySha256After,
                  }))
                : [{ messageId: found.entry.messageId, bodySha256Before: sha256(found.entry.body), bodySha256After: sha256(body) }],
            copyOutcome(copy),
        );
        return copy;
    }

    async delete(laneName: string, messageIds: readonly string[]): Promise<{ deleted: number; notFound: readonly string[] }> {
        const lane = this.lane(laneName);
        const report = await deleteMessages(this.options.sqs, lane.deadLetterQueueUrl, new Set(messageIds));
        await this.record(
            AuditAction.delete,
            lane,
            report.deleted.map((entry) => ({ messageId: entry.messageId, bodySha256Before: sha256(entry.body) })),
            `deleted ${report.deleted.length}${report.notFound.length > 0 ? `, not found ${report.notFound.length}` : ""}`,
        );
        return { deleted: report.deleted.length, notFound: report.notFound };
    }

    /** Purges the lane's DLQ when `typedName` is its queue name exactly; otherwise deletes nothing. */
    async purge(laneName: string, typedName: string): Promise<number> {
        const lane = this.lane(laneName);
        const queueName = queueNameOf(lane.deadLetterQueueUrl);
        if (typedName.trim() !== queueName) {
            throw new DlqOperationError(
                `Purge deletes every message for good: type the DLQ's name, ${queueName}, to confirm (${JSON.stringify(typedName)} given); nothing was deleted`,
            );
        }
        const purged = await purgeDeadLetterQueue(this.options.sqs, lane.deadLetterQueueUrl);
        await this.record(AuditAction.purge, lane, [], `purged ${queueName} (${purged} message(s))`);
        return purged;
    }

    private async queueView(url: string): Promise<QueueView> {
        const depth = await queueDepth(this.options.sqs, url);
        const empty = depth.visible + depth.inFlight + depth.delayed === 0;
        const oldestAgeSeconds = empty ? undefined : await this.options.ages?.oldestAgeSeconds(url).catch(() => undefined);
        return { url, name: queueNameOf(url), depth, oldestAgeSeconds };
    }

    private async record(
        action: AuditRecord["action"],
        lane: DlqLaneTarget,
        messages: AuditRecord["messages"],
        outcome: string,
    ): Promise<void> {
        await this.options.audit.append({
            time: new Date().toISOString(),
            operator: this.options.operator,
            action,
            lane: lane.lane,
            deadLetterQueueUrl: lane.deadLetterQueueUrl,
            messages,
            outcome,
        });
    }
}

export function redriveTarget(lane: DlqLaneTarget): RedriveTarget {
    return {
        deadLetterQueueUrl: lane.deadLetterQueueUrl,
        deadLetterQueueArn: lane.deadLetterQueueArn,
        sourceQueueUrl: lane.queueUrl,
        sourceQueueArn: lane.queueArn,
    };
}

function copyOutcome(copy: CopyRedriveReport): string {
    return `moved ${copy.moved.length}${copy.kept.length > 0 ? `, kept ${copy.kept.length} (${copy.kept.map((problem) => `${problem.messageId}: ${problem.reason}`).join("; ")})` : ""}`;
}

function restoreSecrets(editedBody: string, originalBody: string): string {
    if (!editedBody.includes(REDACTED)) {
        return editedBody;
    }
    try {
        return JSON.stringify(restoreRedacted(JSON.parse(editedBody), JSON.parse(originalBody)));
    } catch {
        return editedBody;
    }
}

/** The lanes this pipeline has, for validating a lane name before any request. */
export const LANE_NAMES = Object.keys(Lanes) as LaneName[];
