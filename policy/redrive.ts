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
    | { readonly ok: true; readonly settings: RedriveSettings | undefined }
    | { readonly ok: false; readonly problem: string };

/** Parses a redrive policy value; an empty string or absent value means "no redrive". */
export function parseRedrivePolicy(value: unknown): ParsedRedrive {
    if (value === undefined || value === null || value === "") {
        return { ok: true, settings: undefined };
    }
    let parsed: unknown = value;
    if (typeof value === "string") {
        try {
            parsed = JSON.parse(value);
        } catch {
            return { ok: false, problem: `is not valid JSON; found ${JSON.stringify(value)}` };
        }
    }
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
