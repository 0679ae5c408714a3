import { DownstreamRejectedError, DownstreamUnavailableError } from "../failures/errors";

export interface PostJsonOptions {
    /** Names the service in errors and logs, e.g. "PagerDuty". */
    readonly downstream: string;
    /** Abandon the request after this long; the message is retried with backoff. */
    readonly timeoutMs: number;
}

export interface PostJsonResult {
    readonly status: number;
    readonly text: string;
}

/** Statuses that say "try again later" even though they are 4xx. */
const RETRYABLE_CLIENT_STATUSES = new Set([408, 429]);

/**
 * POSTs JSON and sorts the outcome into the failure vocabulary: 2xx returns; a timeout, a
 * network error, 408, 429 or 5xx is transient (DownstreamUnavailableError); any other status
 * means the request itself is wrong and is poison (DownstreamRejectedError).
 */
export async function postJson(url: string, body: unknown, options: PostJsonOptions): Promise<PostJsonResult> {
    let response: Response;
    try {
        response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(options.timeoutMs),
        });
    } catch (error) {
        const detail = (error as Error).name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : (error as Error).message;
        throw new DownstreamUnavailableError(options.downstream, detail, { cause: error });
    }
    const text = await response.text().catch(() => "");
    if (response.ok) {
        return { status: response.status, text };
    }
    const detail = `HTTP ${response.status} ${text.slice(0, 200)}`.trim();
    if (response.status >= 500 || RETRYABLE_CLIENT_STATUSES.has(response.status)) {
        throw new DownstreamUnavailableError(options.downstream, detail);
    }
    throw new DownstreamRejectedError(options.downstream, response.status, text.slice(0, 200));
}
