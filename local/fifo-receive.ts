/**
 * FIFO receives as SQS answers them. fauxqs hands out at most one message per message group per
 * ReceiveMessage, so a local batch never held A1 and A2 together, and the tool-call consumer's
 * hold-back of group mates never ran end to end. SQS returns as many messages of a group as it
 * can, in order, and never a later message of a group while an earlier one is in flight. fauxqs
 * has no option for this (its dequeueFifo stops after one message per group), so each FIFO queue
 * the in-process emulator creates gets two corrections:
 * - a receive takes the group's next messages too (repeating fauxqs's own dequeue, with the locks
 *   this receive took set aside until it ends; groups already in flight stay locked), returned
 *   group by group in sequence order;
 * - messages that come back (visibility timeout over, or set to 0) return to their group in
 *   sequence order (fauxqs puts each one first, which reverses several returning at once).
 * The DLQ move after maxReceiveCount, receive counts, persistence and the spy stay fauxqs's own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

interface FauxqsMessage {
    readonly messageGroupId?: string;
    readonly sequenceNumber?: string;
}

interface ReceivedMessage {
    readonly ReceiptHandle: string;
}

/** The parts of fauxqs's SqsQueue this file touches (it ships no types for them). */
interface FauxqsQueue {
    isFifo(): boolean;
    readonly fifoMessages: Map<string, FauxqsMessage[]>;
    readonly fifoLockedGroups: Map<string, number>;
    readonly inflightMessages: Map<string, { readonly message: FauxqsMessage }>;
    dequeueFifo(maxCount: number, visibilityTimeoutOverride: unknown, dlqResolver: unknown): ReceivedMessage[];
    processTimers(): void;
    changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
}

interface FauxqsStorePrototype {
    createQueue(this: unknown, ...args: unknown[]): FauxqsQueue;
}

const MAX_MESSAGES_PER_RECEIVE = 10;
const CORRECTED = Symbol.for("escalation-pipeline.fifo-receive");

/** fauxqs's store module, by file: its package exports only the entry, which does not export the class. */
function fauxqsStoreModuleUrl(): string {
    for (const directory of require.resolve.paths("fauxqs") ?? []) {
        const file = path.join(directory, "fauxqs", "dist", "sqs", "sqsStore.js");
        if (fs.existsSync(file)) {
            return pathToFileURL(file).href;
        }
    }
    throw new Error("fauxqs is not installed (no node_modules/fauxqs/dist/sqs/sqsStore.js)");
}

/**
 * Makes every FIFO queue fauxqs creates in this process from now on answer receives as SQS does.
 * It corrects fauxqs's store class once (every emulator in the process is the local runtime's).
 */
export async function receiveFifoGroupsAsSqs(): Promise<void> {
    const { SqsStore } = (await import(fauxqsStoreModuleUrl())) as {
        SqsStore: { prototype: FauxqsStorePrototype & { [CORRECTED]?: true } };
    };
    const prototype = SqsStore.prototype;
    if (prototype[CORRECTED]) {
        return;
    }
    const createQueue = prototype.createQueue;
    prototype.createQueue = function (this: unknown, ...args: unknown[]) {
        const queue = createQueue.apply(this, args);
        if (queue.isFifo()) {
            correctFifoQueue(queue);
        }
        return queue;
    };
    prototype[CORRECTED] = true;
}

function correctFifoQueue(queue: FauxqsQueue): void {
    const dequeueOnePerGroup = queue.dequeueFifo.bind(queue);
    queue.dequeueFifo = (maxCount, visibilityTimeoutOverride, dlqResolver) => {
        const count = Math.min(maxCount, MAX_MESSAGES_PER_RECEIVE);
        const lockedBefore = new Set(queue.fifoLockedGroups.keys());
        const setAside = new Map<string, number>();
        const received: ReceivedMessage[] = [];
        try {
            while (received.length < count) {
                const more = dequeueOnePerGroup(count - received.length, visibilityTimeoutOverride, dlqResolver);
                if (more.length === 0) {
                    break;
                }
                received.push(...more);
                // Locks this receive took: set aside, so the next round may continue those groups.
                for (const [groupId, locks] of queue.fifoLockedGroups) {
                    if (!lockedBefore.has(groupId)) {
                        setAside.set(groupId, (setAside.get(groupId) ?? 0) + locks);
                        queue.fifoLockedGroups.delete(groupId);
                    }
                }
            }
        } finally {
            for (const [groupId, locks] of setAside) {
                queue.fifoLockedGroups.set(groupId, (queue.fifoLockedGroups.get(groupId) ?? 0) + locks);
            }
        }
        return groupByGroup(queue, received);
    };
    const processTimers = queue.processTimers.bind(queue);
    queue.processTimers = () => {
        processTimers();
        restoreSequenceOrder(queue);
    };
    const changeVisibility = queue.changeVisibility.bind(queue);
    queue.changeVisibility = (receiptHandle, timeoutSeconds) => {
        changeVisibility(receiptHandle, timeoutSeconds);
        restoreSequenceOrder(queue);
    };
}

/** Rounds of one message per group, regrouped: A1 A2 B1 B2, each group in sequence order. */
function groupByGroup(queue: FauxqsQueue, received: readonly ReceivedMessage[]): ReceivedMessage[] {
    const groups = new Map<string, ReceivedMessage[]>();
    for (const message of received) {
        const groupId = queue.inflightMessages.get(message.ReceiptHandle)?.message.messageGroupId ?? "";
        groups.set(groupId, [...(groups.get(groupId) ?? []), message]);
    }
    return [...groups.values()].flat();
}

function bySequence(a: FauxqsMessage, b: FauxqsMessage): number {
    const left = BigInt(a.sequenceNumber ?? 0);
    const right = BigInt(b.sequenceNumber ?? 0);
    return left < right ? -1 : left > right ? 1 : 0;
}

function restoreSequenceOrder(queue: FauxqsQueue): void {
    for (const messages of queue.fifoMessages.values()) {
        messages.sort(bySequence);
    }
}
