/**
 * Secrets are never shown: a JSON field or message attribute whose name says it holds a
 * credential is replaced before anything is rendered. An edited body that still carries the
 * placeholder gets the original value back before it is replayed, so redaction never loses data.
 */
const SECRET_NAME = /(secret|password|passwd|token|authorization|api[-_]?key|routing[-_]?key|webhook|credential|private[-_]?key|session)/i;

export const REDACTED = "[redacted]";

export function isSecretName(name: string): boolean {
    return SECRET_NAME.test(name);
}

/** A copy of `value` with every secret-named field replaced by the placeholder. */
export function redactValue(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(redactValue);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            Object.entries(value).map(([key, inner]) => [
                key,
                isSecretName(key) && inner !== null && typeof inner !== "object" ? REDACTED : redactValue(inner),
            ]),
        );
    }
    return value;
}

/** Puts the original values back where an edited body still holds the placeholder at the same path. */
export function restoreRedacted(edited: unknown, original: unknown): unknown {
    if (edited === REDACTED) {
        return original;
    }
    if (Array.isArray(edited)) {
        return edited.map((item, index) => restoreRedacted(item, Array.isArray(original) ? original[index] : undefined));
    }
    if (typeof edited === "object" && edited !== null) {
        const source = typeof original === "object" && original !== null ? (original as Record<string, unknown>) : {};
        return Object.fromEntries(Object.entries(edited).map(([key, inner]) => [key, restoreRedacted(inner, source[key])]));
    }
    return edited;
}

/** The body as the console shows it: pretty JSON with secrets redacted, or the text as it is. */
export function displayBody(body: string): { readonly json: boolean; readonly text: string } {
    try {
        return { json: true, text: JSON.stringify(redactValue(JSON.parse(body)), null, 2) };
    } catch {
        return { json: false, text: body };
    }
}
