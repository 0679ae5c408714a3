// Checks a policy's config against its `configSchema`, as the CLI does before Configure (it uses
// gojsonschema). This covers the JSON Schema keywords policy packs use for thresholds and lists;
// an unsupported keyword is ignored, never guessed at.

export type JsonSchema = Readonly<Record<string, unknown>>;

function typeOf(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "array";
    }
    return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
    switch (type) {
        case "integer":
            return Number.isInteger(value);
        case "number":
            return typeof value === "number" && Number.isFinite(value);
        default:
            return typeOf(value) === type;
    }
}

const show = (value: unknown): string => JSON.stringify(value);

function checkNumber(schema: JsonSchema, value: number, at: string): string[] {
    const errors: string[] = [];
    const bound = (key: string, ok: (limit: number) => boolean, words: string): void => {
        const limit = schema[key];
        if (typeof limit === "number" && !ok(limit)) {
            errors.push(`${at} must be ${words} ${limit}, ${value} given`);
        }
    };
    bound("minimum", (l) => value >= l, ">=");
    bound("maximum", (l) => value <= l, "<=");
    bound("exclusiveMinimum", (l) => value > l, ">");
    bound("exclusiveMaximum", (l) => value < l, "<");
    return errors;
}

function checkString(schema: JsonSchema, value: string, at: string): string[] {
    const errors: string[] = [];
    if (typeof schema.minLength === "number" && value.length < schema.minLength) {
        errors.push(`${at} must be at least ${schema.minLength} characters long, ${show(value)} given`);
    }
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength) {
        errors.push(`${at} must be at most ${schema.maxLength} characters long, ${show(value)} given`);
    }
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
        errors.push(`${at} must match /${schema.pattern}/, ${show(value)} given`);
    }
    return errors;
}

function checkArray(schema: JsonSchema, value: readonly unknown[], at: string): string[] {
    const errors: string[] = [];
    if (typeof schema.minItems === "number" && value.length < schema.minItems) {
        errors.push(`${at} must have at least ${schema.minItems} items, ${value.length} given`);
    }
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
        errors.push(`${at} must have at most ${schema.maxItems} items, ${value.length} given`);
    }
    if (schema.uniqueItems === true && new Set(value.map(show)).size !== value.length) {
        errors.push(`${at} must not repeat items, ${show(value)} given`);
    }
    if (typeof schema.items === "object" && schema.items !== null) {
        value.forEach((item, i) => errors.push(...validateJson(schema.items as JsonSchema, item, `${at}[${i}]`)));
    }
    return errors;
}

function checkObject(schema: JsonSchema, value: Readonly<Record<string, unknown>>, at: string): string[] {
    const errors: string[] = [];
    const properties = (schema.properties ?? {}) as Readonly<Record<string, JsonSchema>>;
    for (const name of (schema.required ?? []) as readonly string[]) {
        if (!(name in value)) {
            errors.push(`${at ? `${at}.` : ""}${name} is required`);
        }
    }
    for (const [name, item] of Object.entries(value)) {
        const where = at ? `${at}.${name}` : name;
        if (name in properties) {
            errors.push(...validateJson(properties[name], item, where));
        } else if (schema.additionalProperties === false) {
            errors.push(`${where} is not an allowed property (allowed: ${Object.keys(properties).join(", ")})`);
        } else if (typeof schema.additionalProperties === "object" && schema.additionalProperties !== null) {
            errors.push(...validateJson(schema.additionalProperties as JsonSchema, item, where));
        }
    }
    return errors;
}

/** Returns one readable message per violation; `at` names the value being checked. */
export function validateJson(schema: JsonSchema, value: unknown, at = ""): string[] {
    const label = at || "config";
    const types = schema.type === undefined ? undefined : ([] as unknown[]).concat(schema.type);
    if (types && !types.some((t) => typeof t === "string" && matchesType(value, t))) {
        return [`${label} must be of type ${types.join(" or ")}, ${show(value)} given`];
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => show(allowed) === show(value))) {
        return [`${label} must be one of ${schema.enum.map(show).join(", ")}, ${show(value)} given`];
    }
    if ("const" in schema && show(schema.const) !== show(value)) {
        return [`${label} must be ${show(schema.const)}, ${show(value)} given`];
    }
    if (typeof value === "number") {
        return checkNumber(schema, value, label);
    }
    if (typeof value === "string") {
        return checkString(schema, value, label);
    }
    if (Array.isArray(value)) {
        return checkArray(schema, value, label);
    }
    if (typeof value === "object" && value !== null) {
        return checkObject(schema, value as Record<string, unknown>, at);
    }
    return [];
}
