/**
 * Dead letters grouped the way an error tracker groups exceptions: by lane, failure kind, error
 * class and the error message with its variable parts (ids, numbers, times, quoted values)
 * replaced, so "bad body #3" and "bad body #7" are one problem with a count of two.
 */
import { createHash } from "node:crypto";
import type { DeadLetterEntry } from "./dead-letter-entry";

/** The reason shown for a message SQS moved by itself (maxReceiveCount passed, no handler verdict). */
export const SQS_MOVED = {
    failureKind: "moved-by-sqs",
    errorClass: "(no reason recorded)",
    errorMessage: "received maxReceiveCount times without a verdict: timeouts or crashes",
} as const;

export interface LaneDeadLetter {
    readonly lane: string;
    readonly entry: DeadLetterEntry;
}

export interface DeadLetterGroup {
    /** Stable for the same lane, kind, class and normalised message: the console's URL for the group. */
    readonly key: string;
    readonly lane: string;
    readonly failureKind: string;
    readonly errorClass: string;
    readonly normalisedMessage: string;
    readonly count: number;
    /** When the earliest of its messages was first received by a consumer. */
    readonly firstSeen: string;
    /** When the latest of its messages reached the DLQ. */
    readonly lastSeen: string;
    readonly handlerVersions: readonly string[];
    readonly messageIds: readonly string[];
}

const VARIABLE_PARTS: readonly [RegExp, string][] = [
    [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
    [/\b\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?/g, "<time>"],
    [/"[^"]*"/g, '"<value>"'],
    [/'[^']*'/g, "'<value>'"],
    [/\b[0-9a-f]{12,}\b/gi, "<hex>"],
    [/\d+(\.\d+)?/g, "<n>"],
];

export function normaliseErrorMessage(message: string): string {
    return VARIABLE_PARTS.reduce((text, [pattern, placeholder]) => text.replace(pattern, placeholder), message)
        .replace(/\s+/g, " ")
        .trim();
}

export function groupDeadLetters(letters: readonly LaneDeadLetter[]): DeadLetterGroup[] {
    const groups = new Map<
        string,
        { lane: string; failureKind: string; errorClass: string; normalisedMessage: string; entries: DeadLetterEntry[] }
    >();
    for (const { lane, entry } of letters) {
        const failureKind = entry.reason?.failureKind ?? SQS_MOVED.failureKind;
        const errorClass = entry.reason?.errorClass ?? SQS_MOVED.errorClass;
        const normalisedMessage = normaliseErrorMessage(entry.reason?.errorMessage ?? SQS_MOVED.errorMessage);
        const key = groupKey(lane, failureKind, errorClass, normalisedMessage);
        const group = groups.get(key) ?? { lane, failureKind, errorClass, normalisedMessage, entries: [] };
        group.entries.push(entry);
        groups.set(key, group);
    }
    return [...groups.entries()]
        .map(([key, group]) => ({
            key,
            lane: group.lane,
            failureKind: group.failureKind,
            errorClass: group.errorClass,
            normalisedMessage: group.normalisedMessage,
            count: group.entries.length,
            firstSeen: minimum(group.entries.map((entry) => (entry.reason?.firstSeen ? entry.reason.firstSeen : entry.sentAt))),
            lastSeen: maximum(group.entries.map((entry) => entry.sentAt)),
            handlerVersions: [...new Set(group.entries.map((entry) => entry.reason?.handlerVersion ?? "-"))].sort(),
            messageIds: group.entries.map((entry) => entry.messageId),
        }))
        .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen));
}

function groupKey(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}

const minimum = (values: string[]): string => values.reduce((a, b) => (b < a ? b : a));
const maximum = (values: string[]): string => values.reduce((a, b) => (b > a ? b : a));
