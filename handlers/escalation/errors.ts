import { PoisonMessageError, TransientError } from "../failures/errors";

/**
 * Slack refused the post for good after PagerDuty was paged. Poison, so the message is
 * dead-lettered at once; the reason starts "paged; Slack failed:" and the PagerDuty step's
 * completion record stays, so a replay posts to Slack only.
 */
export class SlackFailedAfterPageError extends PoisonMessageError {
    constructor(readonly slackError: Error) {
        super(`paged; Slack failed: ${slackError.message}`, { cause: slackError });
        this.name = "SlackFailedAfterPageError";
    }
}

/** Slack was unavailable after PagerDuty was paged: retried (Slack only); on the last attempt dead-lettered as "paged; Slack failed: ...". */
export class SlackUnavailableAfterPageError extends TransientError {
    constructor(readonly slackError: Error) {
        super(`paged; Slack failed: ${slackError.message}`, { cause: slackError });
        this.name = "SlackUnavailableAfterPageError";
    }
}
