// The unknown-value handling proven through @pulumi/policy's real analyzer handlers.
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { lambdaRuntimeSupported } from "../../policy/lambda";
import { policies } from "../../policy/policies";
import { sqsVisibilityTimeoutCoversConsumers } from "../../policy/event-source-mapping";
import { fakeResource, UNKNOWN } from "./helpers/args";
import { buildLane, laneWithUnknown } from "./helpers/lane";
import { analyzeResource, analyzeStack } from "./helpers/server";

// What a rule without our handling looks like: it reads the visibility timeout directly.
const naiveVisibilityRule: StackValidationPolicy = {
    name: "naive-visibility",
    description: "Reads the visibility timeout without handling unknown values.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const resource of args.resources.filter((r) => r.type === "aws:sqs/queue:Queue")) {
            if ((resource.props.visibilityTimeoutSeconds ?? 30) < 180) {
                reportViolation("visibility too short", resource.urn);
            }
        }
    },
};

describe("policies through the real analyzer server", () => {
    it("reports nothing for a compliant lane through AnalyzeStack", async () => {
        const lane = buildLane();

        const diagnostics = await analyzeStack(policies, lane.resources);

        assert.deepEqual(diagnostics, []);
    });

    it('shows the problem: a rule that reads an unknown value becomes an advisory "can\'t run" note', async () => {
        const lane = buildLane({ queue: { visibilityTimeoutSeconds: UNKNOWN } });

        const [diagnostic] = await analyzeStack([naiveVisibilityRule], lane.resources);

        assert.equal(diagnostic.enforcementLevel, "advisory");
        assert.match(diagnostic.message, /can't run policy 'naive-visibility'.*during preview/);
    });

    it("reports an unknown visibility timeout as a mandatory violation on the queue", async () => {
        const lane = laneWithUnknown("queue", "visibilityTimeoutSeconds", "fn");

        const diagnostics = await analyzeStack([sqsVisibilityTimeoutCoversConsumers], lane.resources);

        assert.deepEqual(
            diagnostics.map((d) => [d.enforcementLevel, d.urn, d.message.split("\n")[1]]),
            [
                [
                    "mandatory",
                    lane.queue.urn,
                    "SQS queue 'pager' visibilityTimeoutSeconds is unknown at preview; it must be known so this rule can be checked.",
                ],
            ],
        );
    });

    it("says under an unknown value what a first preview cannot know and the remedy (issue 10, item 3)", async () => {
        const lane = laneWithUnknown("queue", "visibilityTimeoutSeconds", "fn");

        const [diagnostic] = await analyzeStack([sqsVisibilityTimeoutCoversConsumers], lane.resources);

        assert.match(
            diagnostic.message.split("\n")[2],
            /^A first `pulumi preview` cannot know values the provider computes when it creates a resource \(ARNs, URLs, ids\).*build the value from names and the region, account and partition invokes/,
        );
    });

    it("reports an unknown runtime through Analyze as a mandatory violation", async () => {
        const fn = fakeResource(aws.lambda.Function, "pager-fn", { role: "r", runtime: UNKNOWN });

        const diagnostics = await analyzeResource([lambdaRuntimeSupported], fn);

        assert.deepEqual(
            diagnostics.map((d) => [d.enforcementLevel, d.message.split("\n")[1]]),
            [["mandatory", "Lambda function 'pager-fn' runtime is unknown at preview; it must be known so this rule can be checked."]],
        );
    });

    it("applies schema defaults when the analyzer was configured with nothing", async () => {
        const lane = buildLane({
            queue: {
                redrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:pager-dlq", maxReceiveCount: 9 }),
            },
        });

        const diagnostics = await analyzeStack(policies, lane.resources);

        assert.deepEqual(
            diagnostics.map((d) => d.message.split("\n")[1]),
            ["SQS queue 'pager' maxReceiveCount must be between 3 and 5; found 9."],
        );
    });
});
