import { Tracer } from "@aws-lambda-powertools/tracer";
import type { EnvironmentSource } from "../config/handler-config";
import { HandlerEnvironment } from "../environment";

/**
 * The consumer's Powertools Tracer. Created once per execution environment; in Lambda (X-Ray is
 * Active on the functions) it instruments `fetch`, so every PagerDuty and Slack call is an X-Ray
 * subsegment named by its host, with its URL, status and duration, under the invocation's segment.
 * Outside Lambda, or with POWERTOOLS_TRACE_ENABLED=false, it does nothing.
 */
export function createTracer(defaultServiceName: string, environment: EnvironmentSource = process.env): Tracer {
    const configured = environment[HandlerEnvironment.serviceName];
    return new Tracer({
        serviceName: configured === undefined || configured === "" ? defaultServiceName : configured,
        enabled: environment.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== "false",
        captureHTTPsRequests: true,
    });
}

/**
 * Runs one delivery step in its own subsegment (`### <name>`, annotated so a trace can be found by
 * escalation id), with the step's fetch subsegment under it and any error recorded on it. A no-op
 * wrapper when tracing is off. Subsegments follow the async context, so records running side by
 * side each get their own.
 */
export function traceStep<T>(
    tracer: Tracer,
    name: string,
    annotations: Readonly<Record<string, string>>,
    action: () => Promise<T>,
): Promise<T> {
    if (!tracer.isTracingEnabled()) {
        return action();
    }
    return new Promise<T>((resolve, reject) => {
        tracer.provider.captureAsyncFunc(`### ${name}`, (subsegment) => {
            for (const [key, value] of Object.entries(annotations)) {
                subsegment?.addAnnotation(key, value);
            }
            action().then(
                (value) => {
                    subsegment?.close();
                    resolve(value);
                },
                (error: unknown) => {
                    subsegment?.addError(error instanceof Error ? error : new Error(String(error)));
                    subsegment?.close();
                    reject(error);
                },
            );
        });
    });
}
