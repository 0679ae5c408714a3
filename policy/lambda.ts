import type * as aws from "@pulumi/aws";
// The one class the pack needs at run time, from its own module: `@pulumi/aws` itself loads the
// index of all of its ~250 services, which was most of the pack's start-up.
import { Function as LambdaFunction } from "@pulumi/aws/lambda/function";
import { runtimeStatus } from "./aws-facts";
import { describe } from "./messages";
import { PolicyResource } from "@pulumi/policy";
import { FunctionUrlProps, LogGroupProps, PermissionProps, propsOf } from "./resource-props";
import { ResourceTypes } from "./resource-types";
import { resourceRule, stackRule } from "./rule";
import { read, Reading, readOutput } from "./unknown-values";

/**
 * Advisory by default: the visibility rule already uses AWS's 3 s when the timeout is unset, so
 * an implicit timeout is not unsafe, only easy to misread. prod.json makes it mandatory.
 * A resource rule: it needs the inputs, because the provider reports 3 as the output either way.
 */
export const lambdaTimeoutExplicit = resourceRule({
    name: "lambda-timeout-explicit",
    description: "Lambda functions must set their timeout explicitly.",
    enforcementLevel: "advisory",
    resourceClass: LambdaFunction,
    check: (fn, resource, report) => {
        // Presence is the rule: an unknown timeout (derived from another resource) is still explicit.
        if (!("timeout" in fn)) {
            report.violation(resource, `${describe(resource)} must set timeout explicitly; found none (AWS default 3 s).`);
        }
    },
});

/**
 * Advisory by default: traces make a lost or late page explainable, but their absence loses no
 * message, and dev stacks may skip the cost. prod.json makes it mandatory.
 */
export const lambdaTracingActive = resourceRule({
    name: "lambda-tracing-active",
    description: "Lambda functions must have active X-Ray tracing.",
    enforcementLevel: "advisory",
    resourceClass: LambdaFunction,
    check: (fn, resource, report) => {
        const mode = report.knownValue(
            resource,
            read(() => fn.tracingConfig?.mode),
        );
        if (mode !== undefined && mode.value !== "Active") {
            report.violation(
                resource,
                `${describe(resource)} tracingConfig.mode must be "Active"; found ${JSON.stringify(mode.value ?? "unset")}.`,
            );
        }
    },
});

interface RuntimeConfig {
    readonly warnDaysAhead: number;
}

/**
 * Where lambda-runtime-supported takes "today" from. The rule judges against the day it runs
 * (a runtime deprecates while the program stays the same); tests set `today` to a fixed day so
 * that their verdicts do not change with the calendar.
 */
export const runtimeClock: { today: () => Date } = { today: () => new Date() };

/**
 * Mandatory: AWS stops patching a deprecated runtime and later blocks updates to functions on
 * it, so a fix to the pager could not be deployed during an incident. Ahead of the date (within
 * `warnDaysAhead`) it is an advisory note with the date and the successor, so the move is
 * planned rather than forced by a blocked pipeline. Dates: LAMBDA_RUNTIMES in aws-facts.ts.
 */
export const lambdaRuntimeSupported = resourceRule<RuntimeConfig, aws.lambda.Function, aws.lambda.FunctionArgs>({
    name: "lambda-runtime-supported",
    description: "Lambda functions must not use a deprecated runtime.",
    enforcementLevel: "mandatory",
    configSchema: {
        warnDaysAhead: {
            type: "integer",
            minimum: 0,
            maximum: 730,
            default: 90,
            description: "Days before AWS's deprecation date from which an advisory note is given.",
        },
    },
    resourceClass: LambdaFunction,
    check: (fn, resource, report, { warnDaysAhead }) => {
        const runtime = report.knownValue(
            resource,
            read(() => fn.runtime),
        );
        if (runtime?.value === undefined) {
            return;
        }
        const status = runtimeStatus(runtime.value, runtimeClock.today(), warnDaysAhead);
        const next = status.kind === "deprecated" || status.kind === "deprecating" ? status.successor : undefined;
        const move = next === undefined ? "a supported runtime" : next;
        if (status.kind === "deprecated") {
            report.violation(
                resource,
                `${describe(resource)} runtime must be a supported Lambda runtime (e.g. ${move}); found ` +
                    `${runtime.value} (deprecated since ${status.deprecation}).`,
            );
        } else if (status.kind === "deprecating") {
            report.advisory(
                resource,
                `${describe(resource)} runtime ${runtime.value} is deprecated by AWS on ${status.deprecation}; ` +
                    `move to ${move} before then.`,
            );
        }
    },
});

/**
 * Advisory by default: without a retention, logs are kept (and billed) forever; nothing is lost.
 * prod.json makes it mandatory.
 */
export const lambdaLogRetention = stackRule({
    name: "lambda-log-retention",
    description: "Lambda functions must log to a CloudWatch log group with a retention period.",
    enforcementLevel: "advisory",
    check: (index, report) => {
        for (const fn of index.ofType(ResourceTypes.function)) {
            report.forResource(fn, () => {
                const logGroup = index.logGroupOf(fn);
                if (logGroup.kind === "absent") {
                    report.violation(
                        fn,
                        `${describe(fn)} must have a log group with retentionInDays (an ` +
                            "aws.cloudwatch.LogGroup named /aws/lambda/<function name>, or one set as loggingConfig.logGroup); found none.",
                    );
                    return;
                }
                const group = report.resourceOrReport(fn, "log group", logGroup);
                if (group === undefined) {
                    return;
                }
                const retention = report.knownValue(
                    group,
                    readOutput(group, () => propsOf<LogGroupProps>(group).retentionInDays),
                );
                if (retention !== undefined && (retention.value ?? 0) <= 0) {
                    report.violation(
                        group,
                        `${describe(group)} of ${describe(fn)} must set retentionInDays; found ` +
                            `${retention.value ?? "none"} (logs kept forever).`,
                    );
                }
            });
        }
    },
});

/**
 * Mandatory (cdk-nag): a consumer runs agent-written payloads; anyone who can invoke it directly
 * can page the on-call with a forged escalation. So no invoke permission for any principal without
 * a source condition, and no function URL without IAM auth, on a function that consumes SQS,
 * whether named directly, by "name:qualifier", by ARN or through an aws.lambda.Alias. An open
 * permission or URL whose function is unknown at preview might be on a consumer: it is reported
 * as unknown.
 */
export const lambdaConsumerNotPublic = stackRule({
    name: "lambda-consumer-not-public",
    description: "Lambda functions consuming SQS must not be invocable by anyone (no public permission, no function URL without IAM auth).",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        const consumers = new Set(index.consumerFunctions.map((fn) => fn.urn));
        /** The consumer `holder` opens, "unknown" when its function is unknown, else undefined. */
        const consumerOf = (holder: PolicyResource, key: string, value: Reading<unknown>): PolicyResource | "unknown" | undefined => {
            const link = index.functionReferencedBy(holder, key, value);
            if (link.kind === "unknown") {
                return "unknown";
            }
            return link.kind === "resource" && consumers.has(link.resource.urn) ? link.resource : undefined;
        };
        if (consumers.size === 0) {
            return;
        }
        for (const permission of index.ofType(ResourceTypes.permission)) {
            report.forResource(permission, () => {
                const props = propsOf<PermissionProps>(permission);
                const reference = readOutput(permission, () => props.function);
                const fn = consumerOf(permission, "function", reference);
                if (fn === undefined) {
                    return;
                }
                const principal = report.knownValue(
                    permission,
                    readOutput(permission, () => props.principal),
                );
                const scoped = read(() =>
                    [props.sourceArn, props.sourceAccount, props.principalOrgId].some((value) => value !== undefined && value !== ""),
                );
                if (principal?.value !== "*" || !scoped.known || scoped.value) {
                    return;
                }
                if (fn === "unknown") {
                    report.knownValue(permission, reference);
                    return;
                }
                report.violation(
                    permission,
                    `${describe(permission)} must not let any principal invoke consumer ${describe(fn)}; found principal "*" ` +
                        "with no sourceArn, sourceAccount or principalOrgId.",
                );
            });
        }
        for (const url of index.ofType(ResourceTypes.functionUrl)) {
            report.forResource(url, () => {
                const props = propsOf<FunctionUrlProps>(url);
                const reference = readOutput(url, () => props.functionName);
                const fn = consumerOf(url, "functionName", reference);
                if (fn === undefined) {
                    return;
                }
                const auth = report.knownValue(
                    url,
                    readOutput(url, () => props.authorizationType),
                );
                if (auth === undefined || auth.value === "AWS_IAM") {
                    return;
                }
                if (fn === "unknown") {
                    report.knownValue(url, reference);
                    return;
                }
                report.violation(
                    url,
                    `${describe(url)} of consumer ${describe(fn)} must use authorizationType AWS_IAM; found ${auth.value ?? "unset"}.`,
                );
            });
        }
    },
});
