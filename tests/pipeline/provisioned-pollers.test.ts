import * as assert from "node:assert/strict";
import { computeLaneSettings, LaneKind, validatePipelineOptions } from "../../pipeline";
import { mappingSettingsFromLane } from "../../local/event-source-mapping";
import { buildPipeline, laneResource } from "../helpers/pipeline-fixture";

function onlyProblem(options: unknown): string {
    const problems = validatePipelineOptions(options);
    assert.equal(problems.length, 1, `expected one problem, got: ${JSON.stringify(problems)}`);
    return problems[0]!;
}

describe("provisioned pollers (provisioned mode of the event source mapping)", () => {
    it("gives the mapping a provisionedPollerConfig and no scalingConfig", async () => {
        const { stack } = await buildPipeline({
            options: { escalation: { reservedConcurrency: 10, provisionedPollers: { minimumPollers: 4, maximumPollers: 50 } } },
        });

        const mapping = laneResource(stack, "escalation", "mapping");

        assert.deepEqual(mapping.inputs.provisionedPollerConfig, { minimumPollers: 4, maximumPollers: 50 });
        assert.equal(mapping.inputs.scalingConfig, undefined);
    });

    it("uses AWS's defaults, 2 to 200 pollers, when none are given", () => {
        const settings = computeLaneSettings(LaneKind.fifo, { provisionedPollers: {} });

        assert.deepEqual(settings.mapping.provisionedPollers, { minimumPollers: 2, maximumPollers: 200 });
        assert.equal(settings.mapping.maximumConcurrency, undefined);
    });

    it("keeps standard mode, bounded by maximumConcurrency, without the option", async () => {
        const { stack } = await buildPipeline();

        const mapping = laneResource(stack, "tool-call", "mapping");

        assert.deepEqual(mapping.inputs.scalingConfig, { maximumConcurrency: 5 });
        assert.equal(mapping.inputs.provisionedPollerConfig, undefined);
    });

    it("runs the provisioned minimum as a fixed poller count in the local runtime", () => {
        const settings = computeLaneSettings(LaneKind.standard, { provisionedPollers: { minimumPollers: 3, maximumPollers: 20 } });

        assert.equal(mappingSettingsFromLane(settings).maximumConcurrency, 3);
    });

    it("rejects a minimum of 1 poller: SQS mappings need at least 2", () => {
        assert.equal(
            onlyProblem({ escalation: { reservedConcurrency: 10, provisionedPollers: { minimumPollers: 1 } } }),
            "'pipeline.escalation.provisionedPollers.minimumPollers' must be an integer between 2 and 200, 1 given",
        );
    });

    it("rejects a minimum above 200 pollers", () => {
        assert.match(
            onlyProblem({ toolCall: { reservedConcurrency: 10, provisionedPollers: { minimumPollers: 201, maximumPollers: 300 } } }),
            /minimumPollers' must be an integer between 2 and 200, 201 given/,
        );
    });

    it("rejects a maximum above 2000 pollers", () => {
        assert.equal(
            onlyProblem({ escalation: { reservedConcurrency: 10, provisionedPollers: { maximumPollers: 2001 } } }),
            "'pipeline.escalation.provisionedPollers.maximumPollers' must be an integer between 2 and 2000, 2001 given",
        );
    });

    it("rejects a maximum below the minimum", () => {
        assert.equal(
            onlyProblem({ escalation: { reservedConcurrency: 10, provisionedPollers: { minimumPollers: 10, maximumPollers: 5 } } }),
            "'pipeline.escalation.provisionedPollers.maximumPollers' must be at least minimumPollers (10), 5 given",
        );
    });

    it("rejects provisioned pollers together with maximumConcurrency, explaining the exclusive choice", () => {
        assert.equal(
            onlyProblem({ escalation: { reservedConcurrency: 10, maximumConcurrency: 4, provisionedPollers: { minimumPollers: 2 } } }),
            "'pipeline.escalation.maximumConcurrency' cannot be combined with 'pipeline.escalation.provisionedPollers': AWS accepts one or the other on an SQS event source mapping " +
                "(maximumConcurrency caps a standard-mode mapping's concurrent invocations; provisioned pollers replace standard-mode scaling, and reservedConcurrency then bounds the consumer); " +
                "remove one of them, 4 given for maximumConcurrency",
        );
    });

    it("requires reserved concurrency with provisioned pollers: nothing else bounds the consumer", () => {
        assert.match(
            onlyProblem({ toolCall: { provisionedPollers: { minimumPollers: 2 } } }),
            /'pipeline\.toolCall\.reservedConcurrency' must be set with 'pipeline\.toolCall\.provisionedPollers'/,
        );
    });

    it("rejects an unknown poller setting", () => {
        assert.match(
            onlyProblem({ escalation: { reservedConcurrency: 10, provisionedPollers: { pollerGroupName: "g" } } }),
            /'pipeline\.escalation\.provisionedPollers\.pollerGroupName' is not a known setting; known settings are minimumPollers, maximumPollers/,
        );
    });
});
