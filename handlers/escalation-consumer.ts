import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { SQSRecord } from "aws-lambda";
import { createSqsConsumer, resolveConsumerOptions } from "./consumer";
import type { ConsumerOptions, SqsConsumerHandler } from "./types";
import { assertWithinDeadline, type InvocationDeadline, remainingTimeOf, type RemainingTime } from "./deadline";
import {
    InvocationDeadlineNearError,
    InvocationDeadlinePassedError,
    asError,
    failureKindOf,
    FailureKind,
    SlackFailedAfterPageError,
    SlackUnavailableAfterPageError,
} from "./errors";

import { createIdempotencyStore } from "./aws";
import { MetricName, createTracer, traceStep } from "./observability";

import {
    EscalationMessageSchema,
    escalationIdOf,
    type EscalationMessage,
    EventType,
    MessageAttributeName,
    validateMessage,
    decodePayloadPointer,
} from "./messages";

import { type SecretSource, ssmSecretSource } from "./secrets";

import { readEscalationTargets } from "./config";
import { pagerDutyTriggerEvent, triggerPagerDutyIncident, notifySlack } from "./downstream";

export interface EscalationConsumerOptions extends ConsumerOptions {
    /** @default SSM Parameter Store through Powertools Parameters */
    readonly secrets?: SecretSource;
    /**
     * How long a call to PagerDuty or Slack may take before it counts as a transient failure. Well
     * under the function timeout, so a slow service costs one retry, not a timed-out batch.
     * @default 5000
     */
    readonly downstreamTimeoutMs?: number;
    /** @default Powertools Tracer: PagerDuty and Slack calls as X-Ray subsegments (in Lambda) */
    readonly tracer?: Tracer;
}

export const DEFAULT_DOWNSTREAM_TIMEOUT_MS = 5000;

/**
 * The steps of one escalation's delivery, each with its own completion record (the key prefix of
 * its Powertools Idempotency record): a retry or a replay runs only the steps not done.
 */
export const DeliveryStep = { pagerDuty: "escalation-pagerduty", slack: "escalation-slack" } as const;
export type DeliveryStep = (typeof DeliveryStep)[keyof typeof DeliveryStep];

/**
 * How long a step's completion record lives at least: SQS's longest retention, which the
 * component gives every DLQ, so a dead letter replayed on its last day still skips the steps
 * already done (a page is not repeated because Slack failed two weeks ago).
 */
export const STEP_RECORD_MIN_EXPIRY_SECONDS = 1_209_600;

/** What a completed step stored; a later delivery of the same escalation gets it back instead of running the step. */
interface StepDone {
    /** The SQS message that ran the step; another message's id here means this one is a duplicate or a replay. */
    readonly byMessageId: string;
    readonly at: string;
    readonly pagerDutyDedupKey?: string;
}

interface StepRequest {
    /** The idempotency key of every step (eventKeyJmesPath). */
    readonly escalationId: string;
    readonly messageId: string;
    readonly message: EscalationMessage;
    readonly fullPayload: string;
    /** This invocation's remaining time: each step checks it just before its call goes out. */
    readonly remainingTime: RemainingTime;
    /** This invocation's deadline guard: a step starts only with room for its whole downstream time limit plus the margin. */
    readonly deadline: InvocationDeadline | undefined;
}

/**
 * The escalation (pager) consumer: validate, then two steps per escalation (`escalationId`),
 * each recorded as done on its own in DynamoDB:
 * 1. PagerDuty trigger with dedup_key = call id (one incident per call: an open one is updated,
 *    a resolved one re-opens; a new escalation of the call is a new delivery and pages);
 * 2. Slack post (Slack has no deduplication; the record makes it once).
 * A retry or a replay runs only the step not done. If Slack fails after the page, the failure says
 * "paged; Slack failed: <reason>" (dead-lettered at once when permanent, on the last attempt when
 * transient), and replaying that dead letter posts to Slack only. No step starts after the
 * invocation's deadline (a process frozen past its timeout leaves the work to the next delivery).
 */
export function createEscalationConsumer(options: EscalationConsumerOptions = {}): SqsConsumerHandler {
    const resolved = resolveConsumerOptions(options, "escalation-pager");
    const targets = readEscalationTargets(resolved.environment);
    // Built before the first call goes out: it instruments fetch, which both downstream calls use.
    const tracer = options.tracer ?? createTracer("escalation-pager", resolved.environment);
    const secrets = options.secrets ?? ssmSecretSource(resolved.environment);
    // One persistence layer per step: Powertools keeps the key prefix on the layer and sets it on every call, so two
    // steps sharing one would, with records running side by side, save one step's record under the other's prefix.
    const stepStore = () => createIdempotencyStore(resolved.config.idempotencyTableName, resolved.clients.dynamoDb);
    const timeoutMs = options.downstreamTimeoutMs ?? DEFAULT_DOWNSTREAM_TIMEOUT_MS;
    // One config per execution environment; each invocation registers its context (in-progress expiry = its remaining time).
    const idempotencyConfig = new IdempotencyConfig({
        eventKeyJmesPath: "escalationId",
        expiresAfterSeconds: Math.max(resolved.config.idempotencyExpirySeconds, STEP_RECORD_MIN_EXPIRY_SECONDS),
    });

    const page = makeIdempotent(
        async (request: StepRequest): Promise<StepDone> => {
            const routingKey = await secrets.get(targets.pagerDutyRoutingKeyParameter);
            assertWithinDeadline(request.remainingTime, "the PagerDuty trigger");
            // Room for the whole call and its completion record: a page cut off by the timeout after PagerDuty
            // accepted it, before the record was saved, is paged again by the next delivery.
            request.deadline?.assertRoomFor("the PagerDuty trigger", timeoutMs);
            const event = pagerDutyTriggerEvent(request.message, request.escalationId, routingKey, { fullPayload: request.fullPayload });
            const pagerDutyDedupKey = await triggerPagerDutyIncident(targets.pagerDutyEventsUrl, event, timeoutMs);
            return { byMessageId: request.messageId, at: new Date().toISOString(), pagerDutyDedupKey };
        },
        { persistenceStore: stepStore(), config: idempotencyConfig, keyPrefix: DeliveryStep.pagerDuty },
    );
    const post = makeIdempotent(
        async (request: StepRequest): Promise<StepDone> => {
            const webhookUrl = await secrets.get(targets.slackWebhookUrlParameter);
            assertWithinDeadline(request.remainingTime, "the Slack post");
            request.deadline?.assertRoomFor("the Slack post", timeoutMs);
            await notifySlack(webhookUrl, request.message, request.escalationId, timeoutMs);
            return { byMessageId: request.messageId, at: new Date().toISOString() };
        },
        { persistenceStore: stepStore(), config: idempotencyConfig, keyPrefix: DeliveryStep.slack },
    );

    return createSqsConsumer(
        {
            eventType: EventType.escalation,
            fifo: false,
            prepare(context, deadline) {
                if (context !== undefined) {
                    idempotencyConfig.registerLambdaContext(context);
                }
                const remainingTime = remainingTimeOf(context);
                return async (received, log) => {
                    const message = validateMessage(received.parsed, EscalationMessageSchema, "escalation");
                    const escalationId = escalationIdOf(message);
                    log.appendPersistentKeys({ escalationId });
                    const request: StepRequest = {
                        escalationId,
                        messageId: received.record.messageId,
                        message,
                        fullPayload: fullPayloadOf(received.record),
                        remainingTime,
                        deadline,
                    };
                    const annotations = { escalationId, callId: message.callId };
                    // Checked before the step's in-progress record is written, too: no record is taken without room to finish it.
                    deadline?.assertRoomFor("the PagerDuty step", timeoutMs);
                    const paged = await traceStep(tracer, "PagerDuty step", annotations, () => page(request));
                    // Frozen past the deadline while paging: the next delivery does the rest.
                    assertWithinDeadline(remainingTime, "the Slack step");
                    deadline?.assertRoomFor("the Slack step", timeoutMs);
                    const posted = await traceStep(tracer, "Slack step", annotations, () => post(request)).catch((thrown: unknown) => {
                        throw slackFailureAfterPage(asError(thrown));
                    });
                    const thisMessage = received.record.messageId;
                    if (paged.byMessageId === thisMessage) {
                        resolved.metrics.count(MetricName.escalationsPaged);
                    }
                    if (posted.byMessageId === thisMessage) {
                        resolved.metrics.count(MetricName.slackPosts);
                    }
                    if (paged.byMessageId === thisMessage && posted.byMessageId === thisMessage) {
                        log.info("escalation delivered", { severity: message.severity, pagerDutyDedupKey: paged.pagerDutyDedupKey });
                    } else if (paged.byMessageId !== thisMessage && posted.byMessageId !== thisMessage) {
                        resolved.metrics.count(MetricName.duplicatesAbsorbed);
                        log.info("escalation already delivered; duplicate acknowledged", {
                            pagedBy: paged.byMessageId,
                            postedBy: posted.byMessageId,
                        });
                    } else {
                        log.info("escalation delivery completed: only the steps not done before ran", {
                            pagedBy: paged.byMessageId,
                            postedBy: posted.byMessageId,
                        });
                    }
                };
            },
        },
        resolved,
    );
}

/**
 * A Slack failure once the page is done: marked "paged; Slack failed", in the same family
 * (poison or transient). "Someone else holds the step" and "deadline passed" pass through as they are.
 */
function slackFailureAfterPage(error: Error): Error {
    if (
        error instanceof IdempotencyAlreadyInProgressError ||
        error instanceof InvocationDeadlinePassedError ||
        error instanceof InvocationDeadlineNearError
    ) {
        return error;
    }
    return failureKindOf(error) === FailureKind.poison ? new SlackFailedAfterPageError(error) : new SlackUnavailableAfterPageError(error);
}

/** Where the whole escalation can be read: its S3 object when offloaded, else the message itself. */
function fullPayloadOf(record: SQSRecord): string {
    if (record.messageAttributes?.[MessageAttributeName.extendedPayloadSize] !== undefined) {
        const pointer = decodePayloadPointer(record.body);
        return `s3://${pointer.s3BucketName}/${pointer.s3Key}`;
    }
    return `SQS message ${record.messageId} on the escalation queue (or its DLQ)`;
}
