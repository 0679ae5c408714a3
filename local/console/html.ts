/**
 * HTML built by a tagged template that escapes every interpolated value, so message bodies,
 * attributes and error texts (anything an agent or an attacker wrote) always stay text: a body
 * holding `<script>` or `<img onerror>` is rendered as those characters, never as markup. Only
 * fragments built by `html` itself are inserted as they are.
 */
const SAFE = Symbol("safe-html");

export interface SafeHtml {
    readonly [SAFE]: true;
    readonly text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

export function escapeHtml(value: string): string {
    return value.replace(/[&<>"'`]/g, (character) => ENTITIES[character]!);
}

function isSafe(value: unknown): value is SafeHtml {
    return typeof value === "object" && value !== null && SAFE in value;
}

type Interpolated = SafeHtml | string | number | boolean | undefined | null | readonly Interpolated[];

function render(value: Interpolated): string {
    if (value === undefined || value === null || value === false) {
        return "";
    }
    if (Array.isArray(value)) {
        return value.map(render).join("");
    }
    if (isSafe(value)) {
        return value.text;
    }
    return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
    let text = strings[0] ?? "";
    values.forEach((value, index) => {
        text += render(value) + (strings[index + 1] ?? "");
    });
    return { [SAFE]: true, text };
}
