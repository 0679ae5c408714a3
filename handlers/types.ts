/**
 * The types the consumers share: what a consumer is given, what it runs on, and what a lane
 * supplies. One dependency type (ConsumerDependencies) serves the consumer factory and the record
 * handler; the failure policy reads a Pick of it (FailurePolicyDependencies).
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { AwsClients } from "./aws";
import type { ConsumerConfig, EnvironmentSource } from "./config";
import type { InvocationDeadline, RemainingTime } from "./deadline";
import type { EventType, ParsedBody } from "./messages";
import type { ConsumerMetrics } from "./observability";

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

/**
 * What a consumer runs on: built once per execution environment by resolveConsumerOptions (the
 * entry files do it at module scope); createSqsConsumer adds the invocation's clock to it for each
 * batch, and the record handler and the failure policy read it.
 */
export interface ConsumerDependencies {
    /** Where the settings were read from; a lane reads its own settings there too. */
    readonly environment: EnvironmentSource;
    readonly config: ConsumerConfig;
    /** S3 is read only when a body is a pointer, so the lazily built S3 client stays unbuilt otherwise. */
    readonly clients: AwsClients;
    readonly logger: Logger;
    /** Business metrics (dead letters by kind, scheduled retries...); flushed at the end of every invocation. */
    readonly metrics: ConsumerMetrics;
    /** The invocation's remaining time; nothing is dead-lettered once it is up (deadline.ts). Set per invocation. */
    readonly remainingTime?: RemainingTime;
    /** The invocation's deadline guard: no record starts without the safety margin left (deadline.ts). Set per invocation. */
    readonly deadline?: InvocationDeadline;
}

/**
 * What the failure policy reads of ConsumerDependencies; metrics may be absent (nothing is then
 * counted), so the policy's steps can be run on their own.
 */
export type FailurePolicyDependencies = Pick<ConsumerDependencies, "config" | "clients" | "remainingTime"> &
    Partial<Pick<ConsumerDependencies, "metrics">>;

/** One lane: what its messages are, whether its queue is FIFO, and what to do with a message. */
export interface LaneDefinition {
    readonly eventType: EventType;
    readonly fifo: boolean;
    /**
     * Called once per invocation (idempotency needs the invocation's context for its in-progress
     * expiry; steps check the deadline guard before they start, and long ones stop at its margin).
     */
    prepare(context: Context | undefined, deadline: InvocationDeadline | undefined): ProcessMessage;
}

/** The Lambda handler signature the consumers export (context is optional for direct calls in tests). */
export type SqsConsumerHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/**
 * A message as lane code sees it: the payload (fetched first if it was in S3) already run through
 * JSON.parse once; the lane checks it against its schema (validateMessage).
 */
export interface ReceivedMessage {
    readonly record: SQSRecord;
    readonly parsed: ParsedBody;
}

/** What a lane does with one message. Throw to fail it; the error's class decides what happens next. */
export type ProcessMessage = (message: ReceivedMessage, log: Logger) => Promise<void>;

/** Notes which messages were given a backoff, so the FIFO consumer can give their held-back group mates the same one. */
export type RetryScheduled = (record: SQSRecord, visibilitySeconds: number) => void;
