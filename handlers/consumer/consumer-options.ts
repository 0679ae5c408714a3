import type { Logger } from "@aws-lambda-powertools/logger";
import { createAwsClients, type AwsClients } from "../aws/clients";
import { readConsumerConfig, type ConsumerConfig, type EnvironmentSource } from "../config/handler-config";
import { createLogger } from "../observability/logger";
import { type ConsumerMetrics, createConsumerMetrics } from "../observability/metrics";

/**
 * What a consumer can be given instead of taking it from its surroundings. In Lambda nothing is
 * passed: settings come from process.env, clients use the SDK defaults. Tests and the local
 * runtime pass an environment object (queue URLs, AWS_ENDPOINT_URL_* for the emulators) and, for
 * the escalation consumer, an in-memory secret source and a downstream timeout.
 */
export interface ConsumerOptions {
    /** @default process.env */
    readonly environment?: EnvironmentSource;
    /** @default clients built from `environment` */
    readonly clients?: AwsClients;
    /** @default a Powertools Logger configured by POWERTOOLS_* variables */
    readonly logger?: Logger;
    /** @default Powertools Metrics (EMF on stdout) in the EscalationPipeline namespace */
    readonly metrics?: ConsumerMetrics;
}

export interface ResolvedConsumerOptions {
    readonly environment: EnvironmentSource;
    readonly config: ConsumerConfig;
    readonly clients: AwsClients;
    readonly logger: Logger;
    readonly metrics: ConsumerMetrics;
}

/** Applies the defaults and reads the shared settings (throws HandlerConfigError on bad ones). */
export function resolveConsumerOptions(options: ConsumerOptions, serviceName: string): ResolvedConsumerOptions {
    const environment = options.environment ?? process.env;
    return {
        environment,
        config: readConsumerConfig(environment),
        clients: options.clients ?? createAwsClients(environment),
        logger: options.logger ?? createLogger(serviceName, environment),
        metrics: options.metrics ?? createConsumerMetrics(serviceName, environment),
    };
}
