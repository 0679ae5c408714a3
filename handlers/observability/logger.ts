import { Logger, LogLevel } from "@aws-lambda-powertools/logger";
import { type EnvironmentSource, HandlerConfigError } from "../config/handler-config";
import { HandlerEnvironment } from "../environment";

/** The levels POWERTOOLS_LOG_LEVEL may name (Powertools' own list, case-insensitive). */
const LOG_LEVELS: readonly string[] = Object.values(LogLevel);

/**
 * The consumer's Powertools Logger: JSON lines, level from POWERTOOLS_LOG_LEVEL read from the
 * consumer's environment (process.env in Lambda, the injected one in tests and the local runtime;
 * Powertools alone would read only process.env). Each record gets a child carrying message id,
 * receive count and call id (record-handler.ts), so every line about a message can be found by any
 * of the three. An unknown level is a configuration error, not a silent fallback.
 */
export function createLogger(defaultServiceName: string, environment: EnvironmentSource = process.env): Logger {
    const configured = environment[HandlerEnvironment.serviceName];
    const level = environment[HandlerEnvironment.logLevel]?.trim().toUpperCase();
    if (level !== undefined && level !== "" && !LOG_LEVELS.includes(level)) {
        throw new HandlerConfigError(
            `invalid handler environment: '${HandlerEnvironment.logLevel}' must be one of ${LOG_LEVELS.join(", ")}, ${JSON.stringify(environment[HandlerEnvironment.logLevel])} given`,
        );
    }
    return new Logger({
        serviceName: configured === undefined || configured === "" ? defaultServiceName : configured,
        ...(level !== undefined && level !== "" ? { logLevel: level as (typeof LogLevel)[keyof typeof LogLevel] } : {}),
    });
}
