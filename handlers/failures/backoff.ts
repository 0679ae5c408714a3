/**
 * The visibility timeout a transiently failed message gets before its next attempt: the tier for
 * its attempt number (attempt 1 -> first tier, later attempts reuse the last tier), never above
 * the queue's visibility timeout, so a retry never comes later than SQS alone would bring it.
 */
export function backoffSeconds(receiveCount: number, tiersSeconds: readonly number[], visibilityTimeoutSeconds: number): number {
    if (tiersSeconds.length === 0) {
        return visibilityTimeoutSeconds;
    }
    const index = Math.min(Math.max(receiveCount, 1), tiersSeconds.length) - 1;
    return Math.min(tiersSeconds[index]!, visibilityTimeoutSeconds);
}
