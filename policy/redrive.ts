/**
 * The SQS redrive policy: a JSON string `{"deadLetterTargetArn": "...", "maxReceiveCount": 5}`
 * on the queue's `redrivePolicy` or on an aws.sqs.RedrivePolicy resource. maxReceiveCount may be
 * a number or a numeric string.
 */
export interface RedriveSettings {
    readonly deadLetterTargetArn?: string;
    /** As written: a number, a string, or absent. */
    readonly maxReceiveCount?: unknown;
}

/** A redrive or redrive-allow policy as read: its settings (undefined when absent), or what is wrong with it. */
export type ParsedSettings<T> = { readonly ok: true; readonly settings: T | undefined } | { readonly ok: false; readonly problem: string };

export type ParsedRedrive = ParsedSettings<RedriveSettings>;

/** Parses a redrive policy value; an empty string or absent value means "no redrive". */
export function parseRedrivePolicy(value: unknown): ParsedRedrive {
    return parsePolicyJson(value, (parsed) => {
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            return { ok: false, problem: `must be a JSON object; found ${JSON.stringify(value)}` };
        }
        const record = parsed as Record<string, unknown>;
        const arn = record.deadLetterTargetArn;
        return {
            ok: true,
            settings: {
                deadLetterTargetArn: typeof arn === "string" && arn !== "" ? arn : undefined,
                maxReceiveCount: record.maxReceiveCount,
            },
        };
    });
}

/** maxReceiveCount as an integer, or undefined when it is absent or not an integer. */
export function maxReceiveCountOf(settings: RedriveSettings): number | undefined {
    const raw = settings.maxReceiveCount;
    const count = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    return typeof count === "number" && Number.isInteger(count) ? count : undefined;
}

/** The permissions an SQS redriveAllowPolicy can give (absent means allowAll, AWS's default). */
export const RedrivePermissions = { allowAll: "allowAll", denyAll: "denyAll", byQueue: "byQueue" } as const;
export type RedrivePermission = (typeof RedrivePermissions)[keyof typeof RedrivePermissions];

/** A queue's redriveAllowPolicy: which source queues may use it as their dead-letter queue. */
export interface RedriveAllowSettings {
    readonly permission: RedrivePermission;
    /** The sources named with byQueue (empty otherwise). */
    readonly sourceQueueArns: readonly string[];
}

export type ParsedRedriveAllow = ParsedSettings<RedriveAllowSettings>;

/** Parses a redriveAllowPolicy value; an empty string or absent value means "allowAll" by default (undefined). */
export function parseRedriveAllowPolicy(value: unknown): ParsedRedriveAllow {
    return parsePolicyJson(value, (parsed) => {
        const record = (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {}) as Record<string, unknown>;
        const permission = Object.values(RedrivePermissions).find((p) => p === record.redrivePermission);
        if (permission === undefined) {
            return { ok: false, problem: `must set redrivePermission to allowAll, denyAll or byQueue; found ${JSON.stringify(value)}` };
        }
        const arns = Array.isArray(record.sourceQueueArns)
            ? record.sourceQueueArns.filter((arn): arn is string => typeof arn === "string")
            : [];
        return { ok: true, settings: { permission, sourceQueueArns: permission === RedrivePermissions.byQueue ? arns : [] } };
    });
}

/**
 * The first step of reading either policy: absent (undefined, null or "") means no settings; a
 * JSON string is parsed and an object taken as it is (the provider accepts both), then handed to
 * `read` for the policy's own fields.
 */
function parsePolicyJson<T>(value: unknown, read: (parsed: unknown) => ParsedSettings<T>): ParsedSettings<T> {
    if (value === undefined || value === null || value === "") {
        return { ok: true, settings: undefined };
    }
    if (typeof value !== "string") {
        return read(value);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(value);
    } catch {
        return { ok: false, problem: `is not valid JSON; found ${JSON.stringify(value)}` };
    }
    return read(parsed);
}
