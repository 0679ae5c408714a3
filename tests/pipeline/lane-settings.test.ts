import * as assert from "node:assert/strict";
import { computeLaneSettings, idempotencyExpirySeconds, LaneKind, minimumVisibilityTimeoutSeconds } from "../../pipeline";

describe("lane settings", () => {
    it("derives the visibility timeout as 6 x the function timeout when there is no batching window", () => {
        const settings = computeLaneSettings(LaneKind.standard, { functionTimeoutSeconds: 30 });

        assert.equal(settings.queue.visibilityTimeoutSeconds, 180);
    });

    it("adds the batching window to the derived visibility timeout", () => {
        const settings = computeLaneSettings(LaneKind.standard, { functionTimeoutSeconds: 20, batchingWindowSeconds: 5, batchSize: 50 });

        assert.equal(settings.queue.visibilityTimeoutSeconds, minimumVisibilityTimeoutSeconds(20, 5));
        assert.equal(settings.queue.visibilityTimeoutSeconds, 125);
    });

    it("keeps a larger visibility timeout that was asked for", () => {
        const settings = computeLaneSettings(LaneKind.standard, { functionTimeoutSeconds: 10, visibilityTimeoutSeconds: 600 });

        assert.equal(settings.queue.visibilityTimeoutSeconds, 600);
    });

    it("defaults maxReceiveCount to 5", () => {
        assert.equal(computeLaneSettings(LaneKind.standard).deadLetterQueue.maxReceiveCount, 5);
    });

    it("keeps the DLQ 14 days, longer than the source queue's 4-day default", () => {
        const settings = computeLaneSettings(LaneKind.standard);

        assert.equal(settings.deadLetterQueue.messageRetentionSeconds, 1_209_600);
        assert.equal(settings.queue.messageRetentionSeconds, 345_600);
    });

    it("makes the DLQ of a FIFO lane FIFO too", () => {
        const settings = computeLaneSettings(LaneKind.fifo);

        assert.equal(settings.queue.fifo, true);
        assert.equal(settings.deadLetterQueue.fifo, true);
    });

    it("gives a FIFO lane no batching window", () => {
        assert.equal(computeLaneSettings(LaneKind.fifo).mapping.maximumBatchingWindowSeconds, undefined);
    });

    it("reserves no concurrency by default and bounds the mapping at 5", () => {
        const settings = computeLaneSettings(LaneKind.standard);

        assert.equal(settings.consumer.reservedConcurrency, undefined);
        assert.equal(settings.mapping.maximumConcurrency, 5);
    });

    it("defaults maximumConcurrency to the reserved concurrency", () => {
        const settings = computeLaneSettings(LaneKind.standard, { reservedConcurrency: 7 });

        assert.equal(settings.mapping.maximumConcurrency, 7);
        assert.equal(settings.consumer.reservedConcurrency, 7);
    });

    it("deduplicates FIFO messages by the producer's id unless content-based is asked for", () => {
        assert.equal(computeLaneSettings(LaneKind.fifo).queue.contentBasedDeduplication, false);
        assert.equal(computeLaneSettings(LaneKind.fifo, { deduplication: "contentBased" }).queue.contentBasedDeduplication, true);
    });

    it("scopes deduplication and throughput per message group in high-throughput mode", () => {
        const settings = computeLaneSettings(LaneKind.fifo, { highThroughput: true });

        assert.equal(settings.queue.deduplicationScope, "messageGroup");
        assert.equal(settings.queue.fifoThroughputLimit, "perMessageGroupId");
    });

    it("caps every backoff tier at the visibility timeout", () => {
        const settings = computeLaneSettings(LaneKind.standard, { functionTimeoutSeconds: 5, backoffTiersSeconds: [5, 30, 300] });

        assert.deepEqual(settings.backoffTiersSeconds, [5, 30, 30]);
    });

    it("keeps idempotency records longer than every redelivery (visibility x maxReceiveCount)", () => {
        // 43,200 s x 5 is well above the one-day floor, so the floor cannot hide the formula.
        const settings = computeLaneSettings(LaneKind.standard, {
            functionTimeoutSeconds: 900,
            visibilityTimeoutSeconds: 43_200,
            maxReceiveCount: 5,
        });

        assert.ok(settings.idempotencyExpirySeconds > 43_200 * 5, `${settings.idempotencyExpirySeconds} s`);
    });

    it("adds an hour for polling delays to visibility x maxReceiveCount above the one-day floor", () => {
        assert.equal(idempotencyExpirySeconds(43_200, 5), 43_200 * 5 + 3600);
    });

    it("keeps idempotency records at least a day", () => {
        assert.equal(idempotencyExpirySeconds(30, 3), 86_400);
    });

    it("uses a tighter default age SLA on the escalation lane than on the tool-call lane", () => {
        assert.equal(computeLaneSettings(LaneKind.standard).oldestMessageAgeSlaSeconds, 300);
        assert.equal(computeLaneSettings(LaneKind.fifo).oldestMessageAgeSlaSeconds, 900);
    });
});
