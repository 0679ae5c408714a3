import { DEFAULT_PAGERDUTY_EVENTS_URL } from "../handlers/environment";
import { PipelineConfigError } from "./config-error";
import { Problems } from "./checks";
import { computeLaneSettings, LaneDefaults, LaneSettings, validateLaneOptions } from "./lane-settings";
import { endpointHost, placeholderHostReason } from "./endpoints";
import { DEAD_LETTER_RETENTION_SECONDS, Limits } from "./limits";
import { AlarmOptions, DataProtection, EncryptionMode, LogLevel, LogLevels, PipelineOptions } from "./options";

import { type LaneName, Lanes, perLane } from "./lanes";
// The lane table lives in lanes.ts; re-exported for the modules that read it with the settings.
export { type LaneName, Lanes };

export const PipelineDefaults = {
    logRetentionDays: 30,
    logLevel: "INFO" as LogLevel,
    pagerDutyEventsUrl: DEFAULT_PAGERDUTY_EVENTS_URL,
    encryption: EncryptionMode.awsManaged as EncryptionMode,
    dataProtection: DataProtection.protect as DataProtection,
} as const;

/** Slack between a payload's last possible reader and its expiry: clock skew, a slow redrive. */
const PAYLOAD_EXPIRY_MARGIN_DAYS = 1;
const ONE_DAY_SECONDS = 86_400;

/** How the stack encrypts at rest: no customer key, one it creates, or one that exists. */
export type EncryptionSettings =
    | { readonly mode: typeof EncryptionMode.awsManaged }
    | { readonly mode: typeof EncryptionMode.stackKey }
    | { readonly mode: typeof EncryptionMode.existingKey; readonly keyArn: string };

/** The whole pipeline's resolved settings: what the component builds and the local runtime mirrors. */
export interface PipelineSettings {
    readonly lanes: Readonly<Record<LaneName, LaneSettings>>;
    readonly alarms: Required<AlarmOptions>;
    readonly encryption: EncryptionSettings;
    readonly dataProtection: DataProtection;
    /**
     * Days a large payload is kept: the longest a pointer to it can live. A message waits up to the
     * source queue's retention; a dead letter the handler forwards is a new message with the DLQ's
     * full retention; plus a margin. A replay after that finds the object gone (see README).
     */
    readonly payloadExpiryDays: number;
    readonly logRetentionDays: number;
    readonly logLevel: LogLevel;
    readonly pagerDutyEventsUrl: string;
}

const PIPELINE_KEYS: readonly (keyof PipelineOptions)[] = [
    "escalation",
    "toolCall",
    "alarms",
    "encryption",
    "kmsKeyArn",
    "dataProtection",
    "logRetentionDays",
    "logLevel",
    "pagerDutyEventsUrl",
];
const ALARM_KEYS: readonly (keyof AlarmOptions)[] = ["emailEndpoints", "httpsEndpoints"];
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const HTTPS_URL = /^https:\/\/[^\s/]+(\/\S*)?$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Every problem with `options`, each naming the key, the allowed values and the value given. */
export function validatePipelineOptions(options: unknown, key = "pipeline"): readonly string[] {
    const problems = new Problems();
    if (options === undefined || !problems.object(key, options, PIPELINE_KEYS)) {
        return problems.list;
    }
    const pipeline = options as Record<keyof PipelineOptions, unknown>;
    for (const [laneName, lane] of Object.entries(Lanes)) {
        validateLaneOptions(problems, `${key}.${laneName}`, pipeline[laneName as LaneName], lane.kind);
    }
    if (problems.object(`${key}.alarms`, pipeline.alarms, ALARM_KEYS)) {
        const alarms = pipeline.alarms as Record<keyof AlarmOptions, unknown>;
        const endpoint = (isWellFormed: (elementKey: string, value: unknown) => boolean) => (elementKey: string, value: unknown) => {
            if (isWellFormed(elementKey, value)) {
                rejectPlaceholderHost(problems, elementKey, value as string);
            }
        };
        const email = (elementKey: string, value: unknown) => problems.matches(elementKey, value, EMAIL, "an e-mail address");
        problems.array(`${key}.alarms.emailEndpoints`, alarms.emailEndpoints, endpoint(email));
        problems.array(
            `${key}.alarms.httpsEndpoints`,
            alarms.httpsEndpoints,
            endpoint((elementKey, value) => httpsUrl(problems, elementKey, value)),
        );
    }
    validateEncryption(problems, key, pipeline.encryption, pipeline.kmsKeyArn);
    problems.oneOf(`${key}.dataProtection`, pipeline.dataProtection, Object.values(DataProtection));
    problems.oneOf(`${key}.logRetentionDays`, pipeline.logRetentionDays, Limits.logRetentionDays);
    problems.oneOf(`${key}.logLevel`, pipeline.logLevel, LogLevels);
    httpsUrl(problems, `${key}.pagerDutyEventsUrl`, pipeline.pagerDutyEventsUrl);
    return problems.list;
}

/**
 * An https:// URL that a URL parser accepts too: the pattern alone lets `https://[bad` through,
 * which SNS (or the consumer's fetch) would refuse only at deploy or page time.
 */
function httpsUrl(problems: Problems, key: string, value: unknown): boolean {
    if (!problems.matches(key, value, HTTPS_URL, "an https:// URL")) {
        return false;
    }
    if (!URL.canParse(value as string)) {
        problems.add(`'${key}' must be an https:// URL with a valid host, ${JSON.stringify(value)} given`);
        return false;
    }
    return true;
}

/** A placeholder host is an error: a subscription to it never confirms (see endpoints.ts). */
function rejectPlaceholderHost(problems: Problems, key: string, endpoint: string): void {
    const host = endpointHost(endpoint);
    const reason = host === undefined ? undefined : placeholderHostReason(host);
    if (reason !== undefined) {
        problems.add(`'${key}' must be a real endpoint you receive alarms at (${reason}), ${JSON.stringify(endpoint)} given`);
    }
}

function validateEncryption(problems: Problems, key: string, encryption: unknown, kmsKeyArn: unknown): void {
    const modeOk = problems.oneOf(`${key}.encryption`, encryption, Object.values(EncryptionMode));
    if (encryption !== undefined && !modeOk) {
        return;
    }
    if (encryption === EncryptionMode.existingKey) {
        if (kmsKeyArn === undefined) {
            problems.add(
                `'${key}.kmsKeyArn' must be set when '${key}.encryption' is "existingKey" (the ARN of the key to use), nothing given`,
            );
        }
        problems.matches(`${key}.kmsKeyArn`, kmsKeyArn, KMS_KEY_ARN, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)");
    } else if (kmsKeyArn !== undefined) {
        problems.add(
            `'${key}.kmsKeyArn' must be set only with '${key}.encryption: existingKey' (encryption is ${JSON.stringify(encryption ?? PipelineDefaults.encryption)}), ${JSON.stringify(kmsKeyArn)} given`,
        );
    }
}

/**
 * Validates `options` and resolves every default and derived value.
 * @throws PipelineConfigError listing every problem, before anything is built.
 */
export function resolvePipelineSettings(options: PipelineOptions | undefined, key = "pipeline"): PipelineSettings {
    const problems = validatePipelineOptions(options, key);
    if (problems.length > 0) {
        throw new PipelineConfigError(problems);
    }
    return computePipelineSettings(options);
}

/** Resolves defaults and derived values of options that `validatePipelineOptions` accepted. */
export function computePipelineSettings(options: PipelineOptions = {}): PipelineSettings {
    return {
        lanes: perLane((lane) => computeLaneSettings(Lanes[lane].kind, options[lane])),
        alarms: { emailEndpoints: options.alarms?.emailEndpoints ?? [], httpsEndpoints: options.alarms?.httpsEndpoints ?? [] },
        encryption: encryptionSettings(options),
        dataProtection: options.dataProtection ?? PipelineDefaults.dataProtection,
        payloadExpiryDays: payloadExpiryDays(
            [options.escalation, options.toolCall].map((lane) => lane?.messageRetentionSeconds ?? LaneDefaults.messageRetentionSeconds),
        ),
        logRetentionDays: options.logRetentionDays ?? PipelineDefaults.logRetentionDays,
        logLevel: options.logLevel ?? PipelineDefaults.logLevel,
        pagerDutyEventsUrl: options.pagerDutyEventsUrl ?? PipelineDefaults.pagerDutyEventsUrl,
    };
}

function encryptionSettings(options: PipelineOptions): EncryptionSettings {
    const mode = options.encryption ?? PipelineDefaults.encryption;
    return mode === EncryptionMode.existingKey ? { mode, keyArn: options.kmsKeyArn! } : { mode };
}

/** Source retention (the longest lane's) + DLQ retention + margin, in whole days. */
export function payloadExpiryDays(sourceRetentionSeconds: readonly number[]): number {
    const longestSource = Math.max(...sourceRetentionSeconds);
    return Math.ceil((longestSource + DEAD_LETTER_RETENTION_SECONDS) / ONE_DAY_SECONDS) + PAYLOAD_EXPIRY_MARGIN_DAYS;
}

/** The customer-managed key ARN an existing-key stack names (undefined for the other modes). */
export function existingKeyArn(encryption: EncryptionSettings): string | undefined {
    return encryption.mode === EncryptionMode.existingKey ? encryption.keyArn : undefined;
}
