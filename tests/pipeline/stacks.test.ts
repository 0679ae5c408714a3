import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EscalationPipeline, PipelineConfigError } from "../../pipeline";
import { ResourceTypes } from "../helpers/pipeline-fixture";
import { runWithMocks, stackConfig, valueOf } from "../helpers/pulumi-mocks";

const PROGRAM = path.join(__dirname, "..", "..", "index.ts");

/** Runs the stack entry (index.ts) fresh, as `pulumi up` would, with a stack file's config. */
async function runProgram(stackName: string, config: Record<string, unknown>) {
    return runWithMocks(() => {
        delete require.cache[require.resolve(PROGRAM)];
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(PROGRAM) as Record<string, pulumi.Output<string>>;
    }, { stack: stackName, config });
}

describe("stacks", () => {
    for (const stackName of ["dev", "prod"]) {
        it(`builds the ${stackName} stack from Pulumi.${stackName}.yaml and exports every output`, async () => {
            const { stack, result: outputs } = await runProgram(stackName, stackConfig(stackName));

            assert.equal(stack.ofType(ResourceTypes.function).length, 2);
            assert.deepEqual(Object.keys(outputs).sort(), [
                "alarmTopicArn", "dlqAuditLogGroupName", "escalationDeadLetterQueueArn", "escalationDeadLetterQueueUrl", "escalationFunctionName", "escalationQueueArn",
                "escalationQueueUrl", "idempotencyTableName", "payloadBucketName", "toolCallDeadLetterQueueArn", "toolCallDeadLetterQueueUrl",
                "toolCallFunctionName", "toolCallQueueArn", "toolCallQueueUrl",
            ]);
            assert.equal(await valueOf(outputs.toolCallQueueUrl), `https://sqs.${stackConfig(stackName)["aws:region"]}.amazonaws.com/123456789012/escalation-pipeline-${stackName}-main-tool-calls.fifo`);
        });
    }

    it("applies the stack file's settings (prod: customer key, 5 receives, high throughput)", async () => {
        const { stack } = await runProgram("prod", stackConfig("prod"));
        const toolCallQueue = stack.named("main-tool-call-queue");

        assert.match(String(toolCallQueue.inputs.kmsMasterKeyId), /^arn:aws:kms:/);
        assert.equal(JSON.parse(String(toolCallQueue.inputs.redrivePolicy)).maxReceiveCount, 5);
        assert.equal(toolCallQueue.inputs.fifoThroughputLimit, "perMessageGroupId");
    });

    it("registers nothing when the stack config is invalid, and names the bad key", async () => {
        let thrown: unknown;
        const { stack } = await runWithMocks(() => {
            try {
                new EscalationPipeline("main", { options: { escalation: { maxReceiveCount: 10 } } });
            } catch (error) {
                thrown = error;
            }
        });

        assert.ok(thrown instanceof PipelineConfigError);
        assert.match(thrown.message, /'pipeline\.escalation\.maxReceiveCount' must be an integer between 3 and 5, 10 given/);
        assert.equal(stack.resources.length, 0);
    });

    it("builds two pipelines in one stack without a clash of logical or physical names", async () => {
        const { stack } = await runWithMocks(() => [new EscalationPipeline("blue"), new EscalationPipeline("green")]);
        const logical = stack.resources.map((r) => `${r.type}::${r.name}`);
        // A role shares its function's name (different namespaces), so uniqueness is per type.
        const physical = stack.resources
            .map((r) => [r.type, r.type === ResourceTypes.bucket ? r.inputs.bucket : r.inputs.name])
            .filter(([, n]) => typeof n === "string")
            .map(([type, n]) => `${type}::${n}`);

        assert.equal(new Set(logical).size, logical.length);
        assert.equal(new Set(physical).size, physical.length);
        assert.equal(stack.ofType(ResourceTypes.queue).length, 8);
    });
});
