import * as assert from "node:assert/strict";
import { isFifoQueue } from "../../handlers/aws";

describe("queue type by name", () => {
    it("tells a FIFO queue by the .fifo ending of its name, URL or ARN", () => {
        // Act
        const verdicts = [
            "orders.fifo",
            "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq.fifo",
            "arn:aws:sqs:eu-west-1:123456789012:orders.fifo",
        ].map(isFifoQueue);

        // Assess
        assert.deepEqual(verdicts, [true, true, true]);
    });

    it("calls a queue standard when .fifo is not its ending", () => {
        // Act
        const verdicts = [
            "orders",
            "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-fifo",
            "arn:aws:sqs:eu-west-1:123456789012:fifo.orders",
        ].map(isFifoQueue);

        // Assess
        assert.deepEqual(verdicts, [false, false, false]);
    });
});
