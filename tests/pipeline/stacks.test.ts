import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EscalationPipeline, PipelineConfigError } from "../../pipeline";
import { ResourceTypes } from "../helpers/pipeline-fixture";
import { runWithMocks, stackConfig, valueOf } from "../helpers/pulumi-mocks";

const PROGRAM = path.join(__dirname, "..", "..", "index.ts");

/** Runs the stack entry (index.ts) fresh, as `pulumi up` would, with a stack file's config. */
async function runProgram(stackName: string, config: Record<string, unknown>) {
    return runWithMocks(
        () => {
            delete require.cache[require.resolve(PROGRAM)];
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            return require(PROGRAM) as Record<string, pulumi.Output<string>>;
        },
        { stack: stackName, config },
    );
}

describe("stacks", () => {
    for (const stackName of ["dev", "prod"]) {
        it(`builds the ${stackName} stack from Pulumi.${stackName}.yaml and exports every output`, async () => {
            const { stack, result: outputs } = await runProgram(stackName, stackConfig(stackName));

            // Two consumers and the alarm notifier.
            assert.equal(stack.ofType(ResourceTypes.function).length, 3);
            assert.deepEqual(Object.keys(outputs).sort(), [
                "alarmTopicArn",
                "dlqAuditLogGroupName",
                "escalationDeadLetterQueueArn",
                "escalationDeadLetterQueueUrl",
                "escalationFunctionName",
                "escalationQueueArn",
                "escalationQueueUrl",
                "idempotencyTableName",
                "payloadBucketName",
                "toolCallDeadLetterQueueArn",
                "toolCallDeadLetterQueueUrl",
                "toolCallFunctionName",
                "toolCallQueueArn",
                "toolCallQueueUrl",
            ]);
            assert.equal(
                await valueOf(outputs.toolCallQueueUrl),
                `https://sqs.${stackConfig(stackName)["aws:region"]}.amazonaws.com/123456789012/escalation-pipeline-${stackName}-main-tool-calls.fifo`,
            );
        });
    }

    it("applies the stack file's settings (prod: the stack's own key, 5 receives, high throughput)", async () => {
        const { stack } = await runProgram("prod", stackConfig("prod"));
        const toolCallQueue = stack.named("main-tool-call-queue");

        assert.equal(toolCallQueue.inputs.kmsMasterKeyId, `arn:aws:kms:us-east-1:123456789012:key/main-key-key-id`);
        assert.equal(JSON.parse(String(toolCallQueue.inputs.redrivePolicy)).maxReceiveCount, 5);
        assert.equal(toolCallQueue.inputs.fifoThroughputLimit, "perMessageGroupId");
    });

    it("ships no stack file with an alarm endpoint, a key or anything else a user must replace before deploying", () => {
        for (const stackName of ["dev", "prod"]) {
            const text = fs.readFileSync(path.join(__dirname, "..", "..", `Pulumi.${stackName}.yaml`), "utf8");
            const settings = text
                .split("\n")
                .filter((line) => !line.trimStart().startsWith("#"))
                .join("\n");

            assert.doesNotMatch(
                settings,
                /example\.(com|net|org)|111122223333|0123456789abcdef|kmsKeyArn|Endpoints/,
                `Pulumi.${stackName}.yaml`,
            );
        }
    });

    it("leaves every dev function without reserved concurrency, which a new account's quota cannot give", async () => {
        const { stack } = await runProgram("dev", stackConfig("dev"));

        assert.deepEqual(
            stack.ofType(ResourceTypes.function).map((fn) => fn.inputs.reservedConcurrentExecutions),
            [undefined, undefined, undefined],
        );
    });

    it("reserves prod's lanes and two executions for the alarm notifier, so the lanes cannot starve it", async () => {
        const { stack } = await runProgram("prod", stackConfig("prod"));
        const reserved = Object.fromEntries(
            stack.ofType(ResourceTypes.function).map((fn) => [fn.inputs.name, fn.inputs.reservedConcurrentExecutions]),
        );

        assert.deepEqual(reserved, {
            "escalation-pipeline-prod-main-escalation-pager": 20,
            "escalation-pipeline-prod-main-tool-executor": 10,
            "escalation-pipeline-prod-main-alarm-notifier": 2,
        });
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
        // Per pipeline: four lane queues and the alarm notifier's DLQ.
        assert.equal(stack.ofType(ResourceTypes.queue).length, 10);
    });
});
