import * as assert from "node:assert/strict";
import { defaultNamePrefix, MAX_PREFIX_LENGTH, pipelineNames, validateNamePrefix } from "../../pipeline";

describe("naming", () => {
    it("prefixes names with project, stack and component name", () => {
        assert.equal(defaultNamePrefix("escalation-pipeline", "prod", "main"), "escalation-pipeline-prod-main");
    });

    it("lower-cases a stack name and turns other characters into single hyphens", () => {
        assert.equal(defaultNamePrefix("Escalation", "team_a.Prod", "main"), "escalation-team-a-prod-main");
    });

    it("ends FIFO queue and DLQ names in .fifo", () => {
        const names = pipelineNames("p").lanes.toolCall;

        assert.equal(names.queue, "p-tool-calls.fifo");
        assert.equal(names.deadLetterQueue, "p-tool-calls-dlq.fifo");
    });

    it("gives the standard lane plain queue names", () => {
        const names = pipelineNames("p").lanes.escalation;

        assert.equal(names.queue, "p-escalations");
        assert.equal(names.deadLetterQueue, "p-escalations-dlq");
    });

    it("names each consumer's log group after the function, where Lambda looks for it", () => {
        assert.equal(pipelineNames("p").lanes.escalation.logGroup, "/aws/lambda/p-escalation-pager");
    });

    it("makes the payload bucket name unique per account", () => {
        assert.equal(pipelineNames("p").payloadBucket("123456789012"), "p-payloads-123456789012");
    });

    it("accepts the longest prefix whose bucket name still fits 63 characters", () => {
        const prefix = "a".repeat(MAX_PREFIX_LENGTH);

        assert.deepEqual(validateNamePrefix(prefix), []);
        assert.equal(pipelineNames(prefix).payloadBucket("123456789012").length, 63);
    });

    it("rejects a prefix one character too long, naming the limit and the length given", () => {
        const problems = validateNamePrefix("a".repeat(MAX_PREFIX_LENGTH + 1));

        assert.equal(problems.length, 1);
        assert.match(
            problems[0],
            new RegExp(`'namePrefix' must be at most ${MAX_PREFIX_LENGTH} characters.*\\(${MAX_PREFIX_LENGTH + 1} characters\\)`),
        );
    });

    it("rejects upper case in a prefix, which S3 bucket names refuse", () => {
        assert.match(
            validateNamePrefix("Prod-main")[0],
            /'namePrefix' must be lower case letters, digits and inner hyphens, "Prod-main" given/,
        );
    });

    const reservedStarts = [
        ["xn--pipeline", "xn--", "S3"],
        ["sthree-pipeline", "sthree-", "S3"],
        ["amzn-s3-demo-pipeline", "amzn-s3-demo-", "S3"],
        ["aws-pipeline", "aws", "SSM"],
        ["ssm-pipeline", "ssm", "SSM"],
    ] as const;
    for (const [prefix, start, service] of reservedStarts) {
        it(`rejects the prefix ${prefix}, which ${service} refuses, with the reason`, () => {
            const problems = validateNamePrefix(prefix);

            assert.equal(problems.length, 1);
            assert.ok(problems[0].startsWith(`'namePrefix' must not start with "${start}": ${service} `), problems[0]);
            assert.ok(problems[0].endsWith(`"${prefix}" given`), problems[0]);
        });
    }

    it("accepts a prefix that only contains a reserved word later on", () => {
        assert.deepEqual(validateNamePrefix("team-aws-ssm-xn-main"), []);
    });

    it("names alarms, role policies and the key alias from the prefix", () => {
        const names = pipelineNames("p");

        assert.equal(names.lanes.toolCall.alarm("dlq-depth"), "p-tool-call-dlq-depth");
        assert.equal(names.lanes.escalation.rolePolicy, "p-escalation-pager-permissions");
        assert.equal(names.keyAlias, "alias/p");
    });
});
