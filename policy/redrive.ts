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

export type ParsedRedrive =
    { readonly ok: true; readonly settings: RedriveSettings | undefined } | { readonly ok: false; readonly problem: string };

/** Parses a redrive policy value; an empty string or absent value means "no redrive". */
export function parseRedrivePolicy(value: unknown): ParsedRedrive {
    const decoded = decodePolicyJson(value);
    if (!decoded.ok) {
        return decoded;
    }
    if (decoded.absent) {
        return { ok: true, settings: undefined };
    }
    const parsed = decoded.parsed;
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

export type ParsedRedriveAllow =
    { readonly ok: true; readonly settings: RedriveAllowSettings | undefined } | { readonly ok: false; readonly problem: string };

/** Parses a redriveAllowPolicy value; an empty string or absent value means "allowAll" by default (undefined). */
export function parseRedriveAllowPolicy(value: unknown): ParsedRedriveAllow {
    const decoded = decodePolicyJson(value);
    if (!decoded.ok) {
        return decoded;
    }
    if (decoded.absent) {
        return { ok: true, settings: undefined };
    }
    const parsed = decoded.parsed;
    const record = (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {}) as Record<string, unknown>;
    const permission = Object.values(RedrivePermissions).find((p) => p === record.redrivePermission);
    if (permission === undefined) {
        return { ok: false, problem: `must set redrivePermission to allowAll, denyAll or byQueue; found ${JSON.stringify(value)}` };
    }
    const arns = Array.isArray(record.sourceQueueArns)
        ? record.sourceQueueArns.filter((arn): arn is string => typeof arn === "string")
        : [];
    return { ok: true, settings: { permission, sourceQueueArns: permission === RedrivePermissions.byQueue ? arns : [] } };
}

/**
 * The first step of reading either policy: absent (undefined, null or "") or decoded (a JSON
 * string parsed, an object taken as it is, as the provider accepts both).
 */
function decodePolicyJson(
    value: unknown,
):
    | { readonly ok: true; readonly absent: true }
    | { readonly ok: true; readonly absent: false; readonly parsed: unknown }
    | { readonly ok: false; readonly problem: string } {
    if (value === undefined || value === null || value === "") {
        return { ok: true, absent: true };
    }
    if (typeof value !== "string") {
        return { ok: true, absent: false, parsed: value };
    }
    try {
        return { ok: true, absent: false, parsed: JSON.parse(value) };
    } catch {
        return { ok: false, problem: `is not valid JSON; found ${JSON.stringify(value)}` };
    }
}
