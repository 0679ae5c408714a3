import * as aws from "@pulumi/aws";
import { lambdaLogRetention, lambdaRuntimeSupported, lambdaTimeoutExplicit, lambdaTracingActive } from "../../policy/lambda";
import { fakeResource, PropsOf, runResourcePolicy, runStackPolicy, UNKNOWN } from "../helpers/policy-args";
import { assertNoViolations, assertViolation } from "../helpers/policy-assertions";
import { buildLane } from "../helpers/policy-lane";

const lambdaFunction = (props: PropsOf<aws.lambda.FunctionArgs>) =>
    fakeResource(aws.lambda.Function, "pager-fn", { role: "arn:aws:iam::123456789012:role/pager-role", ...props });

describe("policy lambda-timeout-explicit", () => {
    it("passes a function that sets its timeout", async () => {
        const violations = await runResourcePolicy(lambdaTimeoutExplicit, lambdaFunction({ timeout: 30 }));

        assertNoViolations(violations);
    });

    it("passes a timeout unknown at preview: it is set", async () => {
        const violations = await runResourcePolicy(lambdaTimeoutExplicit, lambdaFunction({ timeout: UNKNOWN }));

        assertNoViolations(violations);
    });

    it("reports a function relying on the 3 s default", async () => {
        const fn = lambdaFunction({});

        const violations = await runResourcePolicy(lambdaTimeoutExplicit, fn);

        assertViolation(violations, { message: "Lambda function 'pager-fn' must set timeout explicitly; found none (AWS default 3 s).", resource: fn, enforcementLevel: "advisory" });
    });
});

describe("policy lambda-tracing-active", () => {
    it("passes active tracing", async () => {
        const violations = await runResourcePolicy(lambdaTracingActive, lambdaFunction({ tracingConfig: { mode: "Active" } }));

        assertNoViolations(violations);
    });

    it("reports PassThrough tracing", async () => {
        const violations = await runResourcePolicy(lambdaTracingActive, lambdaFunction({ tracingConfig: { mode: "PassThrough" } }));

        assertViolation(violations, { message: "Lambda function 'pager-fn' tracingConfig.mode must be \"Active\"; found \"PassThrough\"." });
    });

    it("reports a function without tracingConfig", async () => {
        const violations = await runResourcePolicy(lambdaTracingActive, lambdaFunction({}));

        assertViolation(violations, { message: "found \"unset\"." });
    });

    it("reports a tracing mode unknown at preview", async () => {
        const violations = await runResourcePolicy(lambdaTracingActive, lambdaFunction({ tracingConfig: { mode: UNKNOWN } }));

        assertViolation(violations, { message: "Lambda function 'pager-fn' tracingConfig.mode is unknown at preview" });
    });
});

describe("policy lambda-runtime-supported", () => {
    it("passes nodejs22.x", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "nodejs22.x" }));

        assertNoViolations(violations);
    });

    it("reports nodejs16.x", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "nodejs16.x" }));

        assertViolation(violations, { message: "Lambda function 'pager-fn' runtime must be a supported Lambda runtime; found nodejs16.x (deprecated).", enforcementLevel: "mandatory" });
    });

    it("reports python3.8", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "python3.8" }));

        assertViolation(violations, { message: "found python3.8 (deprecated)." });
    });

    it("passes a container image function, which has no runtime", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ packageType: "Image", imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/pager:1" }));

        assertNoViolations(violations);
    });

    it("reports a runtime unknown at preview", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: UNKNOWN }));

        assertViolation(violations, { message: "Lambda function 'pager-fn' runtime is unknown at preview", enforcementLevel: "mandatory" });
    });
});

describe("policy lambda-log-retention", () => {
    it("passes a function whose loggingConfig.logGroup has a retention", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertNoViolations(violations);
    });

    it("passes a function without loggingConfig whose /aws/lambda/<name> group has a retention", async () => {
        const lane = buildLane({ fn: { loggingConfig: undefined }, dependsOn: { fn: { loggingConfig: [] } } });

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertNoViolations(violations);
    });

    it("reports a function without a log group in the stack", async () => {
        const lane = buildLane({ omit: ["logGroup"], fn: { loggingConfig: undefined } });

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertViolation(violations, { message: "Lambda function 'pager-fn' must have a log group with retentionInDays", resource: lane.fn, enforcementLevel: "advisory" });
    });

    it("reports a log group without retentionInDays", async () => {
        const lane = buildLane({ logGroup: { retentionInDays: undefined } });

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertViolation(violations, { message: "CloudWatch log group 'pager-logs' of Lambda function 'pager-fn' must set retentionInDays; found none (logs kept forever).", resource: lane.logGroup });
    });

    it("follows loggingConfig's dependency when the group name is unknown at preview", async () => {
        const lane = buildLane({ fn: { loggingConfig: { logFormat: "JSON", logGroup: UNKNOWN } }, logGroup: { name: "pager-custom", retentionInDays: 0 } });

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertViolation(violations, { message: "CloudWatch log group 'pager-logs' of Lambda function 'pager-fn' must set retentionInDays; found 0" });
    });

    it("reports a retention unknown at preview", async () => {
        const lane = buildLane({ logGroup: { retentionInDays: UNKNOWN }, dependsOn: { logGroup: { retentionInDays: ["role"] } } });

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertViolation(violations, { message: "CloudWatch log group 'pager-logs' retentionInDays is unknown at preview" });
    });
});
