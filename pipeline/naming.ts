import { Problems } from "./checks";
import { LaneKind, type LaneName, Lanes, perLane } from "./lanes";
import { Limits } from "./limits";
import { FIFO_QUEUE_SUFFIX } from "../handlers/environment";

/**
 * Deterministic physical names. They are known at `pulumi preview` (so the policy pack can read
 * every ARN built from them), they carry project, stack and component name (so two pipelines,
 * stacks or projects never clash in one account), and the local runtime uses the same ones.
 */
export interface LaneNames {
    readonly queue: string;
    readonly deadLetterQueue: string;
    /** Function and its role share a name: different namespaces, and one name is easier to trace. */
    readonly function: string;
    readonly logGroup: string;
    /** The consumer role's inline policy (names are per role, but a prefixed one reads in the console). */
    readonly rolePolicy: string;
    /** CloudWatch alarm names are per account and region: `<prefix>-<lane>-<alarm>`, so dev and prod notifications differ. */
    alarm(suffix: string): string;
}

export interface AlarmNotifierNames {
    readonly function: string;
    readonly logGroup: string;
    readonly deadLetterQueue: string;
    readonly deadLetterQueueDepthAlarm: string;
}

export interface PipelineNames {
    readonly prefix: string;
    readonly lanes: Readonly<Record<LaneName, LaneNames>>;
    readonly idempotencyTable: string;
    readonly alarmTopic: string;
    /** CloudWatch Logs group of the DLQ tools' audit trail (local/dlq/audit.ts). */
    readonly dlqAuditLogGroup: string;
    readonly pagerDutyRoutingKeyParameter: string;
    readonly slackWebhookUrlParameter: string;
    /** The alias of the key a `stackKey` stack creates (keys themselves have no name). */
    readonly keyAlias: string;
    /** The alarm notifier: its function (and role), log group, DLQ and the DLQ's depth alarm. */
    readonly alarmNotifier: AlarmNotifierNames;
    /** Bucket names are global: the account id makes them unique. */
    payloadBucket(accountId: string): string;
}

const ACCOUNT_ID_LENGTH = 12;
const PAYLOAD_BUCKET_SUFFIX = "-payloads-";
/** The bucket name is the longest derived name, so it bounds the prefix. */
export const MAX_PREFIX_LENGTH = Limits.bucketNameLength - PAYLOAD_BUCKET_SUFFIX.length - ACCOUNT_ID_LENGTH;
/** Lower case letters, digits and hyphens: the one alphabet every name (S3 included) accepts. */
const PREFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Starts of a prefix that S3 or SSM refuse, with the reason. The payload bucket is
 * `<prefix>-payloads-<account>`, so S3's reserved bucket prefixes apply to ours (its reserved
 * suffixes do not: the bucket name ends in the account id). SSM refuses parameter names that
 * begin with "aws" or "ssm" in any case, and ours are `/<prefix>/...`.
 */
const RESERVED_PREFIX_STARTS: ReadonlyArray<{ readonly start: string; readonly reason: string }> = [
    { start: "xn--", reason: "S3 bucket names must not start with xn-- (reserved for punycode)" },
    { start: "sthree-", reason: "S3 bucket names must not start with sthree- (reserved by S3)" },
    { start: "amzn-s3-demo-", reason: "S3 bucket names must not start with amzn-s3-demo- (reserved for documentation)" },
    { start: "aws", reason: "SSM parameter names must not start with aws (reserved by AWS), and the pager's parameters are /<prefix>/..." },
    { start: "ssm", reason: "SSM parameter names must not start with ssm (reserved by AWS), and the pager's parameters are /<prefix>/..." },
];

/** The default prefix: project, stack and component name, lower-cased with other characters as hyphens. */
export function defaultNamePrefix(project: string, stack: string, componentName: string): string {
    return [project, stack, componentName]
        .join("-")
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "");
}

/** Problems with a name prefix, each naming the allowed form and the value given. */
export function validateNamePrefix(prefix: string, key = "namePrefix"): readonly string[] {
    const problems = new Problems();
    problems.matches(key, prefix, PREFIX_PATTERN, "lower case letters, digits and inner hyphens");
    const reserved = RESERVED_PREFIX_STARTS.find(({ start }) => prefix.toLowerCase().startsWith(start));
    if (reserved !== undefined) {
        problems.add(`'${key}' must not start with "${reserved.start}": ${reserved.reason}; ${JSON.stringify(prefix)} given`);
    }
    if (prefix.length > MAX_PREFIX_LENGTH) {
        problems.add(
            `'${key}' must be at most ${MAX_PREFIX_LENGTH} characters (the payload bucket name '<prefix>${PAYLOAD_BUCKET_SUFFIX}<account id>' is limited to ${Limits.bucketNameLength}), ${JSON.stringify(prefix)} given (${prefix.length} characters); pass a shorter 'namePrefix'`,
        );
    }
    return problems.list;
}

export function pipelineNames(prefix: string): PipelineNames {
    const lane = (laneName: LaneName): LaneNames => {
        const base = Lanes[laneName].baseNames;
        const suffix = Lanes[laneName].kind === LaneKind.fifo ? FIFO_QUEUE_SUFFIX : "";
        const functionName = `${prefix}-${base.function}`;
        return {
            queue: `${prefix}-${base.queue}${suffix}`,
            deadLetterQueue: `${prefix}-${base.queue}-dlq${suffix}`,
            function: functionName,
            logGroup: `/aws/lambda/${functionName}`,
            rolePolicy: `${functionName}-permissions`,
            alarm: (suffix: string) => `${prefix}-${base.alarm}-${suffix}`,
        };
    };
    return {
        prefix,
        lanes: perLane(lane),
        idempotencyTable: `${prefix}-idempotency`,
        alarmTopic: `${prefix}-alarms`,
        dlqAuditLogGroup: `/${prefix}/dlq-audit`,
        pagerDutyRoutingKeyParameter: `/${prefix}/pagerduty-routing-key`,
        slackWebhookUrlParameter: `/${prefix}/slack-webhook-url`,
        keyAlias: `alias/${prefix}`,
        alarmNotifier: {
            function: `${prefix}-alarm-notifier`,
            logGroup: `/aws/lambda/${prefix}-alarm-notifier`,
            deadLetterQueue: `${prefix}-alarm-notifier-dlq`,
            deadLetterQueueDepthAlarm: `${prefix}-alarm-notifier-dlq-depth`,
        },
        payloadBucket: (accountId: string) => `${prefix}${PAYLOAD_BUCKET_SUFFIX}${accountId}`,
    };
}
