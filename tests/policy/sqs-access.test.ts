import * as aws from "@pulumi/aws";
import { sqsQueuePolicyDeniesInsecureTransport, sqsQueuePolicyNoWildcards } from "../../policy/sqs-access";
import { fakeResource, runStackPolicy, UNKNOWN } from "../helpers/policy-args";
import { assertNoViolations, assertViolation } from "../helpers/policy-assertions";
import { buildLane, queueArn, queueUrl } from "../helpers/policy-lane";

const document = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const sendGrant = { Sid: "AgentSends", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/agent" }, Action: "sqs:SendMessage", Resource: queueArn("pager") };

describe("policy sqs-queue-policy-denies-insecure-transport", () => {
    it("passes queues whose queue policies deny aws:SecureTransport false", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a queue without a queue policy", async () => {
        const lane = buildLane({ omit: ["queuePolicy"] });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertViolation(violations, { message: "SQS queue 'pager' must have a queue policy that denies all SQS actions when aws:SecureTransport is false; found no queue policy.", resource: lane.queue, enforcementLevel: "advisory" });
    });

    it("reports a queue policy without the Deny statement", async () => {
        const lane = buildLane({ queuePolicy: { policy: document(sendGrant) } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertViolation(violations, { message: "found no such statement in SQS queue policy 'pager-policy'." });
    });

    it("accepts the Deny statement in the queue's own policy property", async () => {
        const lane = buildLane({ omit: ["queuePolicy"], queue: { policy: document({ Effect: "Deny", Principal: { AWS: "*" }, Action: "*", Condition: { Bool: { "aws:securetransport": false } } }) } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it("links a queue policy to its queue by URL when no dependency records it", async () => {
        const lane = buildLane({ linkByValueOnly: true });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a queue policy document unknown at preview", async () => {
        const lane = buildLane({ queuePolicy: { policy: UNKNOWN }, dependsOn: { queuePolicy: { policy: ["queue"] } } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertViolation(violations, { message: "SQS queue policy 'pager-policy' policy is unknown at preview", resource: lane.queuePolicy });
    });

    it("reports a queue policy whose queue is unknown at preview when a queue lacks one", async () => {
        const lane = buildLane({ omit: ["queuePolicy"] });
        const orphan = fakeResource(aws.sqs.QueuePolicy, "orphan-policy", { queueUrl: UNKNOWN, policy: "{}" }, { dependencies: [lane.role, lane.fn] });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, [...lane.resources, orphan]);

        assertViolation(violations, { message: "SQS queue policy 'orphan-policy' queueUrl is unknown at preview", resource: orphan });
    });
});

describe("policy sqs-queue-policy-no-wildcards", () => {
    it("passes policies that grant named actions to named principals", async () => {
        const lane = buildLane({ queuePolicy: { policy: document(sendGrant) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertNoViolations(violations);
    });

    it("ignores the wildcard principal of a Deny statement", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertNoViolations(violations);
    });

    it("reports an Allow to any principal", async () => {
        const lane = buildLane({ queuePolicy: { policy: document({ ...sendGrant, Principal: "*" }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertViolation(violations, { message: "SQS queue policy 'pager-policy' must not allow a wildcard principal; found Principal \"*\" in statement 'AgentSends'.", resource: lane.queuePolicy, enforcementLevel: "mandatory" });
    });

    it("reports an Allow of sqs:*", async () => {
        const lane = buildLane({ queuePolicy: { policy: document({ ...sendGrant, Action: ["sqs:SendMessage", "sqs:*"] }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertViolation(violations, { message: "must not allow wildcard actions; found sqs:* in statement 'AgentSends'." });
    });

    it("reports a wildcard in the queue's own policy property", async () => {
        const lane = buildLane({ queue: { policy: document({ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sqs:SendMessage" }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertViolation(violations, { message: "SQS queue 'pager' must not allow a wildcard principal", resource: lane.queue });
    });

    it("reports a policy document unknown at preview", async () => {
        const lane = buildLane({ queuePolicy: { policy: UNKNOWN }, dependsOn: { queuePolicy: { policy: ["queue"] } } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertViolation(violations, { message: "SQS queue policy 'pager-policy' policy is unknown at preview" });
    });

    it("treats a queue policy the provider computes (unknown, no dependency) as unset", async () => {
        const lane = buildLane({ queue: { policy: UNKNOWN } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a policy that is not JSON", async () => {
        const lane = buildLane({ queuePolicy: { queueUrl: queueUrl("pager"), policy: "allow everything" } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertViolation(violations, { message: "SQS queue policy 'pager-policy' policy must be a valid policy document; it is not valid JSON." });
    });
});
