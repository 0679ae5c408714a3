import type { SNSEventRecord } from "aws-lambda";
import { InvalidMessageError } from "../failures/errors";
import { describeSchemaIssues } from "../messages/schema-errors";
import * as z from "../messages/zod";

/** The three states of a CloudWatch alarm, as `NewStateValue` and `OldStateValue` spell them. */
export const AlarmState = { alarm: "ALARM", ok: "OK", insufficientData: "INSUFFICIENT_DATA" } as const;
export type AlarmState = (typeof AlarmState)[keyof typeof AlarmState];

const AlarmStateSchema = z.enum([AlarmState.alarm, AlarmState.ok, AlarmState.insufficientData]);

/**
 * The JSON CloudWatch publishes to SNS when a metric alarm changes state (the SNS `Message`).
 * Only the fields the notifier uses are checked; CloudWatch sends more (OKActions, AlarmActions,
 * Trigger.StatisticType, ...) and they are dropped. `AlarmDescription` is null when the alarm has none.
 */
export const AlarmNotificationSchema = z.object({
    AlarmName: z.string().check(z.minLength(1)),
    AlarmDescription: z.nullish(z.string()),
    AWSAccountId: z.string(),
    NewStateValue: AlarmStateSchema,
    NewStateReason: z.string(),
    StateChangeTime: z.string(),
    Region: z.string(),
    AlarmArn: z.string().check(z.regex(/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/)),
    OldStateValue: AlarmStateSchema,
    Trigger: z.optional(
        z.object({
            MetricName: z.optional(z.string()),
            Namespace: z.optional(z.string()),
            Dimensions: z.optional(z.array(z.object({ name: z.string(), value: z.string() }))),
            Threshold: z.optional(z.number()),
        }),
    ),
});
export type AlarmNotification = z.output<typeof AlarmNotificationSchema>;

/** The alarm notification an SNS record carries; InvalidMessageError when it is not one. */
export function parseAlarmNotification(record: SNSEventRecord): AlarmNotification {
    let parsed: unknown;
    try {
        parsed = JSON.parse(record.Sns.Message) as unknown;
    } catch (error) {
        throw new InvalidMessageError(`SNS message ${record.Sns.MessageId} is not JSON, so not a CloudWatch alarm notification`, {
            cause: error,
        });
    }
    const result = z.safeParse(AlarmNotificationSchema, parsed);
    if (!result.success) {
        throw new InvalidMessageError(
            `SNS message ${record.Sns.MessageId} is not a CloudWatch alarm notification: ${describeSchemaIssues(result.error.issues, parsed)}`,
        );
    }
    return result.data;
}

/**
 * CloudWatch writes times as "2023-10-10T06:41:58.348+0000"; PagerDuty wants ISO 8601 with a
 * colon in the offset, which is also what `Date` parses everywhere.
 */
export function isoTimestamp(cloudWatchTime: string): string | undefined {
    const normalised = cloudWatchTime.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
    const time = Date.parse(normalised);
    return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
