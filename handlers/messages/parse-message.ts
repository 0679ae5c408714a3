import * as z from "./zod";
import { InvalidMessageError } from "../failures/errors";
import { describeSchemaIssues } from "./schema-errors";

/** Parses a message body as JSON and checks it against `schema`; anything else is poison. */
export function parseMessageBody<Schema extends z.core.$ZodType>(body: string, schema: Schema, what: string): z.output<Schema> {
    let json: unknown;
    try {
        json = JSON.parse(body);
    } catch (error) {
        throw new InvalidMessageError(`${what} body is not JSON: ${(error as Error).message}`, { cause: error });
    }
    const result = z.safeParse(schema, json);
    if (!result.success) {
        throw new InvalidMessageError(`${what} is invalid: ${describeSchemaIssues(result.error.issues, json)}`);
    }
    return result.data;
}
