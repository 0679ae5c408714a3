import * as aws from "@pulumi/aws";
import { iamConsumerRoleLeastPrivilege } from "../../policy/iam";
import { fakeResource, type FakeResource, foreignResource, runStackPolicy, UNKNOWN } from "./helpers/args";
import { assertNoViolations, assertOnlyViolation, assertViolation } from "./helpers/assertions";
import { buildLane, type Lane, laneWithUnknown } from "./helpers/lane";

/** An IAM policy document of one statement, as the JSON string a policy resource holds. */
const documentOf = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

/** A document that allows `action` on `resource`. */
const grant = (action: string | string[], resource: string | string[] = "*") =>
    documentOf({ Effect: "Allow", Action: action, Resource: resource });

/** What the rule reports on the lane with `extra` resources beside it. */
const violationsOf = (lane: Lane, ...extra: FakeResource[]) => runStackPolicy(iamConsumerRoleLeastPrivilege, [...lane.resources, ...extra]);

/** A role policy whose role is unknown at preview and named by no dependency (it depends on the queue only). */
const orphanRolePolicy = (lane: Lane) =>
    fakeResource(aws.iam.RolePolicy, "orphan", { role: UNKNOWN, policy: grant("sqs:ReceiveMessage") }, { dependencies: [lane.queue] });

/**
 * A customer managed policy of `document` and the attachment of `kind` that puts it on the lane's
 * role, as a first preview sees them: the role and the policy's ARN are unknown, so only the
 * property dependencies (the policy's ARN also from `alsoFrom`) link them.
 */
function attachedCustomerPolicy(
    lane: Lane,
    document: string,
    kind: "attachment" | "exclusive",
    alsoFrom: readonly FakeResource[] = [],
): [FakeResource, FakeResource] {
    const customer = fakeResource(aws.iam.Policy, "pager-extra", { policy: document });
    const attachment =
        kind === "attachment"
            ? fakeResource(
                  aws.iam.RolePolicyAttachment,
                  "pager-extra-attach",
                  { role: UNKNOWN, policyArn: UNKNOWN },
                  { propertyDependencies: { role: [lane.role], policyArn: [customer, ...alsoFrom] } },
              )
            : fakeResource(
                  aws.iam.RolePolicyAttachmentsExclusive,
                  "pager-exclusive",
                  { roleName: UNKNOWN, policyArns: UNKNOWN },
                  { propertyDependencies: { roleName: [lane.role], policyArns: [customer, ...alsoFrom] } },
              );
    return [customer, attachment];
}

describe("policy iam-consumer-role-least-privilege", () => {
    it("passes a consumer role with named SQS actions", async () => {
        const lane = buildLane();

        const violations = await violationsOf(lane);

        assertNoViolations(violations);
    });

    it("reports sqs:* in a role policy", async () => {
        const lane = buildLane({ rolePolicy: { policy: grant("sqs:*") } });

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, {
            message: "IAM role 'pager-role' must not allow wildcard actions; found sqs:* in IAM role policy 'pager-consume'.",
            resource: lane.role,
            enforcementLevel: "mandatory",
        });
    });

    it("reports * in an inline policy of the role", async () => {
        const lane = buildLane({ role: { inlinePolicies: [{ name: "all", policy: grant(["logs:PutLogEvents", "*"]) }] } });

        const violations = await violationsOf(lane);

        assertViolation(violations, { message: "found * in inline policy 1." });
    });

    it("reports a *FullAccess managed policy attachment", async () => {
        const lane = buildLane();
        const attachment = fakeResource(aws.iam.RolePolicyAttachment, "pager-sqs-full", {
            role: "pager-role",
            policyArn: "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
        });

        const violations = await violationsOf(lane, attachment);

        assertOnlyViolation(violations, {
            message:
                "IAM role 'pager-role' must not attach broad managed policies (*FullAccess, AdministratorAccess, PowerUserAccess); found AmazonSQSFullAccess in IAM role policy attachment 'pager-sqs-full'.",
        });
    });

    it("reports AdministratorAccess in managedPolicyArns", async () => {
        const lane = buildLane({ role: { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } });

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, { message: "found AdministratorAccess in managedPolicyArns." });
    });

    it("checks a customer managed policy attached to the role", async () => {
        const lane = buildLane();
        const [customer, attachment] = attachedCustomerPolicy(lane, grant("dynamodb:*"), "attachment");

        const violations = await violationsOf(lane, customer, attachment);

        assertOnlyViolation(violations, {
            message: "found dynamodb:* in IAM policy 'pager-extra' via IAM role policy attachment 'pager-extra-attach'.",
        });
    });

    it("leaves roles of functions that consume no queue alone", async () => {
        const lane = buildLane({ omit: ["mapping"], rolePolicy: { policy: grant("sqs:*") } });

        const violations = await violationsOf(lane);

        assertNoViolations(violations);
    });

    it("reports a role policy document unknown at preview", async () => {
        const lane = laneWithUnknown("rolePolicy", "policy", "queue");

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, { message: "IAM role policy 'pager-consume' policy is unknown at preview" });
    });

    it("treats inlinePolicies the provider computes (unknown, no dependency) as unset", async () => {
        const lane = buildLane({ role: { inlinePolicies: UNKNOWN, managedPolicyArns: UNKNOWN } });

        const violations = await violationsOf(lane);

        assertNoViolations(violations);
    });

    it("reports a role policy whose role is unknown at preview", async () => {
        const lane = buildLane();
        const orphan = orphanRolePolicy(lane);

        const violations = await violationsOf(lane, orphan);

        assertOnlyViolation(violations, { message: "IAM role policy 'orphan' role is unknown at preview", resource: orphan });
    });
});

describe("policy iam-consumer-role-least-privilege: every way a policy reaches a role", () => {
    it("reports an Allow with NotAction in a role policy as a wildcard", async () => {
        const lane = buildLane({
            rolePolicy: {
                policy: documentOf({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:sqs:eu-west-1:123456789012:pager" }),
            },
        });

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, {
            message: "IAM role 'pager-role' must not allow wildcard actions; found NotAction \"iam:*\" in IAM role policy 'pager-consume'.",
            resource: lane.role,
        });
    });

    it("reports AmazonSQSFullAccess attached with aws.iam.PolicyAttachment", async () => {
        const lane = buildLane();
        const attachment = fakeResource(aws.iam.PolicyAttachment, "sqs-full", {
            roles: ["pager-role"],
            policyArn: "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
        });

        const violations = await violationsOf(lane, attachment);

        assertOnlyViolation(violations, { message: "found AmazonSQSFullAccess in IAM policy attachment 'sqs-full'.", resource: lane.role });
    });

    it("reports AmazonSQSFullAccess attached with aws.iam.RolePolicyAttachmentsExclusive", async () => {
        const lane = buildLane();
        const attachment = fakeResource(aws.iam.RolePolicyAttachmentsExclusive, "pager-exclusive", {
            roleName: "pager-role",
            policyArns: ["arn:aws:iam::aws:policy/AmazonSQSFullAccess"],
        });

        const violations = await violationsOf(lane, attachment);

        assertOnlyViolation(violations, {
            message: "found AmazonSQSFullAccess in IAM exclusive role policy attachments 'pager-exclusive'.",
            resource: lane.role,
        });
    });

    it("follows an aws.iam.PolicyAttachment whose roles are unknown through its dependency", async () => {
        const lane = buildLane();
        const attachment = fakeResource(
            aws.iam.PolicyAttachment,
            "sqs-full",
            { roles: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AmazonSQSFullAccess" },
            { propertyDependencies: { roles: [lane.role] } },
        );

        const violations = await violationsOf(lane, attachment);

        assertOnlyViolation(violations, { message: "found AmazonSQSFullAccess in IAM policy attachment 'sqs-full'." });
    });

    it("passes an exclusive attachment of a narrow managed policy", async () => {
        const lane = buildLane();
        const attachment = fakeResource(aws.iam.RolePolicyAttachmentsExclusive, "pager-exclusive", {
            roleName: "pager-role",
            policyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"],
        });

        const violations = await violationsOf(lane, attachment);

        assertNoViolations(violations);
    });
});

describe('policy iam-consumer-role-least-privilege: Resource "*"', () => {
    it('reports a named action on Resource "*"', async () => {
        const lane = buildLane({ rolePolicy: { policy: grant(["sqs:ReceiveMessage", "sqs:DeleteMessage"], "*") } });

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, {
            message:
                "IAM role 'pager-role' must not allow Resource \"*\" except for actions AWS requires it for (X-Ray, cloudwatch:PutMetricData, EC2 network interfaces); found sqs:ReceiveMessage, sqs:DeleteMessage on \"*\" in IAM role policy 'pager-consume'.",
            resource: lane.role,
        });
    });

    it('passes X-Ray\'s actions on Resource "*" (X-Ray has no resource-level permissions)', async () => {
        const lane = buildLane({ rolePolicy: { policy: grant(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*") } });

        const violations = await violationsOf(lane);

        assertNoViolations(violations);
    });
});

describe("policy iam-consumer-role-least-privilege: IAM action names are case-insensitive", () => {
    it('reports the action written "SQS:*" in a role policy as a wildcard', async () => {
        const lane = buildLane({ rolePolicy: { policy: grant("SQS:*", "arn:aws:sqs:eu-west-1:123456789012:pager") } });

        const violations = await violationsOf(lane);

        assertViolation(violations, {
            message: "IAM role 'pager-role' must not allow wildcard actions; found SQS:* in IAM role policy 'pager-consume'.",
            resource: lane.role,
        });
    });

    it('passes X-Ray\'s actions written "XRay:PutTraceSegments" on Resource "*"', async () => {
        const lane = buildLane({ rolePolicy: { policy: grant(["XRay:PutTraceSegments", "XRAY:PutTelemetryRecords"], "*") } });

        const violations = await violationsOf(lane);

        assertNoViolations(violations);
    });

    it('reports "SQS:ReceiveMessage" on Resource "*" whatever the case of its service', async () => {
        const lane = buildLane({ rolePolicy: { policy: grant("SQS:ReceiveMessage", "*") } });

        const violations = await violationsOf(lane);

        assertViolation(violations, {
            message: "found SQS:ReceiveMessage on \"*\" in IAM role policy 'pager-consume'.",
            resource: lane.role,
        });
    });
});

describe("policy iam-consumer-role-least-privilege: customer managed policies attached exclusively", () => {
    const narrow = grant("dynamodb:GetItem", "arn:aws:dynamodb:eu-west-1:123456789012:table/calls");

    it("checks a customer managed policy whose ARN, unknown at preview, an exclusive attachment lists", async () => {
        const lane = buildLane();
        const [customer, attachment] = attachedCustomerPolicy(lane, grant("dynamodb:*"), "exclusive");

        const violations = await violationsOf(lane, customer, attachment);

        assertViolation(violations, {
            message: "found dynamodb:* in IAM policy 'pager-extra' via IAM exclusive role policy attachments 'pager-exclusive'.",
            resource: lane.role,
        });
    });

    it("passes a narrow customer managed policy whose ARN, unknown at preview, an exclusive attachment lists", async () => {
        const lane = buildLane();
        const [customer, attachment] = attachedCustomerPolicy(lane, narrow, "exclusive");

        const violations = await violationsOf(lane, customer, attachment);

        assertNoViolations(violations);
    });

    it("still reports an exclusive attachment whose unknown policyArns come from no policy of the stack", async () => {
        const lane = buildLane();
        const attachment = fakeResource(
            aws.iam.RolePolicyAttachmentsExclusive,
            "pager-exclusive",
            { roleName: "pager-role", policyArns: UNKNOWN },
            { dependencies: [lane.queue] },
        );

        const violations = await violationsOf(lane, attachment);

        assertViolation(violations, {
            message: "IAM exclusive role policy attachments 'pager-exclusive' policyArns is unknown at preview",
            resource: attachment,
        });
    });
});

describe("policy iam-consumer-role-least-privilege: cases the mutation run found untested", () => {
    it("reports a role two consumers share once", async () => {
        const lane = buildLane({ rolePolicy: { policy: grant("sqs:*") } });
        const secondFn = fakeResource(
            aws.lambda.Function,
            "pager-fn-2",
            { name: "pager-fn-2", role: lane.fn.props.role as string, timeout: 30 },
            { propertyDependencies: { role: [lane.role] } },
        );
        const secondMapping = fakeResource(
            aws.lambda.EventSourceMapping,
            "pager-mapping-2",
            { eventSourceArn: lane.queue.props.arn as string, functionName: "pager-fn-2" },
            { propertyDependencies: { eventSourceArn: [lane.queue], functionName: [secondFn] } },
        );

        const violations = await violationsOf(lane, secondFn, secondMapping);

        assertOnlyViolation(violations, { message: "found sqs:* in IAM role policy 'pager-consume'.", resource: lane.role });
    });

    it("checks a customer managed policy attached with aws.iam.RolePolicyAttachmentsExclusive", async () => {
        const lane = buildLane();
        const customer = fakeResource(aws.iam.Policy, "pager-extra", {
            arn: "arn:aws:iam::123456789012:policy/pager-extra",
            policy: grant("dynamodb:*"),
        });
        const attachment = fakeResource(aws.iam.RolePolicyAttachmentsExclusive, "pager-exclusive", {
            roleName: "pager-role",
            policyArns: ["arn:aws:iam::123456789012:policy/pager-extra"],
        });

        const violations = await violationsOf(lane, customer, attachment);

        assertOnlyViolation(violations, {
            message: "found dynamodb:* in IAM policy 'pager-extra' via IAM exclusive role policy attachments 'pager-exclusive'.",
            resource: lane.role,
        });
    });

    it("does not count a Deny of sqs:* as a grant", async () => {
        const lane = buildLane({
            rolePolicy: {
                policy: documentOf({ Effect: "Deny", Action: "sqs:*", Resource: "*" }),
            },
        });

        const violations = await violationsOf(lane);

        assertNoViolations(violations);
    });

    it("says nothing of a role policy whose role is unknown when no function consumes a queue", async () => {
        const lane = buildLane({ omit: ["mapping"] });
        const orphan = orphanRolePolicy(lane);

        const violations = await violationsOf(lane, orphan);

        assertNoViolations(violations);
    });
});

describe("policy iam-consumer-role-least-privilege: cases the mutation run found untested (2)", () => {
    const stackReference = foreignResource("pulumi:pulumi:StackReference", "shared");

    it("passes a consumer role that no policy resource names", async () => {
        const lane = buildLane({ omit: ["rolePolicy"] });

        const violations = await violationsOf(lane);

        assertNoViolations(violations);
    });

    it("reports inlinePolicies unknown at preview, and nothing else", async () => {
        const lane = laneWithUnknown("role", "inlinePolicies", "queue");

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, { message: "IAM role 'pager-role' inlinePolicies is unknown at preview", resource: lane.role });
    });

    it("reports managedPolicyArns unknown at preview, and nothing else", async () => {
        const lane = laneWithUnknown("role", "managedPolicyArns", "queue");

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, { message: "IAM role 'pager-role' managedPolicyArns is unknown at preview", resource: lane.role });
    });

    it("lists every wildcard action of a role policy", async () => {
        const lane = buildLane({ rolePolicy: { policy: grant(["sqs:*", "s3:*"]) } });

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, {
            message: "must not allow wildcard actions; found sqs:*, s3:* in IAM role policy 'pager-consume'.",
        });
    });

    it('reports a NotAction on Resource "*" as a wildcard only, not as a named action on everything', async () => {
        const lane = buildLane({
            rolePolicy: {
                policy: documentOf({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
            },
        });

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, { message: 'must not allow wildcard actions; found NotAction "iam:*"' });
    });

    it("reports a consumer whose role is outside the stack", async () => {
        const lane = buildLane({ omit: ["role"], dependsOn: { fn: { role: [] }, rolePolicy: { role: [] } } });

        const violations = await violationsOf(lane);

        assertOnlyViolation(violations, {
            message:
                "Lambda function 'pager-fn' role must be declared in this stack so this rule can check it; found 'arn:aws:iam::123456789012:role/pager-role'.",
            resource: lane.fn,
        });
    });

    it("reports a policy attachment whose policyArn is unknown and from no policy of the stack", async () => {
        const lane = buildLane();
        const attachment = fakeResource(
            aws.iam.RolePolicyAttachment,
            "pager-attach",
            { role: "pager-role", policyArn: UNKNOWN },
            { propertyDependencies: { role: [lane.role], policyArn: [stackReference] } },
        );

        const violations = await violationsOf(lane, stackReference, attachment);

        assertOnlyViolation(violations, {
            message: "IAM role policy attachment 'pager-attach' policyArn is unknown at preview",
            resource: attachment,
        });
    });

    it("reports an exclusive attachment whose unknown policyArns come from a policy of the stack and from elsewhere", async () => {
        const lane = buildLane();
        const [customer, attachment] = attachedCustomerPolicy(
            lane,
            grant("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:pager"),
            "exclusive",
            [stackReference],
        );

        const violations = await violationsOf(lane, customer, stackReference, attachment);

        assertOnlyViolation(violations, { message: "policyArns is unknown at preview", resource: attachment });
    });
});
