/**
 * A consumer's complete, valid Lambda environment (the variables of handlers/environment.ts), written
 * once so the failure-policy tests read one config; a test overrides only the key it is about.
 */
export const VALID_CONSUMER_ENVIRONMENT = {
    QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/escalations",
    DEAD_LETTER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/escalations-dlq",
    MAX_RECEIVE_COUNT: "5",
    VISIBILITY_TIMEOUT_SECONDS: "180",
    BACKOFF_TIERS_SECONDS: "5,30,300",
    IDEMPOTENCY_TABLE_NAME: "idempotency",
    IDEMPOTENCY_EXPIRY_SECONDS: "86400",
};
