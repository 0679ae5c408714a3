import { Logger } from "@aws-lambda-powertools/logger";
import type { EnvironmentSource } from "../config/handler-config";
import { HandlerEnvironment } from "../environment";

/**
 * The consumer's Powertools Logger: JSON lines, level from POWERTOOLS_LOG_LEVEL. Each record gets
 * a child carrying message id, receive count and call id (record-handler.ts), so every line about
 * a message can be found by any of the three.
 */
export function createLogger(defaultServiceName: string, environment: EnvironmentSource = process.env): Logger {
    const configured = environment[HandlerEnvironment.serviceName];
    return new Logger({ serviceName: configured === undefined || configured === "" ? defaultServiceName : configured });
}
