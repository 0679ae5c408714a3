import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { HandlerEntryPoints } from "../../pipeline/handler-bundle";
import { LocalHandlerModules } from "../../local/lambda/handler-modules";
import { LaneOutputKeys } from "../../local/stack-outputs";
import { LANE_NAMES, laneOutputKey, Lanes } from "../../pipeline/lanes";
import { pipelineNames } from "../../pipeline/naming";

describe("the lane table", () => {
    it("names a Lambda entry point and a local twin that exist for every lane", () => {
        // Act
        const missing = LANE_NAMES.flatMap((lane) => [HandlerEntryPoints[lane], LocalHandlerModules[lane]]).filter(
            (file) => !fs.existsSync(file),
        );

        // Assess
        assert.deepEqual(missing, []);
        assert.deepEqual(
            LANE_NAMES.map((lane) => path.basename(HandlerEntryPoints[lane])),
            LANE_NAMES.map((lane) => Lanes[lane].entryModule),
        );
    });

    it("derives the stack output keys index.ts exports and the DLQ tools read", () => {
        // Act
        const key = laneOutputKey("toolCall", "deadLetterQueueUrl");

        // Assess
        assert.equal(key, "toolCallDeadLetterQueueUrl");
        assert.equal(LaneOutputKeys.escalation.queueArn, "escalationQueueArn");
    });

    it("gives a FIFO lane's queues the .fifo suffix and a standard lane's none", () => {
        // Act
        const names = pipelineNames("shop-dev-main");

        // Assess
        assert.equal(names.lanes.toolCall.deadLetterQueue, "shop-dev-main-tool-calls-dlq.fifo");
        assert.equal(names.lanes.escalation.queue, "shop-dev-main-escalations");
    });
});
