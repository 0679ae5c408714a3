import { Policies } from "@pulumi/policy";
import { exemptable } from "./exemptions";
import { cloudwatchAlarmHasAction, cloudwatchConsumerAlarms, cloudwatchDlqDepthAlarm } from "./cloudwatch";
import {
    lambdaConsumerConcurrencyBounded,
    lambdaEsmBatchWindow,
    lambdaEsmFilterDropsMessages,
    lambdaEsmFifoBatching,
    lambdaEsmReportsBatchItemFailures,
    sqsVisibilityTimeoutCoversConsumers,
} from "./event-source-mapping";
import { iamConsumerRoleLeastPrivilege } from "./iam";
import { lambdaConsumerNotPublic, lambdaLogRetention, lambdaRuntimeSupported, lambdaTimeoutExplicit, lambdaTracingActive } from "./lambda";
import {
    sqsDlqAdmitsSource,
    sqsDlqMessageSizeNotSmaller,
    sqsDlqRetentionLonger,
    sqsDlqSameType,
    sqsMaxReceiveCount,
    sqsQueueEncryptedAtRest,
    sqsQueueHasDlq,
    sqsRedriveNoCycle,
} from "./sqs";
import {
    sqsQueueOneAccessPolicy,
    sqsQueuePolicyDeniesInsecureTransport,
    sqsQueuePolicyNoWildcards,
    sqsQueuePolicyServicePrincipalScoped,
} from "./sqs-access";

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
    sqsDlqMessageSizeNotSmaller,
    sqsDlqAdmitsSource,
    sqsRedriveNoCycle,
    cloudwatchDlqDepthAlarm,
    cloudwatchAlarmHasAction,
    // Event source mappings and their consumers.
    lambdaEsmReportsBatchItemFailures,
    lambdaEsmFifoBatching,
    lambdaEsmBatchWindow,
    lambdaConsumerConcurrencyBounded,
    lambdaEsmFilterDropsMessages,
    cloudwatchConsumerAlarms,
    // Queue security.
    sqsQueueEncryptedAtRest,
    sqsQueuePolicyDeniesInsecureTransport,
    sqsQueuePolicyNoWildcards,
    sqsQueueOneAccessPolicy,
    sqsQueuePolicyServicePrincipalScoped,
    iamConsumerRoleLeastPrivilege,
    lambdaConsumerNotPublic,
    // Lambda functions.
    lambdaTimeoutExplicit,
    lambdaTracingActive,
    lambdaLogRetention,
    lambdaRuntimeSupported,
]);
