import * as assert from "node:assert/strict";
import { buildPipeline } from "../helpers/pipeline-fixture";

describe("the component's place for the DLQ audit trail", () => {
    it("creates a CloudWatch Logs group named from the prefix, kept for a year", async () => {
        // Act
        const { stack } = await buildPipeline({ namePrefix: "acme-dev" });

        // Assess
        const group = stack.named("main-dlq-audit");
        assert.deepEqual([group.inputs.name, group.inputs.retentionInDays], ["/acme-dev/dlq-audit", 365]);
    });
});
