import * as aws from "@pulumi/aws";
import {
    sqsQueueOneAccessPolicy,
    sqsQueuePolicyDeniesInsecureTransport,
    sqsQueuePolicyNoWildcards,
    sqsQueuePolicyServicePrincipalScoped,
} from "../../policy/sqs-access";
import { fakeResource, runStackPolicy, UNKNOWN } from "./helpers/args";
import { assertNoViolations, assertOnlyViolation, assertViolation } from "./helpers/assertions";
import { buildLane, denyInsecureTransportPolicy, queueArn, queueUrl, laneWithUnknown } from "./helpers/lane";

const document = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const sendGrant = {
    Sid: "AgentSends",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:role/agent" },
    Action: "sqs:SendMessage",
    Resource: queueArn("pager"),
};

describe("policy sqs-queue-policy-denies-insecure-transport", () => {
    it("passes queues whose queue policies deny aws:SecureTransport false", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a queue without a queue policy", async () => {
        const lane = buildLane({ omit: ["queuePolicy"] });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager' must have a queue policy that denies all SQS actions when aws:SecureTransport is false; found no queue policy.",
            resource: lane.queue,
            enforcementLevel: "advisory",
        });
    });

    it("reports a queue policy without the Deny statement", async () => {
        const lane = buildLane({ queuePolicy: { policy: document(sendGrant) } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertOnlyViolation(violations, { message: "found no such statement in SQS queue policy 'pager-policy'." });
    });

    it("accepts the Deny statement in the queue's own policy property", async () => {
        const lane = buildLane({
            omit: ["queuePolicy"],
            queue: {
                policy: document({
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "*",
                    Condition: { Bool: { "aws:securetransport": false } },
                }),
            },
        });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it("links a queue policy to its queue by URL when no dependency records it", async () => {
        const lane = buildLane({ linkByValueOnly: true });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a queue policy document unknown at preview", async () => {
        const lane = laneWithUnknown("queuePolicy", "policy", "queue");

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue policy 'pager-policy' policy is unknown at preview",
            resource: lane.queuePolicy,
        });
    });

    it("reports a queue policy whose queue is unknown at preview when a queue lacks one", async () => {
        const lane = buildLane({ omit: ["queuePolicy"] });
        const orphan = fakeResource(
            aws.sqs.QueuePolicy,
            "orphan-policy",
            { queueUrl: UNKNOWN, policy: "{}" },
            { dependencies: [lane.role, lane.fn] },
        );

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

        assertOnlyViolation(violations, {
            message:
                "SQS queue policy 'pager-policy' must not allow a wildcard principal; found Principal \"*\" in statement 'AgentSends'.",
            resource: lane.queuePolicy,
            enforcementLevel: "mandatory",
        });
    });

    it("reports an Allow of sqs:*", async () => {
        const lane = buildLane({ queuePolicy: { policy: document({ ...sendGrant, Action: ["sqs:SendMessage", "sqs:*"] }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, { message: "must not allow wildcard actions; found sqs:* in statement 'AgentSends'." });
    });

    it("reports a wildcard in the queue's own policy property", async () => {
        const lane = buildLane({ queue: { policy: document({ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sqs:SendMessage" }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue 'pager' must not allow a wildcard principal", resource: lane.queue });
    });

    it("reports a policy document unknown at preview", async () => {
        const lane = laneWithUnknown("queuePolicy", "policy", "queue");

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, { message: "SQS queue policy 'pager-policy' policy is unknown at preview" });
    });

    it("treats a queue policy the provider computes (unknown, no dependency) as unset", async () => {
        const lane = buildLane({ queue: { policy: UNKNOWN } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a policy that is not JSON", async () => {
        const lane = buildLane({ queuePolicy: { queueUrl: queueUrl("pager"), policy: "allow everything" } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue policy 'pager-policy' policy must be a valid policy document; it is not valid JSON.",
        });
    });
});

describe("policy sqs-queue-policy-denies-insecure-transport: exact statement semantics", () => {
    const tlsDeny = (action: string, secureTransport: unknown) =>
        document({
            Effect: "Deny",
            Principal: "*",
            Action: action,
            Resource: queueArn("pager"),
            Condition: { Bool: { "aws:SecureTransport": secureTransport } },
        });

    it('accepts the action written "SQS:*" (IAM action names are case-insensitive)', async () => {
        const lane = buildLane({ queuePolicy: { policy: tlsDeny("SQS:*", "false") } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it('does not accept a Deny on aws:SecureTransport "true" (that denies the TLS requests)', async () => {
        const lane = buildLane({ queuePolicy: { policy: tlsDeny("sqs:*", "true") } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager' must have a queue policy that denies all SQS actions when aws:SecureTransport is false; found no such statement",
            resource: lane.queue,
        });
    });

    it("reports a queue whose inline policy and an aws.sqs.QueuePolicy both write its Policy attribute", async () => {
        const lane = buildLane({ queue: { policy: tlsDeny("sqs:*", "false") }, queuePolicy: { policy: document(sendGrant) } });

        const violations = await runStackPolicy(sqsQueueOneAccessPolicy, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue 'pager' has 2 access policies (its own policy, SQS queue policy 'pager-policy'), but SQS keeps one: the last write wins; keep exactly one.",
            resource: lane.queue,
        });
    });

    it("does not count a deny that only one of two access policies has", async () => {
        const lane = buildLane({ queue: { policy: tlsDeny("sqs:*", "false") }, queuePolicy: { policy: document(sendGrant) } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' must have a queue policy that denies all SQS actions",
            resource: lane.queue,
        });
    });

    it("passes a queue with exactly one access policy (sqs-queue-one-access-policy)", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsQueueOneAccessPolicy, lane.resources);

        assertNoViolations(violations);
    });

    it("reports two aws.sqs.QueuePolicy resources on one queue", async () => {
        const lane = buildLane();
        const second = fakeResource(
            aws.sqs.QueuePolicy,
            "pager-policy-2",
            { queueUrl: queueUrl("pager"), policy: document(sendGrant) },
            { propertyDependencies: { queueUrl: [lane.queue] } },
        );

        const violations = await runStackPolicy(sqsQueueOneAccessPolicy, [...lane.resources, second]);

        assertOnlyViolation(violations, {
            message: "SQS queue 'pager' has 2 access policies (SQS queue policy 'pager-policy', SQS queue policy 'pager-policy-2')",
        });
    });
});

describe("policy sqs-queue-policy-no-wildcards: what is public and what is not", () => {
    const fromTopic = (condition: object) =>
        document({
            Sid: "FromTopic",
            Effect: "Allow",
            Principal: "*",
            Action: "sqs:SendMessage",
            Resource: queueArn("pager"),
            Condition: condition,
        });

    for (const [key, operator, value] of [
        ["aws:SourceArn", "ArnEquals", "arn:aws:sns:eu-west-1:123456789012:alerts"],
        ["aws:SourceAccount", "StringEquals", "123456789012"],
        ["aws:PrincipalOrgID", "StringEquals", "o-a1b2c3d4e5"],
    ]) {
        it(`passes Principal "*" restricted by ${key} to a fixed value (not public)`, async () => {
            const lane = buildLane({ queuePolicy: { policy: fromTopic({ [operator]: { [key]: value } }) } });

            const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

            assertNoViolations(violations);
        });
    }

    it('reports Principal "*" whose aws:SourceArn condition is itself a wildcard', async () => {
        const lane = buildLane({ queuePolicy: { policy: fromTopic({ ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:*" } }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, {
            message: "must not allow a wildcard principal; found Principal \"*\" in statement 'FromTopic'.",
        });
    });

    it('reports Principal "*" restricted only by a condition that does not name the caller (aws:SecureTransport)', async () => {
        const lane = buildLane({ queuePolicy: { policy: fromTopic({ Bool: { "aws:SecureTransport": "true" } }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, { message: "must not allow a wildcard principal" });
    });

    it("reports an Allow with NotPrincipal (everyone but the listed principals)", async () => {
        const lane = buildLane({
            queuePolicy: {
                policy: document({
                    Sid: "AllButOne",
                    Effect: "Allow",
                    NotPrincipal: { AWS: "arn:aws:iam::123456789012:role/agent" },
                    Action: "sqs:SendMessage",
                }),
            },
        });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue policy 'pager-policy' must not allow with NotPrincipal (it grants every principal but those listed); found it in statement 'AllButOne'.",
            resource: lane.queuePolicy,
        });
    });

    it("reports an Allow with NotAction as a wildcard action", async () => {
        const lane = buildLane({ queuePolicy: { policy: document({ ...sendGrant, Action: undefined, NotAction: "sqs:DeleteQueue" }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, {
            message: "must not allow wildcard actions; found NotAction \"sqs:DeleteQueue\" in statement 'AgentSends'.",
            resource: lane.queuePolicy,
        });
    });

    it('reports the action written "SQS:*" as a wildcard', async () => {
        const lane = buildLane({ queuePolicy: { policy: document({ ...sendGrant, Action: "SQS:*" }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, { message: "found SQS:* in statement 'AgentSends'." });
    });
});

describe("policy sqs-queue-policy-service-principal-scoped", () => {
    const fromSns = (condition?: object) =>
        document({
            Sid: "FromSns",
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queueArn("pager"),
            Condition: condition,
        });

    it("passes a service principal scoped by aws:SourceArn", async () => {
        const lane = buildLane({
            queuePolicy: { policy: fromSns({ ArnEquals: { "aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:alerts" } }) },
        });

        const violations = await runStackPolicy(sqsQueuePolicyServicePrincipalScoped, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a service principal with no aws:SourceArn or aws:SourceAccount (confused deputy)", async () => {
        const lane = buildLane({ queuePolicy: { policy: fromSns() } });

        const violations = await runStackPolicy(sqsQueuePolicyServicePrincipalScoped, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "SQS queue policy 'pager-policy' must scope service principal sns.amazonaws.com with aws:SourceArn or aws:SourceAccount; found none in statement 'FromSns'.",
            resource: lane.queuePolicy,
            enforcementLevel: "mandatory",
        });
    });

    it("passes a policy with no service principal", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(sqsQueuePolicyServicePrincipalScoped, lane.resources);

        assertNoViolations(violations);
    });
});

describe("policy sqs-queue-policy-denies-insecure-transport: names IAM compares without case", () => {
    const deny = (action: string, key: string) =>
        document({
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: action,
            Resource: queueArn("pager"),
            Condition: { Bool: { [key]: false } },
        });

    it('accepts a Deny of Action "*" (every action, so every SQS action)', async () => {
        const lane = buildLane({ queuePolicy: { policy: deny("*", "aws:SecureTransport") } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it('accepts the condition key written "aws:securetransport" with the boolean false', async () => {
        const lane = buildLane({ queuePolicy: { policy: deny("Sqs:*", "aws:securetransport") } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it("does not accept a Deny of one SQS action only", async () => {
        const lane = buildLane({ queuePolicy: { policy: deny("sqs:SendMessage", "aws:SecureTransport") } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertViolation(violations, {
            message: "must have a queue policy that denies all SQS actions when aws:SecureTransport is false",
            resource: lane.queue,
        });
    });
});

describe("policy sqs-queue-policy-no-wildcards: principals written as lists", () => {
    it('reports Principal {"AWS": ["*"]} with no condition as public', async () => {
        const lane = buildLane({ queuePolicy: { policy: document({ ...sendGrant, Principal: { AWS: ["*"] } }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertViolation(violations, {
            message: 'must not allow a wildcard principal; found Principal {"AWS":["*"]} in statement \'AgentSends\'.',
            resource: lane.queuePolicy,
        });
    });

    it('reports Principal "*" pinned by aws:SourceArn only under ArnEqualsIfExists (a request without the key passes it)', async () => {
        const lane = buildLane({
            queuePolicy: {
                policy: document({
                    ...sendGrant,
                    Principal: "*",
                    Condition: { ArnEqualsIfExists: { "aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:alerts" } },
                }),
            },
        });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertViolation(violations, { message: "must not allow a wildcard principal", resource: lane.queuePolicy });
    });
});

describe("queue access rules: labels, lists and unresolved policies", () => {
    const { Sid: _sid, ...unnamedGrant } = sendGrant;

    it("names a statement without a Sid by its position, counted from 1", async () => {
        const lane = buildLane({ queuePolicy: { policy: document(sendGrant, { ...unnamedGrant, Action: "sqs:*" }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, { message: "must not allow wildcard actions; found sqs:* in statement 2." });
    });

    it("lists every wildcard action of a statement", async () => {
        const lane = buildLane({ queuePolicy: { policy: document({ ...sendGrant, Action: ["sqs:*", "*"] }) } });

        const violations = await runStackPolicy(sqsQueuePolicyNoWildcards, lane.resources);

        assertOnlyViolation(violations, { message: "must not allow wildcard actions; found sqs:*, * in statement 'AgentSends'." });
    });

    it("lists every service principal a statement leaves unscoped", async () => {
        const lane = buildLane({
            queuePolicy: { policy: document({ ...sendGrant, Principal: { Service: ["sns.amazonaws.com", "events.amazonaws.com"] } }) },
        });

        const violations = await runStackPolicy(sqsQueuePolicyServicePrincipalScoped, lane.resources);

        assertOnlyViolation(violations, {
            message: "must scope service principal sns.amazonaws.com, events.amazonaws.com with aws:SourceArn or aws:SourceAccount",
        });
    });

    it("lists every access policy of a queue that has two without the TLS deny", async () => {
        const lane = buildLane({ queue: { policy: document(sendGrant) }, queuePolicy: { policy: document(sendGrant) } });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertOnlyViolation(violations, { message: "found no such statement in SQS queue 'pager', SQS queue policy 'pager-policy'." });
    });

    it("accepts a policy whose TLS deny is one statement among others", async () => {
        const lane = buildLane({
            queuePolicy: {
                policy: document(
                    sendGrant,
                    (JSON.parse(denyInsecureTransportPolicy(queueArn("pager"))) as { Statement: object[] }).Statement[0],
                ),
            },
        });

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, lane.resources);

        assertNoViolations(violations);
    });

    it("does not report a queue policy of unknown queue when every queue denies insecure transport", async () => {
        const lane = buildLane();
        const policy = fakeResource(
            aws.sqs.QueuePolicy,
            "shared-policy",
            { queueUrl: UNKNOWN, policy: document(sendGrant) },
            { propertyDependencies: { queueUrl: [lane.role] } },
        );

        const violations = await runStackPolicy(sqsQueuePolicyDeniesInsecureTransport, [...lane.resources, policy]);

        assertNoViolations(violations);
    });
});
