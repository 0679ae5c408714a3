import type { FakeReceivers, RecordedRequest } from "../fake-receivers";

/**
 * The downstream faults of the soak, decided after each normally answered request:
 * - transient, at `rate`: the same receiver fails its next request with a 503 (PagerDuty) or 500
 *   (Slack); after a page, a Slack 500 is "Slack down after the page": the retry must post to
 *   Slack only;
 * - permanent Slack failure, at `slackGoneRate` of PagerDuty answers: Slack refuses the next post
 *   with 404 "no_service" (a webhook that was removed), so the escalation is dead-lettered as
 *   "paged; Slack failed" and the soak replays it once Slack is back.
 */
export class FaultInjector {
    injected = 0;
    slackRefusals = 0;

    constructor(
        private readonly receivers: FakeReceivers,
        private readonly rate: number,
        private readonly random: () => number,
        private readonly slackGoneRate = 0,
    ) {
        if (!(rate >= 0 && rate <= 0.5)) {
            throw new RangeError(`'transient failure rate' must be between 0 and 0.5, ${rate} given`);
        }
        if (!(slackGoneRate >= 0 && slackGoneRate <= 0.5)) {
            throw new RangeError(`'Slack refusal rate' must be between 0 and 0.5, ${slackGoneRate} given`);
        }
    }

    observe(request: RecordedRequest): void {
        if (request.fault !== "none") {
            return;
        }
        const roll = this.random();
        if (roll < this.rate) {
            this.injected++;
            if (request.receiver === "pagerduty") {
                this.receivers.pagerDuty.failNext(1, { status: 503 });
            } else {
                this.receivers.slack.failNext(1, { status: 500 });
            }
        } else if (request.receiver === "pagerduty" && roll < this.rate + this.slackGoneRate) {
            this.slackRefusals++;
            this.receivers.slack.failNext(1, { status: 404, body: "no_service" });
        }
    }
}
