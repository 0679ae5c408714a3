import { HandlerEnvironment } from "../handlers/environment";
import { LaneSettings } from "./lane-settings";

/**
 * What a consumer is told about its lane. `T` is the type of the values that only exist once
 * resources do: `pulumi.Input<string>` in the component, plain strings in the local runtime.
 */
export interface ConsumerEnvironmentInput<T> {
    readonly settings: LaneSettings;
    readonly functionName: string;
    readonly logLevel: string;
    readonly handlerVersion: string;
    readonly queueUrl: T;
    readonly deadLetterQueueUrl: T;
    readonly idempotencyTableName: T;
    readonly payloadBucketName: T;
}

/**
 * The environment variables every consumer gets, from the lane's settings. One function for the
 * deployed function and the local runtime, so both tell the handlers the same numbers.
 */
export function consumerEnvironment<T>(input: ConsumerEnvironmentInput<T>): Record<string, T | string> {
    const { settings } = input;
    return {
        [HandlerEnvironment.queueUrl]: input.queueUrl,
        [HandlerEnvironment.deadLetterQueueUrl]: input.deadLetterQueueUrl,
        [HandlerEnvironment.maxReceiveCount]: String(settings.deadLetterQueue.maxReceiveCount),
        [HandlerEnvironment.visibilityTimeoutSeconds]: String(settings.queue.visibilityTimeoutSeconds),
        [HandlerEnvironment.backoffTiersSeconds]: settings.backoffTiersSeconds.join(","),
        [HandlerEnvironment.idempotencyTableName]: input.idempotencyTableName,
        [HandlerEnvironment.idempotencyExpirySeconds]: String(settings.idempotencyExpirySeconds),
        [HandlerEnvironment.payloadBucketName]: input.payloadBucketName,
        [HandlerEnvironment.maximumMessageSizeBytes]: String(settings.queue.maximumMessageSizeBytes),
        [HandlerEnvironment.deadLetterMaximumMessageSizeBytes]: String(settings.deadLetterQueue.maximumMessageSizeBytes),
        [HandlerEnvironment.handlerVersion]: input.handlerVersion,
        [HandlerEnvironment.serviceName]: input.functionName,
        [HandlerEnvironment.logLevel]: input.logLevel,
    };
}
