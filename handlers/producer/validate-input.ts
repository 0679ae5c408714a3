import * as z from "../messages/zod";
import { describeSchemaIssues } from "../messages/schema-errors";
import { ProducerValidationError } from "./producer-target";

/** Validates every input before anything is sent: one bad item refuses the whole call. */
export function validateAll<Schema extends z.core.$ZodType>(inputs: readonly unknown[], schema: Schema, what: string): z.output<Schema>[] {
    if (inputs.length === 0) {
        throw new ProducerValidationError(`at least one ${what} must be given, none given`);
    }
    const problems: string[] = [];
    const parsed = inputs.map((input, index) => {
        const result = z.safeParse(schema, input);
        if (!result.success) {
            problems.push(`${what} #${index}: ${describeSchemaIssues(result.error.issues, input)}`);
        }
        return result.data as z.output<Schema>;
    });
    if (problems.length > 0) {
        throw new ProducerValidationError(problems.join("; "));
    }
    return parsed;
}
