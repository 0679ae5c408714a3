/**
 * How Lambda reads an SQS consumer's answer when the mapping reports batch item failures
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html):
 * - a null or empty response, or an empty or null `batchItemFailures`, is complete success;
 * - listed `itemIdentifier`s failed and stay in the queue; the rest are deleted;
 * - a response that is not that shape, or an identifier that is empty or not in the batch, makes
 *   the whole batch fail, as does a thrown error or a timeout.
 */
import type { InvocationOutcome } from "./lambda/execution-environment";

export type BatchVerdict =
    | { readonly kind: "succeeded" }
    | { readonly kind: "partial"; readonly failedMessageIds: ReadonlySet<string> }
    | { readonly kind: "failed"; readonly reason: string };

export function judgeBatch(outcome: InvocationOutcome, messageIds: readonly string[]): BatchVerdict {
    if (outcome.kind === "timeout") {
        return { kind: "failed", reason: `the invocation timed out after ${outcome.durationMs} ms` };
    }
    if (outcome.kind === "error") {
        return { kind: "failed", reason: `the handler failed: ${outcome.error.name}: ${outcome.error.message}` };
    }
    return judgeResponse(outcome.response, new Set(messageIds));
}

function judgeResponse(response: unknown, batch: ReadonlySet<string>): BatchVerdict {
    if (response === null || response === undefined) {
        return { kind: "succeeded" };
    }
    if (typeof response !== "object" || Array.isArray(response)) {
        return { kind: "failed", reason: `the response must be an object with 'batchItemFailures', ${JSON.stringify(response)} returned` };
    }
    const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
    if (failures === null || failures === undefined) {
        return { kind: "succeeded" };
    }
    if (!Array.isArray(failures)) {
        return { kind: "failed", reason: `'batchItemFailures' must be a list, ${JSON.stringify(failures)} returned` };
    }
    const failedMessageIds = new Set<string>();
    for (const failure of failures as unknown[]) {
        const identifier =
            typeof failure === "object" && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
        if (typeof identifier !== "string" || identifier.length === 0 || !batch.has(identifier)) {
            return {
                kind: "failed",
                reason: `every 'batchItemFailures' entry must name a message of the batch in 'itemIdentifier', ${JSON.stringify(failure)} returned`,
            };
        }
        failedMessageIds.add(identifier);
    }
    return failedMessageIds.size === 0 ? { kind: "succeeded" } : { kind: "partial", failedMessageIds };
}
