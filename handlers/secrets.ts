/**
 * Where a consumer gets its secrets (PagerDuty routing key, Slack webhook URL). The environment
 * carries only parameter *names*; a SecretSource turns a name into the value. In AWS that is SSM
 * Parameter Store through Powertools Parameters (ssmSecretSource below); in tests and the local
 * runtime, where no SSM exists, an in-memory source is injected instead.
 */
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { SSMClient } from "@aws-sdk/client-ssm";
import { clientConfig } from "./aws";
import type { EnvironmentSource } from "./config";
import { TransientError, SecretNotFoundError } from "./errors";

/** Turns a secret's parameter name into its value. */
export interface SecretSource {
    /** The decrypted value of the named secret. Rejects with SecretNotFoundError when it does not exist. */
    get(name: string): Promise<string>;
}

/** A source backed by a fixed map, for tests and the local runtime. */
export function inMemorySecretSource(values: Readonly<Record<string, string>>): SecretSource {
    return {
        async get(name) {
            const value = values[name];
            if (value === undefined) {
                throw new SecretNotFoundError(name);
            }
            return value;
        },
    };
}

/**
 * How long a secret is cached in the execution environment. Long enough that a busy consumer
 * reads SSM a few times an hour, short enough that a rotated key is picked up without a deploy.
 */
export const SECRET_CACHE_SECONDS = 300;

/**
 * SSM Parameter Store SecureStrings through Powertools Parameters (decrypted, cached). A Secrets
 * Manager secret is reachable the same way through SSM's reference path
 * `/aws/reference/secretsmanager/<secret-id>`. The endpoint honours AWS_ENDPOINT_URL_SSM.
 */
export function ssmSecretSource(environment: EnvironmentSource = process.env): SecretSource {
    const provider = new SSMProvider({ awsSdkV3Client: new SSMClient(clientConfig(environment, "AWS_ENDPOINT_URL_SSM")) });
    return {
        async get(name) {
            let value: string | undefined;
            try {
                value = await provider.get(name, { decrypt: true, maxAge: SECRET_CACHE_SECONDS });
            } catch (error) {
                if (hasName(error, "ParameterNotFound")) {
                    throw new SecretNotFoundError(name, { cause: error });
                }
                // Throttling or an SSM outage: the message should come back, not be dead-lettered.
                throw new TransientError(`reading secret '${name}' failed: ${(error as Error).message}`, { cause: error });
            }
            if (value === undefined) {
                throw new SecretNotFoundError(name);
            }
            return value;
        },
    };
}

/** Powertools wraps SDK errors in GetParameterError; the SDK's error name is on the cause. */
function hasName(error: unknown, name: string): boolean {
    for (let current = error; current instanceof Error; current = current.cause) {
        if (current.name === name) {
            return true;
        }
    }
    return false;
}
