/**
 * Lambda's event filtering for SQS event source mappings (`filterCriteria.filters[].pattern`),
 * applied to each record before invocation. In AWS a message that matches no filter is deleted
 * without the function seeing it; the local mapping does the same.
 * Supported (AWS's filter rule syntax): literal values in lists (string, number, boolean, null),
 * `prefix`, `suffix`, `anything-but` (a value or a list), `numeric` (comparisons and ranges),
 * `exists`, and nesting. A `body` pattern applies to a JSON body's fields; a body that is not JSON
 * matches only literal string patterns on `body` itself, as AWS documents.
 */
import type { SQSRecord } from "aws-lambda";

type Pattern = { readonly [key: string]: Pattern | readonly unknown[] };

export class FilterPatternError extends Error {
    constructor(pattern: string, detail: string) {
        super(`filter pattern ${pattern} ${detail}`);
        this.name = "FilterPatternError";
    }
}

/** Parses each pattern once; throws FilterPatternError naming the bad one. */
export function compileFilters(patterns: readonly string[]): (record: SQSRecord) => boolean {
    const compiled = patterns.map((text) => {
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch {
            throw new FilterPatternError(text, "is not JSON");
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            throw new FilterPatternError(text, "must be a JSON object");
        }
        return parsed as Pattern;
    });
    return (record) => compiled.length === 0 || compiled.some((pattern) => matchesObject(pattern, recordForFiltering(record)));
}

function recordForFiltering(record: SQSRecord): Record<string, unknown> {
    let body: unknown = record.body;
    try {
        body = JSON.parse(record.body);
    } catch {
        // A plain-text body is matched as the string it is.
    }
    return { ...record, body };
}

function matchesObject(pattern: Pattern, value: unknown): boolean {
    return Object.entries(pattern).every(([key, rule]) => {
        const field = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
        return Array.isArray(rule) ? matchesRules(rule, field) : matchesObject(rule as Pattern, field);
    });
}

function matchesRules(rules: readonly unknown[], value: unknown): boolean {
    const values = Array.isArray(value) ? value : [value];
    return rules.some((rule) =>
        isExistsRule(rule)
            ? rule.exists
                ? value !== undefined
                : value === undefined
            : values.some((item) => item !== undefined && matchesRule(rule, item)),
    );
}

function isExistsRule(rule: unknown): rule is { exists: boolean } {
    return typeof rule === "object" && rule !== null && "exists" in rule;
}

function matchesRule(rule: unknown, value: unknown): boolean {
    if (rule === null || typeof rule !== "object") {
        return rule === value;
    }
    const [operator, operand] = Object.entries(rule)[0] ?? [];
    switch (operator) {
        case "prefix":
            return typeof value === "string" && value.startsWith(String(operand));
        case "suffix":
            return typeof value === "string" && value.endsWith(String(operand));
        case "anything-but":
            return !(Array.isArray(operand) ? operand : [operand]).some((excluded) => matchesRule(excluded, value));
        case "numeric":
            return typeof value === "number" && numericMatches(operand as readonly unknown[], value);
        default:
            return false;
    }
}

function numericMatches(conditions: readonly unknown[], value: number): boolean {
    for (let index = 0; index + 1 < conditions.length; index += 2) {
        const operator = conditions[index];
        const limit = Number(conditions[index + 1]);
        const ok =
            operator === "="
                ? value === limit
                : operator === "<"
                  ? value < limit
                  : operator === "<="
                    ? value <= limit
                    : operator === ">"
                      ? value > limit
                      : operator === ">="
                        ? value >= limit
                        : false;
        if (!ok) {
            return false;
        }
    }
    return true;
}
