import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { type ConsumerOptions, resolveConsumerOptions } from "../consumer/consumer-options";
import { createSqsConsumer, type SqsConsumerHandler } from "../consumer/sqs-consumer";
import { createIdempotencyStore } from "../idempotency/persistence";
import { EscalationMessageSchema, type EscalationMessage } from "../messages/escalation-message";
import { EventType } from "../messages/message-attributes";
import { validateMessage } from "../messages/parse-message";
import type { SecretSource } from "../secrets/secret-source";
import { ssmSecretSource } from "../secrets/ssm-secret-source";
import { readEscalationTargets } from "./escalation-config";
import { triggerPagerDutyIncident } from "./pager-duty";
import { notifySlack } from "./slack";

export interface EscalationConsumerOptions extends ConsumerOptions {
    /** @default SSM Parameter Store through Powertools Parameters */
    readonly secrets?: SecretSource;
    /**
     * How long a call to PagerDuty or Slack may take before it counts as a transient failure. Well
     * under the function timeout, so a slow service costs one retry, not a timed-out batch.
     * @default 5000
     */
    readonly downstreamTimeoutMs?: number;
}

export const DEFAULT_DOWNSTREAM_TIMEOUT_MS = 5000;

/** What one delivery did; stored by Powertools Idempotency and returned again for duplicates. */
interface Delivery {
    readonly pagerDutyDedupKey: string;
    /** The SQS message that actually paged; a duplicate sees another message's id here. */
    readonly deliveredByMessageId: string;
    readonly deliveredAt: string;
}

interface DeliveryRequest {
    readonly callId: string;
    readonly messageId: string;
    readonly message: EscalationMessage;
}

/**
 * The escalation (pager) consumer: validate, page PagerDuty (dedup_key = call id), post to Slack.
 * The delivery is idempotent per call id in DynamoDB for longer than every redelivery can take,
 * so a duplicate message neither pages nor posts again (Slack has no deduplication of its own).
 * PagerDuty goes first: if Slack then fails, the retry re-sends a trigger PagerDuty folds into the
 * same incident, and Slack is tried again.
 */
export function createEscalationConsumer(options: EscalationConsumerOptions = {}): SqsConsumerHandler {
    const resolved = resolveConsumerOptions(options, "escalation-pager");
    const targets = readEscalationTargets(resolved.environment);
    const secrets = options.secrets ?? ssmSecretSource(resolved.environment);
    const persistenceStore = createIdempotencyStore(resolved.config.idempotencyTableName, resolved.clients.dynamoDb);
    const timeoutMs = options.downstreamTimeoutMs ?? DEFAULT_DOWNSTREAM_TIMEOUT_MS;

    const deliver = async (request: DeliveryRequest): Promise<Delivery> => {
        const [routingKey, webhookUrl] = await Promise.all([
            secrets.get(targets.pagerDutyRoutingKeyParameter),
            secrets.get(targets.slackWebhookUrlParameter),
        ]);
        const pagerDutyDedupKey = await triggerPagerDutyIncident(targets.pagerDutyEventsUrl, request.message, routingKey, timeoutMs);
        await notifySlack(webhookUrl, request.message, timeoutMs);
        return { pagerDutyDedupKey, deliveredByMessageId: request.messageId, deliveredAt: new Date().toISOString() };
    };

    return createSqsConsumer(
        {
            eventType: EventType.escalation,
            fifo: false,
            prepare(context) {
                const config = new IdempotencyConfig({
                    eventKeyJmesPath: "callId",
                    expiresAfterSeconds: resolved.config.idempotencyExpirySeconds,
                    lambdaContext: context,
                });
                const deliverOnce = makeIdempotent(deliver, { persistenceStore, config, keyPrefix: "escalation" });
                return async (received, log) => {
                    const message = validateMessage(received.parsed, EscalationMessageSchema, "escalation");
                    const delivery = await deliverOnce({ callId: message.callId, messageId: received.record.messageId, message });
                    if (delivery.deliveredByMessageId === received.record.messageId) {
                        log.info("escalation delivered", { severity: message.severity, pagerDutyDedupKey: delivery.pagerDutyDedupKey });
                    } else {
                        log.info("escalation already delivered; duplicate acknowledged", { ...delivery });
                    }
                };
            },
        },
        resolved,
    );
}
