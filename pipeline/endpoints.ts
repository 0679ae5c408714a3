/**
 * Alarm subscription endpoints: which hosts are placeholders, and which endpoints confirm an SNS
 * subscription by themselves. Shared by validation and `npm run preflight`.
 */

/**
 * Domains reserved for documentation and testing (RFC 2606, RFC 6761): nothing real answers
 * there, so an endpoint on one is a placeholder left in a stack file. An e-mail subscription to
 * one never confirms; an HTTPS subscription with `endpointAutoConfirms` makes the provider wait
 * for a confirmation that never comes and fail.
 */
const RESERVED_DOMAINS = ["example.com", "example.net", "example.org"] as const;
const RESERVED_TOP_LEVEL_DOMAINS = ["example", "test", "invalid", "localhost", "local"] as const;

/** Why `host` cannot be a real alarm endpoint, or undefined when it may be one. */
export function placeholderHostReason(host: string): string | undefined {
    const name = host.toLowerCase().replace(/\.$/, "");
    const domain = RESERVED_DOMAINS.find((reserved) => name === reserved || name.endsWith(`.${reserved}`));
    if (domain !== undefined) {
        return `${domain} is reserved for documentation (RFC 2606)`;
    }
    const topLevel = RESERVED_TOP_LEVEL_DOMAINS.find((reserved) => name === reserved || name.endsWith(`.${reserved}`));
    if (topLevel !== undefined) {
        return `.${topLevel} is a reserved or local-only name (RFC 2606, RFC 6761)`;
    }
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.startsWith("[")) {
        return "SNS delivers to a public host name, not an IP address";
    }
    return undefined;
}

/** The host of an e-mail address or an https:// URL, or undefined when it has none. */
export function endpointHost(endpoint: string): string | undefined {
    if (endpoint.includes("@") && !endpoint.includes("://")) {
        return endpoint.split("@").pop();
    }
    try {
        return new URL(endpoint).hostname;
    } catch {
        return undefined;
    }
}

/**
 * PagerDuty's CloudWatch integration visits the SubscribeURL itself, so the provider may wait for
 * the confirmation. Any other HTTPS endpoint must confirm on its own; with `endpointAutoConfirms`
 * the provider would wait for it and fail, so it is left pending instead.
 */
export function confirmsSubscriptionItself(endpoint: string): boolean {
    const host = endpointHost(endpoint)?.toLowerCase();
    return host !== undefined && (host === "events.pagerduty.com" || host.endsWith(".pagerduty.com"));
}
