/**
 * Moving DLQ messages back to their source queue.
 *
 * - `moveTask`: SQS's own StartMessageMoveTask, for standard queues on AWS (it keeps every
 *   attribute and moves at the rate SQS chooses). fauxqs does not implement it.
 * - `copy`: receive, send a copy to the source, delete from the DLQ only once SQS accepted the
 *   copy. The copy is the original send request as the handlers' dead-letter module rebuilds it
 *   (`replayRequestOf`: body, every producer attribute, the producer's MessageGroupId and
 *   MessageDeduplicationId; the reason dropped, it comes back fresh if the message fails again).
 *   FIFO-safe: a group's messages are copied one by one in order, and a group stops at its first
 *   message that cannot be moved, so nothing overtakes it.
 *
 * A copy that SQS answers as a duplicate (FIFO: the same deduplication id within five minutes of
 * the original send) is accepted but would never be delivered; the DLQ message is kept and
 * reported, never deleted.
 */
import {
    ChangeMessageVisibilityCommand,
    DeleteMessageCommand,
    GetQueueAttributesCommand,
    type Message,
    SendMessageCommand,
    type SendMessageCommandInput,
    type SQSClient,
    StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { DeadLetterPayloadRequiredError } from "../../handlers/errors";
import { offloadedPayloadOf, replayRequestOf } from "../../handlers/dead-letter";
import type { PayloadPointer } from "../../handlers/messages";
import { sha256 } from "./audit";
import { receiveHeld } from "./peek";
import { type DeadLetterEntry, toDeadLetterEntry } from "./dead-letter-entry";
import { isFifoQueue } from "../../handlers/aws";

export interface RedriveTarget {
    readonly deadLetterQueueUrl: string;
    readonly deadLetterQueueArn: string;
    readonly sourceQueueUrl: string;
    readonly sourceQueueArn: string;
}

export interface CopyRedriveOptions {
    /** Move at most this many. @default all */
    readonly max?: number;
    /** Only these message ids (others are left in place). @default all */
    readonly messageIds?: ReadonlySet<string>;
    /** How long a message being moved stays hidden in the DLQ. @default 300 */
    readonly holdSeconds?: number;
    /** A replacement body per DLQ message id (an operator's edit, already validated). @default none */
    readonly bodies?: ReadonlyMap<string, string>;
    /** Reads a body the dead-letter forward offloaded to the payload bucket. @default none: such messages are kept */
    readonly fetchPayload?: FetchPayload;
}

export type FetchPayload = (pointer: PayloadPointer) => Promise<string>;

/**
 * The send request that replays a dead letter as the producer sent it, from the handlers' own
 * dead-letter module (body, every attribute, FIFO group and deduplication id); an envelope whose
 * body the forward offloaded needs that body from the payload bucket first.
 */
async function replayRequest(message: Message, queueUrl: string, fetchPayload: FetchPayload | undefined): Promise<SendMessageCommandInput> {
    try {
        return replayRequestOf(message, queueUrl);
    } catch (error) {
        const pointer = offloadedPayloadOf(message);
        if (!(error instanceof DeadLetterPayloadRequiredError) || pointer === undefined || fetchPayload === undefined) {
            throw error;
        }
        return replayRequestOf(message, queueUrl, await fetchPayload(pointer));
    }
}

/** One message moved: its DLQ id, the id its copy got, and its body's hash before and after (they differ when edited). */
export interface MovedMessage {
    readonly messageId: string;
    readonly copyId: string;
    readonly bodySha256Before: string;
    readonly bodySha256After: string;
}

export interface RedriveProblem {
    readonly messageId: string;
    readonly reason: string;
}

export interface CopyRedriveReport {
    readonly method: "copy";
    /** DLQ message ids moved, in the order they moved. */
    readonly moved: readonly string[];
    readonly movedMessages: readonly MovedMessage[];
    /** Left in the DLQ, with why. */
    readonly kept: readonly RedriveProblem[];
}

export interface MoveTaskReport {
    readonly method: "moveTask";
    readonly taskHandle: string;
}

/** Long enough to move a large DLQ before a held message shows again; if the tool dies, they return after it. */
const DEFAULT_HOLD_SECONDS = 300;
/** A short poll can miss messages of a small standard queue on AWS; one second of long poll asks every server. */
const RECEIVE_WAIT_SECONDS = 1;

/** True when the service does not know StartMessageMoveTask (fauxqs and other emulators). */
export function isUnsupportedAction(error: unknown): boolean {
    const name = (error as { name?: string; Code?: string } | undefined)?.name ?? "";
    return (
        name === "InvalidAction" || name === "UnsupportedOperation" || /Unknown action/i.test((error as Error | undefined)?.message ?? "")
    );
}

export async function redriveWithMoveTask(sqs: SQSClient, target: RedriveTarget): Promise<MoveTaskReport> {
    const { TaskHandle } = await sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: target.deadLetterQueueArn, DestinationArn: target.sourceQueueArn }),
    );
    return { method: "moveTask", taskHandle: TaskHandle ?? "" };
}

/**
 * Moves, by copy, the messages that were in the DLQ when the redrive started, each at most once.
 *
 * A replay that fails again comes back to the DLQ as a new message (a new DLQ message id); moving
 * it again would loop for as long as the redrive runs. So the redrive first takes the DLQ's
 * messages (all of a standard DLQ; the head of each group of a FIFO DLQ, where SQS hides the
 * rest), holding every one so that no scan sees it twice, and moves only those. A FIFO group's
 * later messages become visible as its head moves; they are moved in turn unless they belong to
 * a group that was not in the DLQ at the start, or are this run's own replays failing again
 * (their source message id, or for SQS's own redrive their message id, is an id this run's
 * copies got). What is not moved stays held until the end, then is released in order.
 */
export async function redriveByCopy(sqs: SQSClient, target: RedriveTarget, options: CopyRedriveOptions = {}): Promise<CopyRedriveReport> {
    await assertQueuesExist(sqs, [
        { url: target.deadLetterQueueUrl, role: "DLQ" },
        { url: target.sourceQueueUrl, role: "source queue" },
    ]);
    const fifo = isFifoQueue(target.deadLetterQueueUrl);
    const max = options.max ?? Number.POSITIVE_INFINITY;
    const holdSeconds = options.holdSeconds ?? DEFAULT_HOLD_SECONDS;
    const moved: string[] = [];
    const movedMessages: MovedMessage[] = [];
    const kept: RedriveProblem[] = [];
    /** Message ids SQS gave this run's copies: a dead letter naming one is a replay that failed again. */
    const copyIds = new Set<string>();
    /** FIFO groups that must stop: a message could not move, was not chosen, or is new. Nothing may overtake it. */
    const blockedGroups = new Set<string>();
    const held: Message[] = [];
    try {
        let pending = await receiveHeld(sqs, target.deadLetterQueueUrl, max, holdSeconds, RECEIVE_WAIT_SECONDS);
        held.push(...pending);
        const startGroups = new Set(pending.map((message) => toDeadLetterEntry(message).groupId ?? ""));
        while (pending.length > 0) {
            for (const message of pending) {
                const entry = toDeadLetterEntry(message);
                const group = entry.groupId ?? "";
                const wanted = options.messageIds === undefined || options.messageIds.has(entry.messageId);
                if (!wanted || (fifo && blockedGroups.has(group)) || moved.length >= max) {
                    if (fifo) {
                        blockedGroups.add(group);
                    }
                    continue;
                }
                const editedBody = options.bodies?.get(entry.messageId);
                const outcome = await copyThenDelete(sqs, target, message, entry, editedBody, fifo, options.fetchPayload);
                if (outcome.copyId !== undefined) {
                    copyIds.add(outcome.copyId);
                }
                if (outcome.problem === undefined) {
                    moved.push(entry.messageId);
                    movedMessages.push({
                        messageId: entry.messageId,
                        copyId: outcome.copyId ?? "",
                        bodySha256Before: sha256(entry.body),
                        bodySha256After: sha256(editedBody ?? entry.body),
                    });
                    held.splice(held.indexOf(message), 1);
                } else {
                    kept.push({ messageId: entry.messageId, reason: outcome.problem });
                    if (fifo) {
                        blockedGroups.add(group);
                    }
                }
            }
            if (!fifo || moved.length >= max) {
                break;
            }
            // The messages behind each moved head are visible now.
            const next = await receiveHeld(sqs, target.deadLetterQueueUrl, Number.POSITIVE_INFINITY, holdSeconds, 0);
            held.push(...next);
            pending = next.filter((message) => {
                const entry = toDeadLetterEntry(message);
                const group = entry.groupId ?? "";
                const ownReplay = copyIds.has(entry.messageId) || copyIds.has(entry.reason?.sourceMessageId ?? "");
                if (ownReplay || !startGroups.has(group)) {
                    blockedGroups.add(group);
                    return false;
                }
                return !blockedGroups.has(group);
            });
        }
    } finally {
        await releaseAll(sqs, target.deadLetterQueueUrl, held);
    }
    return { method: "copy", moved, movedMessages, kept };
}

/** A queue the tools were pointed at does not exist (wrong URL, region or account). */
export class QueueNotFoundError extends Error {
    constructor(
        readonly queueUrl: string,
        role: string,
    ) {
        super(`The ${role} ${queueUrl} does not exist (check the URL, the region and the account); nothing was moved`);
        this.name = "QueueNotFoundError";
    }
}

/** True for SQS's "no such queue" answer, under each of the names the SDK and emulators give it. */
export function isQueueMissing(error: unknown): boolean {
    const name = (error as { name?: string } | undefined)?.name ?? "";
    return name === "QueueDoesNotExist" || name === "AWS.SimpleQueueService.NonExistentQueue";
}

/** Checks every queue exists before anything moves, so a wrong URL fails in one line and touches nothing. */
export async function assertQueuesExist(sqs: SQSClient, queues: readonly { url: string; role: string }[]): Promise<void> {
    for (const queue of queues) {
        try {
            await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ["QueueArn"] }));
        } catch (error) {
            throw isQueueMissing(error) ? new QueueNotFoundError(queue.url, queue.role) : error;
        }
    }
}

interface CopyOutcome {
    /** The id SQS gave the copy, when it took one. */
    readonly copyId?: string;
    /** Why the DLQ message was kept; undefined when the copy was accepted and the original deleted. */
    readonly problem?: string;
}

async function copyThenDelete(
    sqs: SQSClient,
    target: RedriveTarget,
    message: Message,
    entry: DeadLetterEntry,
    editedBody: string | undefined,
    fifo: boolean,
    fetchPayload: FetchPayload | undefined,
): Promise<CopyOutcome> {
    let sentMessageId: string | undefined;
    let request: SendMessageCommandInput;
    try {
        // An edited body stands in for the original everywhere, also where the forward offloaded it (no pointer attribute then).
        request =
            editedBody !== undefined
                ? { ...replayRequestOf(message, target.sourceQueueUrl, editedBody), MessageBody: editedBody }
                : await replayRequest(message, target.sourceQueueUrl, fetchPayload);
    } catch (error) {
        return { problem: `its original body cannot be read: ${(error as Error).message}` };
    }
    try {
        const sent = await sqs.send(new SendMessageCommand(request));
        sentMessageId = sent.MessageId;
    } catch (error) {
        return { problem: `the source queue refused the copy: ${(error as Error).message}` };
    }
    if (sentMessageId === undefined) {
        return { problem: "the source queue answered without a message id; the copy is not confirmed" };
    }
    if (fifo && (sentMessageId === entry.messageId || sentMessageId === entry.reason?.sourceMessageId)) {
        return {
            problem: "SQS treated the copy as a duplicate of the original send (same deduplication id within 5 minutes); try again later",
        };
    }
    try {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: target.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
        return {
            copyId: sentMessageId,
            problem: `copied as ${sentMessageId}, but deleting it from the DLQ failed (${(error as Error).message}); the consumer's idempotency absorbs the duplicate`,
        };
    }
    return { copyId: sentMessageId };
}

async function releaseAll(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
    // One by one and in order, so a FIFO group's head goes back before the messages behind it.
    for (const message of messages) {
        await sqs.send(
            new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }),
        );
    }
}
