import { Policies } from "@pulumi/policy";
import { exemptable } from "./exemptions";
import { cloudwatchDlqDepthAlarm } from "./cloudwatch";
import {
    lambdaConsumerConcurrencyBounded,
    lambdaEsmBatchWindow,
    lambdaEsmFifoBatching,
    lambdaEsmReportsBatchItemFailures,
    sqsVisibilityTimeoutCoversConsumers,
} from "./event-source-mapping";
import { iamConsumerRoleLeastPrivilege } from "./iam";
import { lambdaLogRetention, lambdaRuntimeSupported, lambdaTimeoutExplicit, lambdaTracingActive } from "./lambda";
import { sqsDlqRetentionLonger, sqsDlqSameType, sqsMaxReceiveCount, sqsQueueEncryptedAtRest, sqsQueueHasDlq } from "./sqs";
import { sqsQueuePolicyDeniesInsecureTransport, sqsQueuePolicyNoWildcards } from "./sqs-access";

/**
 * Every policy of the pack. Importing this file starts nothing, so tests and the offline gate
 * use it; `index.ts` hands it to `new PolicyPack`, which starts the analyzer server. Every policy
 * honours the per-resource exemptions of the policy config (exemptions.ts).
 */
export const policies: Policies = exemptable([
    // Mission rules.
    sqsQueueHasDlq,
    sqsMaxReceiveCount,
    sqsVisibilityTimeoutCoversConsumers,
    // Dead-letter queues.
    sqsDlqSameType,
    sqsDlqRetentionLonger,
    cloudwatchDlqDepthAlarm,
    // Event source mappings and their consumers.
    lambdaEsmReportsBatchItemFailures,
    lambdaEsmFifoBatching,
    lambdaEsmBatchWindow,
    lambdaConsumerConcurrencyBounded,
    // Queue security.
    sqsQueueEncryptedAtRest,
    sqsQueuePolicyDeniesInsecureTransport,
    sqsQueuePolicyNoWildcards,
    iamConsumerRoleLeastPrivilege,
    // Lambda functions.
    lambdaTimeoutExplicit,
    lambdaTracingActive,
    lambdaLogRetention,
    lambdaRuntimeSupported,
]);
