import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { LAMBDA_RUNTIMES, LAMBDA_RUNTIMES_REVIEWED, runtimeStatus } from "../../policy/aws-facts";
import {
    lambdaConsumerNotPublic,
    lambdaLogRetention,
    lambdaRuntimeSupported,
    lambdaTimeoutExplicit,
    lambdaTracingActive,
    runtimeClock,
} from "../../policy/lambda";
import { ConsumerRuntime } from "../../pipeline/consumer-lane";
import { fakeResource, FakeLinks, PropsOf, runResourcePolicy, runStackPolicy, UNKNOWN } from "./helpers/args";
import { assertNoViolations, assertOnlyViolation, assertViolation } from "./helpers/assertions";
import { buildLane, unknownAliasOf, laneWithUnknown } from "./helpers/lane";

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

        assertOnlyViolation(violations, {
            message: "Lambda function 'pager-fn' must set timeout explicitly; found none (AWS default 3 s).",
            resource: fn,
            enforcementLevel: "advisory",
        });
    });
});

describe("policy lambda-tracing-active", () => {
    it("passes active tracing", async () => {
        const violations = await runResourcePolicy(lambdaTracingActive, lambdaFunction({ tracingConfig: { mode: "Active" } }));

        assertNoViolations(violations);
    });

    it("reports PassThrough tracing", async () => {
        const violations = await runResourcePolicy(lambdaTracingActive, lambdaFunction({ tracingConfig: { mode: "PassThrough" } }));

        assertOnlyViolation(violations, {
            message: 'Lambda function \'pager-fn\' tracingConfig.mode must be "Active"; found "PassThrough".',
        });
    });

    it("reports a function without tracingConfig", async () => {
        const violations = await runResourcePolicy(lambdaTracingActive, lambdaFunction({}));

        assertOnlyViolation(violations, { message: 'found "unset".' });
    });

    it("reports a tracing mode unknown at preview", async () => {
        const violations = await runResourcePolicy(lambdaTracingActive, lambdaFunction({ tracingConfig: { mode: UNKNOWN } }));

        assertOnlyViolation(violations, { message: "Lambda function 'pager-fn' tracingConfig.mode is unknown at preview" });
    });
});

/** Makes lambda-runtime-supported judge as on `iso` (UTC midnight) in the enclosing describe. */
function onDay(iso: string): void {
    const real = runtimeClock.today;
    beforeEach(() => {
        runtimeClock.today = () => new Date(`${iso}T00:00:00Z`);
    });
    afterEach(() => {
        runtimeClock.today = real;
    });
}

describe("policy lambda-runtime-supported (judged as on 2026-12-01)", () => {
    onDay("2026-12-01");

    it("passes nodejs22.x, 150 days before its deprecation", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "nodejs22.x" }));

        assertNoViolations(violations);
    });

    it("reports nodejs16.x", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "nodejs16.x" }));

        assertOnlyViolation(violations, {
            message:
                "Lambda function 'pager-fn' runtime must be a supported Lambda runtime (e.g. nodejs24.x); found nodejs16.x (deprecated since 2024-06-12).",
            enforcementLevel: "mandatory",
        });
    });

    it("reports python3.8", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "python3.8" }));

        assertOnlyViolation(violations, { message: "found python3.8 (deprecated since 2024-10-14)." });
    });

    // The runtimes the issue found passing that AWS had deprecated by 2026-12-01.
    for (const runtime of ["nodejs18.x", "nodejs20.x", "python3.9", "python3.10", "provided", "provided.al2", "ruby3.2", "dotnet8"]) {
        it(`reports ${runtime}, deprecated by 2026-12-01`, async () => {
            const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime }));

            assertOnlyViolation(violations, { message: `found ${runtime} (deprecated since`, enforcementLevel: "mandatory" });
        });
    }

    // The issue listed these as deprecated too, but AWS moved the Amazon Linux 2 runtimes' date
    // to 2027-06-30: 211 days ahead, outside the 90-day window (see the 2027 cases below).
    for (const runtime of ["java8.al2", "java11", "java17"]) {
        it(`passes ${runtime}, which AWS deprecates on 2027-06-30`, async () => {
            const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime }));

            assertNoViolations(violations);
        });
    }

    it("notes java17 as deprecating with a 365-day window", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "java17" }), { warnDaysAhead: 365 });

        assertViolation(violations, {
            message: "Lambda function 'pager-fn' runtime java17 is deprecated by AWS on 2027-06-30; move to java25 before then.",
            enforcementLevel: "advisory",
        });
    });

    it("passes a runtime AWS released after the list was reviewed (unlisted), leaving it to AWS", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "nodejs26.x" }));

        assertNoViolations(violations);
    });

    it("passes a container image function, which has no runtime", async () => {
        const violations = await runResourcePolicy(
            lambdaRuntimeSupported,
            lambdaFunction({ packageType: "Image", imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/pager:1" }),
        );

        assertNoViolations(violations);
    });

    it("reports a runtime unknown at preview", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: UNKNOWN }));

        assertOnlyViolation(violations, {
            message: "Lambda function 'pager-fn' runtime is unknown at preview",
            enforcementLevel: "mandatory",
        });
    });
});

describe("policy lambda-runtime-supported (judged as on 2027-04-01)", () => {
    onDay("2027-04-01");

    it("notes java17 (deprecated on 2027-06-30) as advisory, naming the date and java25", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "java17" }));

        assertViolation(violations, {
            message: "Lambda function 'pager-fn' runtime java17 is deprecated by AWS on 2027-06-30; move to java25 before then.",
            enforcementLevel: "advisory",
        });
    });

    it("notes nodejs22.x, our consumers' runtime, as advisory 29 days before its deprecation", async () => {
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "nodejs22.x" }));

        assertViolation(violations, {
            message: "runtime nodejs22.x is deprecated by AWS on 2027-04-30; move to nodejs24.x before then.",
            enforcementLevel: "advisory",
        });
    });
});

describe("policy lambda-runtime-supported (judged as on 2027-06-30)", () => {
    onDay("2027-06-30");

    for (const runtime of ["java8.al2", "java11", "java17", "python3.11"]) {
        it(`reports ${runtime} from its deprecation day on`, async () => {
            const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime }));

            assertViolation(violations, { message: `found ${runtime} (deprecated since 2027-06-30).`, enforcementLevel: "mandatory" });
        });
    }
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

        assertOnlyViolation(violations, {
            message:
                "Lambda function 'pager-fn' must have a log group with retentionInDays (an aws.cloudwatch.LogGroup named /aws/lambda/<function name>, or one set as loggingConfig.logGroup); found none.",
            resource: lane.fn,
            enforcementLevel: "advisory",
        });
    });

    it("reports a log group without retentionInDays", async () => {
        const lane = buildLane({ logGroup: { retentionInDays: undefined } });

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertOnlyViolation(violations, {
            message:
                "CloudWatch log group 'pager-logs' of Lambda function 'pager-fn' must set retentionInDays; found none (logs kept forever).",
            resource: lane.logGroup,
        });
    });

    it("follows loggingConfig's dependency when the group name is unknown at preview", async () => {
        const lane = buildLane({
            fn: { loggingConfig: { logFormat: "JSON", logGroup: UNKNOWN } },
            logGroup: { name: "pager-custom", retentionInDays: 0 },
        });

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertOnlyViolation(violations, {
            message: "CloudWatch log group 'pager-logs' of Lambda function 'pager-fn' must set retentionInDays; found 0",
        });
    });

    it("reports a retention unknown at preview", async () => {
        const lane = laneWithUnknown("logGroup", "retentionInDays", "role");

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertOnlyViolation(violations, { message: "CloudWatch log group 'pager-logs' retentionInDays is unknown at preview" });
    });
});

describe("Lambda runtime lifecycle (AWS's dates)", () => {
    const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

    it("is supported well ahead of its deprecation", () => {
        const status = runtimeStatus("nodejs22.x", day("2026-12-01"), 90);

        assert.deepEqual(status, { kind: "supported" });
    });

    it("is deprecating (advisory) within the warning window before its deprecation date", () => {
        const status = runtimeStatus("nodejs22.x", day("2027-02-15"), 90);

        assert.deepEqual(status, { kind: "deprecating", deprecation: "2027-04-30", successor: "nodejs24.x" });
    });

    it("is deprecated (blocking) from its deprecation date on", () => {
        const status = runtimeStatus("nodejs22.x", day("2027-04-30"), 90);

        assert.deepEqual(status, { kind: "deprecated", deprecation: "2027-04-30", successor: "nodejs24.x" });
    });

    it("leaves a runtime it does not list to AWS (a newer one, or a typo AWS rejects)", () => {
        const status = runtimeStatus("nodejs99.x", day("2026-12-01"), 90);

        assert.deepEqual(status, { kind: "unlisted" });
    });

    it("names a successor for every listed runtime that is itself listed and outlives it", () => {
        const broken = Object.entries(LAMBDA_RUNTIMES).filter(([, entry]) => {
            const successor = entry.successor === undefined ? undefined : LAMBDA_RUNTIMES[entry.successor];
            return entry.successor !== undefined && (successor === undefined || successor.deprecation <= entry.deprecation);
        });

        assert.deepEqual(
            broken.map(([runtime]) => runtime),
            [],
        );
    });

    // Fails on purpose when nobody has checked AWS's "Lambda runtimes" page for six months: AWS
    // announces deprecations about 180 days ahead, so an older list can miss one.
    it("was reviewed against AWS's Lambda runtimes page within the last 6 months", () => {
        const ageDays = (Date.now() - day(LAMBDA_RUNTIMES_REVIEWED).getTime()) / 86_400_000;

        assert.ok(
            ageDays <= 183,
            `LAMBDA_RUNTIMES_REVIEWED is ${LAMBDA_RUNTIMES_REVIEWED}, ${Math.floor(ageDays)} days ago: ` +
                "check https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, update policy/aws-facts.ts and the date",
        );
    });

    it("carries AWS's dates for the runtimes whose dates AWS moved or added by the review day", () => {
        const dates = Object.fromEntries(
            [
                "java8.al2",
                "java11",
                "java17",
                "python3.10",
                "python3.11",
                "provided.al2",
                "nodejs4.3-edge",
                "python3.14",
                "java25",
                "java17.al2023",
                "ruby4.0",
            ].map((runtime) => [runtime, LAMBDA_RUNTIMES[runtime]?.deprecation]),
        );

        assert.deepEqual(dates, {
            "java8.al2": "2027-06-30",
            "java11": "2027-06-30",
            "java17": "2027-06-30",
            "python3.10": "2026-10-31",
            "python3.11": "2027-06-30",
            "provided.al2": "2026-07-31",
            "nodejs4.3-edge": "2020-03-05",
            "python3.14": "2029-06-30",
            "java25": "2029-06-30",
            "java17.al2023": "2029-06-30",
            "ruby4.0": "2029-03-31",
        });
    });

    // Fails on purpose, with what to do, when every listed Node.js runtime is deprecated or
    // deprecating today: by then AWS has released a newer one that the list lacks.
    it("lists a Node.js runtime supported today beyond the warning window (the one our consumers can move to)", () => {
        const ahead = Object.keys(LAMBDA_RUNTIMES).filter(
            (runtime) => runtime.startsWith("nodejs") && runtimeStatus(runtime, new Date(), 90).kind === "supported",
        );

        assert.ok(
            ahead.length > 0,
            "every Node.js runtime in LAMBDA_RUNTIMES is within 90 days of its deprecation or past it: " +
                "add AWS's newer runtime from https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html to policy/aws-facts.ts",
        );
    });

    // Fails on purpose, with what to do, on the day AWS deprecates our consumers' runtime (the own
    // stacks' gate test then fails too, on lambda-runtime-supported). Within the 90 days before,
    // the gate gives our stacks an advisory note and tests/gate/own-stacks.test.ts tolerates it.
    it("runs our consumers (ConsumerRuntime) on a runtime AWS has not deprecated today", () => {
        const status = runtimeStatus(ConsumerRuntime.runtime, new Date(), 0);

        assert.ok(
            status.kind !== "deprecated",
            `ConsumerRuntime.runtime ${ConsumerRuntime.runtime} is deprecated by AWS since ` +
                `${status.kind === "deprecated" ? status.deprecation : ""}: move ConsumerRuntime in pipeline/consumer-lane.ts to ` +
                `${status.kind === "deprecated" ? (status.successor ?? "a supported runtime") : ""}, the esbuild target in pipeline/handler-bundle.ts, ` +
                "the local runtime's Node.js, and DESIGN.md's \"Lambda runs\" fact",
        );
    });
});

describe("policy lambda-runtime-supported ahead of a deprecation", () => {
    onDay("2026-12-01");

    it("reports a runtime deprecating within the window as advisory, with its date and successor", async () => {
        // nodejs24.x deprecates on 2028-04-30: 516 days after 2026-12-01, within a 730-day window.
        const violations = await runResourcePolicy(lambdaRuntimeSupported, lambdaFunction({ runtime: "nodejs24.x" }), {
            warnDaysAhead: 730,
        });

        assertOnlyViolation(violations, {
            message:
                "Lambda function 'pager-fn' runtime nodejs24.x is deprecated by AWS on 2028-04-30; move to a supported runtime before then.",
            enforcementLevel: "advisory",
        });
    });
});

describe("policy lambda-consumer-not-public", () => {
    it("passes a consumer with no permission and no function URL", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaConsumerNotPublic, lane.resources);

        assertNoViolations(violations);
    });

    it("reports an invoke permission for any principal on a consumer", async () => {
        const lane = buildLane();
        const permission = fakeResource(aws.lambda.Permission, "pager-public", {
            action: "lambda:InvokeFunction",
            function: "pager-fn",
            principal: "*",
        });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, permission]);

        assertOnlyViolation(violations, {
            message:
                "Lambda permission 'pager-public' must not let any principal invoke consumer Lambda function 'pager-fn'; found principal \"*\" with no sourceArn, sourceAccount or principalOrgId.",
            resource: permission,
            enforcementLevel: "mandatory",
        });
    });

    it("passes a service permission scoped by sourceArn", async () => {
        const lane = buildLane();
        const permission = fakeResource(aws.lambda.Permission, "pager-from-sns", {
            action: "lambda:InvokeFunction",
            function: "pager-fn",
            principal: "sns.amazonaws.com",
            sourceArn: "arn:aws:sns:eu-west-1:123456789012:alerts",
        });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, permission]);

        assertNoViolations(violations);
    });

    it("reports an unauthenticated function URL on a consumer", async () => {
        const lane = buildLane();
        const url = fakeResource(
            aws.lambda.FunctionUrl,
            "pager-url",
            { functionName: UNKNOWN, authorizationType: "NONE" },
            { propertyDependencies: { functionName: [lane.fn] } },
        );

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, url]);

        assertOnlyViolation(violations, {
            message:
                "Lambda function URL 'pager-url' of consumer Lambda function 'pager-fn' must use authorizationType AWS_IAM; found NONE.",
            resource: url,
        });
    });

    it("reports a function URL whose authorizationType is unknown at preview", async () => {
        const lane = buildLane();
        const url = fakeResource(
            aws.lambda.FunctionUrl,
            "pager-url",
            { functionName: "pager-fn", authorizationType: UNKNOWN },
            { propertyDependencies: { authorizationType: [lane.role] } },
        );

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, url]);

        assertOnlyViolation(violations, { message: "Lambda function URL 'pager-url' authorizationType is unknown at preview" });
    });
});

describe("policy lambda-consumer-not-public: a consumer reached through an alias or a qualified name", () => {
    const publicPermission = (fn: string, links?: FakeLinks) =>
        fakeResource(aws.lambda.Permission, "pager-public", { action: "lambda:InvokeFunction", function: fn, principal: "*" }, links);

    it("reports a public permission on 'pager-fn:live' (a qualified name)", async () => {
        const lane = buildLane();
        const permission = publicPermission("pager-fn:live");

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, permission]);

        assertViolation(violations, {
            message: "must not let any principal invoke consumer Lambda function 'pager-fn'",
            resource: permission,
        });
    });

    it("reports a public permission on the consumer's aws.lambda.Alias (its ARN unknown at preview)", async () => {
        const lane = buildLane();
        const alias = unknownAliasOf(lane.fn);
        const permission = publicPermission(UNKNOWN, { propertyDependencies: { function: [alias] } });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, alias, permission]);

        assertViolation(violations, {
            message: "must not let any principal invoke consumer Lambda function 'pager-fn'",
            resource: permission,
        });
    });

    it("reports a function URL without IAM auth on the consumer's aws.lambda.Alias (its name unknown at preview)", async () => {
        const lane = buildLane();
        const alias = unknownAliasOf(lane.fn);
        const url = fakeResource(
            aws.lambda.FunctionUrl,
            "pager-url",
            { functionName: UNKNOWN, authorizationType: "NONE" },
            { propertyDependencies: { functionName: [alias] } },
        );

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, alias, url]);

        assertViolation(violations, {
            message: "of consumer Lambda function 'pager-fn' must use authorizationType AWS_IAM; found NONE.",
            resource: url,
        });
    });

    it("reports a public permission whose function is unknown at preview and comes from no function of the stack", async () => {
        const lane = buildLane();
        const permission = publicPermission(UNKNOWN, { dependencies: [lane.role] });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, permission]);

        assertViolation(violations, { message: "Lambda permission 'pager-public' function is unknown at preview", resource: permission });
    });
});

describe("policy lambda-log-retention: a log group outside the stack", () => {
    it("reports a function logging to a log group the stack does not declare", async () => {
        const lane = buildLane({ omit: ["logGroup"], fn: { loggingConfig: { logFormat: "JSON", logGroup: "shared-logs" } } });

        const violations = await runStackPolicy(lambdaLogRetention, lane.resources);

        assertOnlyViolation(violations, {
            message: "Lambda function 'pager-fn' log group must be declared in this stack so this rule can check it; found 'shared-logs'.",
            resource: lane.fn,
        });
    });
});

describe("Lambda runtime lifecycle: a runtime without a successor", () => {
    it("names no successor for a runtime that has none", () => {
        const status = runtimeStatus("nodejs24.x", new Date("2028-05-01T00:00:00Z"), 90);

        assert.deepEqual(status, { kind: "deprecated", deprecation: "2028-04-30" });
    });
});

describe("policy lambda-consumer-not-public: who may invoke, and what is a consumer", () => {
    const permission = (props: PropsOf<aws.lambda.PermissionArgs>, links?: FakeLinks) =>
        fakeResource(aws.lambda.Permission, "pager-invoke", { action: "lambda:InvokeFunction", function: "pager-fn", ...props }, links);
    const functionUrl = (props: PropsOf<aws.lambda.FunctionUrlArgs>, links?: FakeLinks) =>
        fakeResource(aws.lambda.FunctionUrl, "pager-url", { functionName: "pager-fn", ...props }, links);

    it("passes a permission for any principal scoped by sourceAccount alone", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [
            ...lane.resources,
            permission({ principal: "*", sourceAccount: "123456789012" }),
        ]);

        assertNoViolations(violations);
    });

    it("reports a permission for any principal whose sourceArn is empty", async () => {
        const lane = buildLane();
        const open = permission({ principal: "*", sourceArn: "" });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, open]);

        assertOnlyViolation(violations, {
            message: "must not let any principal invoke consumer Lambda function 'pager-fn'",
            resource: open,
        });
    });

    it("passes a service principal's permission, which only that service can use", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [
            ...lane.resources,
            permission({ principal: "sns.amazonaws.com" }),
        ]);

        assertNoViolations(violations);
    });

    it("reports a permission's principal unknown at preview, and nothing else", async () => {
        const lane = buildLane();
        const unknownPrincipal = permission({ principal: UNKNOWN }, { propertyDependencies: { principal: [lane.role] } });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, unknownPrincipal]);

        assertOnlyViolation(violations, {
            message: "Lambda permission 'pager-invoke' principal is unknown at preview",
            resource: unknownPrincipal,
        });
    });

    it("passes a public permission on a function that consumes no queue", async () => {
        const lane = buildLane();
        const other = fakeResource(aws.lambda.Function, "other-fn", { name: "other-fn", role: "r" });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [
            ...lane.resources,
            other,
            permission({ function: "other-fn", principal: "*" }),
        ]);

        assertNoViolations(violations);
    });

    it("passes a public permission on a function outside the stack", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [
            ...lane.resources,
            permission({ function: "elsewhere-fn", principal: "*" }),
        ]);

        assertNoViolations(violations);
    });

    it("does not ask for the function of a public permission when the stack has no consumer", async () => {
        const lane = buildLane({ omit: ["mapping"] });
        const unknownFunction = permission({ function: UNKNOWN, principal: "*" }, { dependencies: [lane.role] });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, unknownFunction]);

        assertNoViolations(violations);
    });

    it("passes a consumer's function URL with IAM auth", async () => {
        const lane = buildLane();

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [
            ...lane.resources,
            functionUrl({ authorizationType: "AWS_IAM" }),
        ]);

        assertNoViolations(violations);
    });

    it("passes an unauthenticated function URL on a function that consumes no queue", async () => {
        const lane = buildLane();
        const other = fakeResource(aws.lambda.Function, "other-fn", { name: "other-fn", role: "r" });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [
            ...lane.resources,
            other,
            functionUrl({ functionName: "other-fn", authorizationType: "NONE" }),
        ]);

        assertNoViolations(violations);
    });

    it("reports an unauthenticated function URL whose function is unknown at preview", async () => {
        const lane = buildLane();
        const url = functionUrl({ functionName: UNKNOWN, authorizationType: "NONE" }, { dependencies: [lane.role] });

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, url]);

        assertOnlyViolation(violations, { message: "Lambda function URL 'pager-url' functionName is unknown at preview", resource: url });
    });

    it("reports a consumer's function URL without an authorizationType as unset", async () => {
        const lane = buildLane();
        const url = functionUrl({});

        const violations = await runStackPolicy(lambdaConsumerNotPublic, [...lane.resources, url]);

        assertOnlyViolation(violations, {
            message:
                "Lambda function URL 'pager-url' of consumer Lambda function 'pager-fn' must use authorizationType AWS_IAM; found unset.",
            resource: url,
        });
    });
});
