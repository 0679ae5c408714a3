import * as assert from "node:assert/strict";
import { HandlerEnvironment } from "../../handlers/environment";
import { computeLaneSettings, LaneKind, validatePipelineOptions } from "../../pipeline";
import { buildPipeline, laneResource } from "../helpers/pipeline-fixture";

function onlyProblem(options: unknown): string {
    const problems = validatePipelineOptions(options);
    assert.equal(problems.length, 1, `expected one problem, got: ${JSON.stringify(problems)}`);
    return problems[0]!;
}

const variablesOf = (inputs: Record<string, unknown>) => (inputs.environment as { variables: Record<string, string> }).variables;

describe("maximum message size per lane", () => {
    it("gives both queues of a lane SQS's default 256 KiB limit by default", async () => {
        const { stack } = await buildPipeline();

        assert.deepEqual(
            [
                laneResource(stack, "escalation", "queue").inputs.maxMessageSize,
                laneResource(stack, "escalation", "dlq").inputs.maxMessageSize,
            ],
            [262_144, 262_144],
        );
    });

    it("gives the queue and its DLQ the 1 MiB limit a lane asks for", async () => {
        const { stack } = await buildPipeline({ options: { toolCall: { maximumMessageSizeBytes: 1_048_576 } } });

        assert.deepEqual(
            [
                laneResource(stack, "tool-call", "queue").inputs.maxMessageSize,
                laneResource(stack, "tool-call", "dlq").inputs.maxMessageSize,
            ],
            [1_048_576, 1_048_576],
        );
    });

    it("tells the consumer both limits through its environment", async () => {
        const { stack } = await buildPipeline({ options: { escalation: { maximumMessageSizeBytes: 524_288 } } });

        const variables = variablesOf(laneResource(stack, "escalation", "consumer").inputs);

        assert.deepEqual(
            [variables[HandlerEnvironment.maximumMessageSizeBytes], variables[HandlerEnvironment.deadLetterMaximumMessageSizeBytes]],
            ["524288", "524288"],
        );
    });

    it("never gives a DLQ a smaller limit than its source", () => {
        for (const maximumMessageSizeBytes of [8192, 262_144, 1_048_576]) {
            const settings = computeLaneSettings(LaneKind.standard, { maximumMessageSizeBytes });

            assert.ok(settings.deadLetterQueue.maximumMessageSizeBytes >= settings.queue.maximumMessageSizeBytes);
        }
    });

    it("rejects a limit above 1 MiB, naming the field, the range and the value", () => {
        assert.equal(
            onlyProblem({ escalation: { maximumMessageSizeBytes: 1_048_577 } }),
            "'pipeline.escalation.maximumMessageSizeBytes' must be an integer between 8192 and 1048576, 1048577 given",
        );
    });

    it("rejects a limit too small for an offloaded pointer and its dead-letter reasons", () => {
        assert.match(
            onlyProblem({ toolCall: { maximumMessageSizeBytes: 1024 } }),
            /'pipeline\.toolCall\.maximumMessageSizeBytes' must be an integer between 8192 and 1048576, 1024 given/,
        );
    });

    it("rejects a limit given as text", () => {
        assert.match(onlyProblem({ escalation: { maximumMessageSizeBytes: "1MiB" } }), /between 8192 and 1048576, "1MiB" given/);
    });
});
