import assert from "node:assert/strict";
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
        assert.match(problems[0], new RegExp(`'namePrefix' must be at most ${MAX_PREFIX_LENGTH} characters.*\\(${MAX_PREFIX_LENGTH + 1} characters\\)`));
    });

    it("rejects upper case in a prefix, which S3 bucket names refuse", () => {
        assert.match(validateNamePrefix("Prod-main")[0], /'namePrefix' must be lower case letters, digits and inner hyphens, "Prod-main" given/);
    });
});
