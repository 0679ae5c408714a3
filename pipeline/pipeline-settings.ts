import { DEFAULT_PAGERDUTY_EVENTS_URL } from "../handlers/environment";
import { PipelineConfigError } from "./config-error";
import { Problems } from "./checks";
import { computeLaneSettings, LaneKind, LaneSettings, validateLaneOptions } from "./lane-settings";
import { Limits } from "./limits";
import { AlarmOptions, LogLevel, LogLevels, PipelineOptions } from "./options";

/** The two lanes of the pipeline, by the key used in config and outputs. */
export const Lanes = {
    escalation: { kind: LaneKind.standard, handler: "escalation", logicalName: "escalation" },
    toolCall: { kind: LaneKind.fifo, handler: "toolCall", logicalName: "tool-call" },
} as const;
export type LaneName = keyof typeof Lanes;

export const PipelineDefaults = {
    logRetentionDays: 30,
    logLevel: "INFO" as LogLevel,
    pagerDutyEventsUrl: DEFAULT_PAGERDUTY_EVENTS_URL,
} as const;

/** The whole pipeline's resolved settings: what the component builds and the local runtime mirrors. */
export interface PipelineSettings {
    readonly lanes: Readonly<Record<LaneName, LaneSettings>>;
    readonly alarms: Required<AlarmOptions>;
    readonly kmsKeyArn?: string;
    readonly logRetentionDays: number;
    readonly logLevel: LogLevel;
    readonly pagerDutyEventsUrl: string;
}

const PIPELINE_KEYS: readonly (keyof PipelineOptions)[] = ["escalation", "toolCall", "alarms", "kmsKeyArn", "logRetentionDays", "logLevel", "pagerDutyEventsUrl"];
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
        problems.array(`${key}.alarms.emailEndpoints`, alarms.emailEndpoints, (k, v) => problems.matches(k, v, EMAIL, "an e-mail address"));
        problems.array(`${key}.alarms.httpsEndpoints`, alarms.httpsEndpoints, (k, v) => problems.matches(k, v, HTTPS_URL, "an https:// URL"));
    }
    problems.matches(`${key}.kmsKeyArn`, pipeline.kmsKeyArn, KMS_KEY_ARN, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)");
    problems.oneOf(`${key}.logRetentionDays`, pipeline.logRetentionDays, Limits.logRetentionDays);
    problems.oneOf(`${key}.logLevel`, pipeline.logLevel, LogLevels);
    problems.matches(`${key}.pagerDutyEventsUrl`, pipeline.pagerDutyEventsUrl, HTTPS_URL, "an https:// URL");
    return problems.list;
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
        lanes: {
            escalation: computeLaneSettings(Lanes.escalation.kind, options.escalation),
            toolCall: computeLaneSettings(Lanes.toolCall.kind, options.toolCall),
        },
        alarms: { emailEndpoints: options.alarms?.emailEndpoints ?? [], httpsEndpoints: options.alarms?.httpsEndpoints ?? [] },
        kmsKeyArn: options.kmsKeyArn,
        logRetentionDays: options.logRetentionDays ?? PipelineDefaults.logRetentionDays,
        logLevel: options.logLevel ?? PipelineDefaults.logLevel,
        pagerDutyEventsUrl: options.pagerDutyEventsUrl ?? PipelineDefaults.pagerDutyEventsUrl,
    };
}
