/**
 * Small field checks that collect problems instead of throwing, so one pass reports them all.
 * Every message names the key, the allowed values and the value given.
 */
export interface Range {
    readonly min: number;
    readonly max: number;
}

/** Renders a value the way the user wrote it in the stack file. */
export function given(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}

export class Problems {
    private readonly found: string[] = [];

    get list(): readonly string[] {
        return this.found;
    }

    add(message: string): void {
        this.found.push(message);
    }

    /** An optional integer within `range`. Returns whether the value is usable for cross-field checks. */
    integerInRange(key: string, value: unknown, range: Range): value is number {
        if (value === undefined) {
            return false;
        }
        if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
            this.add(`'${key}' must be an integer between ${range.min} and ${range.max}, ${given(value)} given`);
            return false;
        }
        return true;
    }

    oneOf<T>(key: string, value: unknown, allowed: readonly T[]): value is T {
        if (value === undefined) {
            return false;
        }
        if (!allowed.includes(value as T)) {
            this.add(`'${key}' must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, ${given(value)} given`);
            return false;
        }
        return true;
    }

    boolean(key: string, value: unknown): void {
        if (value !== undefined && typeof value !== "boolean") {
            this.add(`'${key}' must be true or false, ${given(value)} given`);
        }
    }

    /** An optional string of the given form. Returns whether a value was given and matched. */
    matches(key: string, value: unknown, pattern: RegExp, description: string): value is string {
        if (value === undefined) {
            return false;
        }
        if (typeof value !== "string" || !pattern.test(value)) {
            this.add(`'${key}' must be ${description}, ${given(value)} given`);
            return false;
        }
        return true;
    }

    /** An optional plain object; reports keys that are not known (a typo silently ignored is a default silently used). */
    object(key: string, value: unknown, knownKeys: readonly string[]): value is Record<string, unknown> {
        if (value === undefined) {
            return false;
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            this.add(`'${key}' must be an object, ${given(value)} given`);
            return false;
        }
        for (const unknownKey of Object.keys(value).filter((k) => !knownKeys.includes(k))) {
            this.add(`'${key}.${unknownKey}' is not a known setting; known settings are ${knownKeys.join(", ")}`);
        }
        return true;
    }

    /** An optional array whose every element passes `checkElement`. */
    array(key: string, value: unknown, checkElement: (elementKey: string, element: unknown) => void): value is unknown[] {
        if (value === undefined) {
            return false;
        }
        if (!Array.isArray(value)) {
            this.add(`'${key}' must be a list, ${given(value)} given`);
            return false;
        }
        value.forEach((element, index) => checkElement(`${key}[${index}]`, element));
        return true;
    }
}
