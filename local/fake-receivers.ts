/**
 * Loopback HTTP servers standing in for the two places an escalation is delivered:
 * the PagerDuty Events API v2 (`POST /v2/enqueue`) and a Slack incoming webhook.
 * They record every request, behave like the real services where our handlers depend on it
 * (PagerDuty answers 202 and keeps incident state per `dedup_key`: a trigger opens an incident,
 * later triggers fold into it while it is open, one after a resolve opens a new incident; events
 * over 512 KB are refused with 400. Slack answers 200 "ok"),
 * and can be told to fail the next requests so tests can produce transient failures.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export const FakeReceiverKind = { pagerDuty: "pagerduty", slack: "slack" } as const;
export type FakeReceiverKind = (typeof FakeReceiverKind)[keyof typeof FakeReceiverKind];

/** One request as a receiver saw it, with the answer it gave. */
export interface RecordedRequest {
    readonly receiver: FakeReceiverKind;
    readonly method: string;
    readonly path: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
    /** The body parsed as JSON, or undefined when it is not JSON. */
    readonly json: unknown;
    readonly receivedAt: string;
    readonly answeredStatus: number;
    /** "none", or the fault that shaped the answer. */
    readonly fault: "none" | "status" | "hang";
    /**
     * False when the caller had closed the connection before the answer was written (it gave up
     * waiting, e.g. at its downstream timeout): the side effect happened, the caller never learned
     * it, and its retry repeats the request.
     */
    readonly answerReachedCaller: boolean;
}

/**
 * A fault for the next requests: answer with an error status, or hold the request for `delayMs`
 * (longer than the caller's timeout) and then answer normally, as a slow server does.
 */
export type Fault =
    { readonly status: number; readonly body?: string } | { readonly hangMs: number; readonly status?: number; readonly body?: string };

export interface FakeReceiver {
    /** The URL to POST to. */
    readonly url: string;
    /** Every request received so far, oldest first (faulted ones included). */
    readonly requests: readonly RecordedRequest[];
    /** Requests received and not answered yet (held by a hang fault). */
    held(): number;
    /** Makes the next `count` requests fail with `fault`. Calls queue up in order. */
    failNext(count: number, fault: Fault): void;
    /** Forgets recorded requests, incidents and pending faults. */
    reset(): void;
}

/** The current PagerDuty incident of a `dedup_key`, however many events named it. */
export interface FakeIncident {
    readonly dedupKey: string;
    readonly status: "triggered" | "acknowledged" | "resolved";
    /** The latest trigger's summary and severity (a trigger on an open incident updates it). */
    readonly summary: string;
    readonly severity: string;
    /** Trigger events for this key, over all its incidents (PagerDuty folds repeats into the open one). */
    readonly triggerEvents: number;
    /** Incidents this key opened: 1, plus one for every trigger that arrived after a resolve. */
    readonly opened: number;
}

/** One incident opening, in order (what pages the on-call person). */
export interface FakeIncidentOpening {
    readonly dedupKey: string;
    readonly summary: string;
    readonly openedAt: string;
}

export interface FakePagerDuty extends FakeReceiver {
    /** Incidents by dedup key. */
    readonly incidents: ReadonlyMap<string, FakeIncident>;
    /** Every incident opened so far, oldest first: a new page each. */
    readonly openings: readonly FakeIncidentOpening[];
}

/** PagerDuty Events API v2 refuses events larger than this (512 KB). */
export const PAGERDUTY_MAX_EVENT_BYTES = 512 * 1024;

export interface FakeReceivers {
    readonly pagerDuty: FakePagerDuty;
    readonly slack: FakeReceiver;
    close(): Promise<void>;
}

export interface FakeReceiverOptions {
    /** Called after each request is answered, e.g. to append it to a JSONL log. */
    readonly onRequest?: (request: RecordedRequest) => void;
}

const PAGERDUTY_PATH = "/v2/enqueue";
const SLACK_PATH = "/services/T00000000/B00000000/local-webhook";
const EVENT_ACTIONS = new Set(["trigger", "acknowledge", "resolve"]);
const SEVERITIES = new Set(["critical", "error", "warning", "info"]);

interface Answer {
    readonly status: number;
    readonly body: string;
    readonly contentType: string;
}

/** Starts both receivers on 127.0.0.1 with OS-assigned ports. */
export async function startFakeReceivers(options: FakeReceiverOptions = {}): Promise<FakeReceivers> {
    const incidents = new Map<string, FakeIncident>();
    const openings: FakeIncidentOpening[] = [];
    const pagerDuty = await startReceiver(FakeReceiverKind.pagerDuty, PAGERDUTY_PATH, options, (parsedBody, bytes) =>
        bytes > PAGERDUTY_MAX_EVENT_BYTES
            ? json(400, {
                  status: "invalid event",
                  message: "Event object is invalid",
                  errors: [`event is ${bytes} bytes, over the 512 KB limit`],
              })
            : answerPagerDutyEvent(parsedBody, incidents, openings),
    );
    const slack = await startReceiver(FakeReceiverKind.slack, SLACK_PATH, options, answerSlackWebhook);
    return {
        pagerDuty: {
            ...pagerDuty.receiver,
            incidents,
            openings,
            reset() {
                pagerDuty.receiver.reset();
                incidents.clear();
                openings.length = 0;
            },
        },
        slack: slack.receiver,
        close: async () => {
            await Promise.all([pagerDuty.close(), slack.close()]);
        },
    };
}

async function startReceiver(
    kind: FakeReceiverKind,
    path: string,
    options: FakeReceiverOptions,
    /** Answers a request from its body parsed as JSON (undefined when it is not JSON) and its size in bytes. */
    answer: (parsedBody: unknown, bytes: number) => Answer,
): Promise<{ receiver: FakeReceiver; close(): Promise<void> }> {
    const requests: RecordedRequest[] = [];
    const faults: Fault[] = [];
    const pendingHangs = new Set<NodeJS.Timeout>();

    const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        let callerGone = false;
        response.on("close", () => {
            callerGone ||= !response.writableFinished;
        });
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const raw = Buffer.concat(chunks);
            const body = raw.toString("utf8");
            const parsedBody = parseJsonOrUndefined(body);
            const fault = faults.shift();
            const reply = (result: Answer, faultKind: RecordedRequest["fault"]): void => {
                const answerReachedCaller = !callerGone && !response.destroyed;
                if (!response.writableEnded && !response.destroyed) {
                    response.writeHead(result.status, { "content-type": result.contentType });
                    response.end(result.body);
                }
                const recorded: RecordedRequest = {
                    receiver: kind,
                    method: request.method ?? "",
                    path: request.url ?? "",
                    headers: flattenHeaders(request.headers),
                    body,
                    json: parsedBody,
                    receivedAt: new Date().toISOString(),
                    answeredStatus: result.status,
                    fault: faultKind,
                    answerReachedCaller,
                };
                requests.push(recorded);
                options.onRequest?.(recorded);
            };
            if (request.method !== "POST" || request.url !== path) {
                reply({ status: 404, body: "not found", contentType: "text/plain" }, "none");
            } else if (fault !== undefined && !("hangMs" in fault)) {
                reply(
                    { status: fault.status, body: fault.body ?? defaultFaultBody(kind, fault.status), contentType: "application/json" },
                    "status",
                );
            } else if (fault !== undefined) {
                // A slow server still processes the request (unless told to fail it): the caller timed out, the side effect happened.
                const timer = setTimeout(() => {
                    pendingHangs.delete(timer);
                    const status = fault.status;
                    reply(
                        status === undefined
                            ? answer(parsedBody, raw.byteLength)
                            : { status, body: fault.body ?? defaultFaultBody(kind, status), contentType: "application/json" },
                        "hang",
                    );
                }, fault.hangMs);
                pendingHangs.add(timer);
            } else {
                reply(answer(parsedBody, raw.byteLength), "none");
            }
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

    const receiver: FakeReceiver = {
        url,
        requests,
        held: () => pendingHangs.size,
        failNext(count, fault) {
            if (!Number.isInteger(count) || count < 1) {
                throw new RangeError(`'count' must be a whole number >= 1, ${count} given`);
            }
            for (let index = 0; index < count; index++) {
                faults.push(fault);
            }
        },
        reset() {
            requests.length = 0;
            faults.length = 0;
        },
    };
    const close = (): Promise<void> =>
        new Promise((resolve, reject) => {
            for (const timer of pendingHangs) {
                clearTimeout(timer);
            }
            server.close((error) => (error ? reject(error) : resolve()));
            server.closeAllConnections();
        });
    return { receiver, close };
}

/**
 * PagerDuty Events API v2: validate the event, apply it to the incident named by dedup_key, answer
 * 202. A trigger opens an incident when the key has none open (never seen, or resolved: that opens
 * a new incident, a new page); on an open incident it is folded in and updates summary and severity.
 */
function answerPagerDutyEvent(parsedBody: unknown, incidents: Map<string, FakeIncident>, openings: FakeIncidentOpening[]): Answer {
    const event = parsedBody as Record<string, unknown> | undefined;
    const errors = pagerDutyEventErrors(event);
    if (event === undefined || errors.length > 0) {
        return json(400, { status: "invalid event", message: "Event object is invalid", errors });
    }
    const action = event.event_action as string;
    const payload = (event.payload ?? {}) as Record<string, unknown>;
    const dedupKey = typeof event.dedup_key === "string" ? event.dedup_key : `generated-${incidents.size + 1}`;
    const existing = incidents.get(dedupKey);
    if (action === "trigger") {
        const opens = existing === undefined || existing.status === "resolved";
        incidents.set(dedupKey, {
            dedupKey,
            status: opens ? "triggered" : existing.status,
            summary: String(payload.summary),
            severity: String(payload.severity),
            triggerEvents: (existing?.triggerEvents ?? 0) + 1,
            opened: (existing?.opened ?? 0) + (opens ? 1 : 0),
        });
        if (opens) {
            openings.push({ dedupKey, summary: String(payload.summary), openedAt: new Date().toISOString() });
        }
    } else if (existing !== undefined && existing.status !== "resolved") {
        // Acknowledging or resolving a resolved incident changes nothing, as in PagerDuty.
        incidents.set(dedupKey, { ...existing, status: action === "acknowledge" ? "acknowledged" : "resolved" });
    }
    return json(202, { status: "success", message: "Event processed", dedup_key: dedupKey });
}

function pagerDutyEventErrors(event: Record<string, unknown> | undefined): string[] {
    if (event === undefined || typeof event !== "object" || event === null) {
        return ["Body must be a JSON object"];
    }
    const errors: string[] = [];
    if (typeof event.routing_key !== "string" || event.routing_key.length === 0) {
        errors.push("'routing_key' is missing or blank");
    }
    if (typeof event.event_action !== "string" || !EVENT_ACTIONS.has(event.event_action)) {
        errors.push("'event_action' must be one of trigger, acknowledge, resolve");
    }
    if (event.event_action !== "trigger" && typeof event.dedup_key !== "string") {
        errors.push("'dedup_key' is required for acknowledge and resolve");
    }
    if (event.event_action === "trigger") {
        const payload = event.payload as Record<string, unknown> | undefined;
        if (typeof payload?.summary !== "string" || typeof payload.source !== "string") {
            errors.push("'payload.summary' and 'payload.source' are required");
        }
        if (typeof payload?.severity !== "string" || !SEVERITIES.has(payload.severity)) {
            errors.push("'payload.severity' must be one of critical, error, warning, info");
        }
    }
    return errors;
}

/** Slack incoming webhooks answer 200 "ok", or 400 "invalid_payload" / "no_text". */
function answerSlackWebhook(parsedBody: unknown): Answer {
    const message = parsedBody as Record<string, unknown> | undefined;
    if (message === undefined || typeof message !== "object" || message === null) {
        return { status: 400, body: "invalid_payload", contentType: "text/plain" };
    }
    if (typeof message.text !== "string" && !Array.isArray(message.blocks)) {
        return { status: 400, body: "no_text", contentType: "text/plain" };
    }
    return { status: 200, body: "ok", contentType: "text/plain" };
}

function defaultFaultBody(kind: FakeReceiverKind, status: number): string {
    if (kind === FakeReceiverKind.pagerDuty && status === 429) {
        return JSON.stringify({ status: "throttle event", message: "Requests for this service are arriving too quickly" });
    }
    return JSON.stringify({ status: "error", message: `injected fault ${status}` });
}

function json(status: number, value: unknown): Answer {
    return { status, body: JSON.stringify(value), contentType: "application/json" };
}

function parseJsonOrUndefined(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined) {
            flat[name] = Array.isArray(value) ? value.join(", ") : value;
        }
    }
    return flat;
}
