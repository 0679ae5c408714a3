import * as z from "./zod";
import { InvalidMessageError } from "../failures/errors";
import { describeSchemaIssues } from "./schema-errors";

/**
 * A message body after JSON.parse: the value, or why it is not JSON. Parsed once per record, before
 * the lane runs, so the log can carry the call id; the lane then reports a failure in its own words.
 */
export type ParsedBody = { readonly isJson: true; readonly value: unknown } | { readonly isJson: false; readonly error: Error };

export function parseBody(body: string): ParsedBody {
    try {
        return { isJson: true, value: JSON.parse(body) as unknown };
    } catch (error) {
        return { isJson: false, error: error as Error };
    }
}

/** Checks a parsed body against `schema`; a body that is not JSON, or does not match, is poison. */
export function validateMessage<Schema extends z.core.$ZodType>(parsed: ParsedBody, schema: Schema, what: string): z.output<Schema> {
    if (!parsed.isJson) {
        throw new InvalidMessageError(`${what} body is not JSON: ${parsed.error.message}`, { cause: parsed.error });
    }
    const result = z.safeParse(schema, parsed.value);
    if (!result.success) {
        throw new InvalidMessageError(`${what} is invalid: ${describeSchemaIssues(result.error.issues, parsed.value)}`);
    }
    return result.data;
}
