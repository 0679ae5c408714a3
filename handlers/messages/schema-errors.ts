import * as z from "./zod";

/**
 * Turns zod issues into one sentence per field: the field, what is allowed, and the value given,
 * e.g. `'severity': Invalid option: expected one of "critical"|"error"|"warning"|"info"; "urgent" given`.
 */
export function describeSchemaIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
    return issues
        .map((issue) => {
            const field = issue.path.length > 0 ? issue.path.join(".") : "(message)";
            return `'${field}': ${issue.message}; ${describeValue(valueAt(input, issue.path))} given`;
        })
        .join("; ");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
    let value = input;
    for (const key of path) {
        if (value === null || typeof value !== "object") {
            return undefined;
        }
        value = (value as Record<PropertyKey, unknown>)[key];
    }
    return value;
}

/** Short, log-safe rendering of a value: long strings and objects are cut, so a reason stays readable. */
function describeValue(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
