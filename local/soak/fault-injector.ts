import type { FakeReceivers, RecordedRequest } from "../fake-receivers";

/**
 * Transient downstream failures at a set rate: after a request is answered normally, with
 * probability `rate` the same receiver is told to fail its next request with a 503 (PagerDuty)
 * or 500 (Slack). The consumer sees a 5xx, reports the record for retry with backoff, and the
 * retry goes through.
 */
export class FaultInjector {
    injected = 0;

    constructor(
        private readonly receivers: FakeReceivers,
        private readonly rate: number,
        private readonly random: () => number,
    ) {
        if (!(rate >= 0 && rate <= 0.5)) {
            throw new RangeError(`'transient failure rate' must be between 0 and 0.5, ${rate} given`);
        }
    }

    observe(request: RecordedRequest): void {
        if (request.fault !== "none" || this.random() >= this.rate) {
            return;
        }
        this.injected++;
        if (request.receiver === "pagerduty") {
            this.receivers.pagerDuty.failNext(1, { status: 503 });
        } else {
            this.receivers.slack.failNext(1, { status: 500 });
        }
    }
}
