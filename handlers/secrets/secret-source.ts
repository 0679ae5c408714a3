/**
 * Where a consumer gets its secrets (PagerDuty routing key, Slack webhook URL). The environment
 * carries only parameter *names*; a SecretSource turns a name into the value. In AWS that is SSM
 * Parameter Store through Powertools Parameters (see ssm-secret-source.ts); in tests and the local
 * runtime, where no SSM exists, an in-memory source is injected instead.
 */
export interface SecretSource {
    /** The decrypted value of the named secret. Rejects with SecretNotFoundError when it does not exist. */
    get(name: string): Promise<string>;
}

export class SecretNotFoundError extends Error {
    constructor(
        readonly secretName: string,
        options?: ErrorOptions,
    ) {
        super(`secret '${secretName}' was not found`, options);
        this.name = "SecretNotFoundError";
    }
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
