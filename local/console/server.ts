/**
 * The triage console's HTTP server (node:http). It is the second front end of `DlqOperations`
 * (the CLI is the first): it renders pages and turns form posts into operations, nothing more.
 *
 * Security, in order of the checks each request meets:
 * - It listens on 127.0.0.1 unless told otherwise, and there answers only requests whose Host
 *   header names a loopback address (a DNS-rebinding page cannot reach it through another name).
 * - Every page needs the per-run token: the printed URL carries it once (`?token=`); the server
 *   then sets it as an HttpOnly, SameSite=Strict cookie. Assets are public.
 * - A state-changing request (POST) needs the token in its form body as well (the cookie alone is
 *   not enough, so a cross-site form cannot act) and an Origin (or, failing that, Referer) of
 *   this server exactly.
 * - Pages carry a Content-Security-Policy that allows only this server's script and style, so
 *   even a missed escape could not run an inline script; every value is escaped anyway (html.ts).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { DlqOperationError, type DlqOperations } from "../dlq/operations";
import { QueueNotFoundError } from "../dlq/redrive";
import { clientScript } from "./client-bundle";
import { auditPage, groupPage, lanesTable, messagePage, overviewPage, type PageContext, payloadPage, resultPage } from "./pages";

export interface ConsoleServerOptions {
    readonly operations: DlqOperations;
    /** @default "127.0.0.1" */
    readonly host?: string;
    /** @default 0 (the OS picks a free port) */
    readonly port?: number;
    /** @default 32 random bytes, hex */
    readonly token?: string;
}

export interface ConsoleServer {
    /** The URL to open, token included. */
    readonly url: string;
    readonly origin: string;
    readonly token: string;
    close(): Promise<void>;
}

const TOKEN_COOKIE = "dlq_console_token";
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "::1", "localhost"]);
const MAX_FORM_BYTES = 2 * 1024 * 1024;
const CSS_FILE = path.join(__dirname, "console.css");
const SECURITY_HEADERS = {
    "content-security-policy":
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
} as const;

/** A request the console refuses; the status and message go back to the browser as they are. */
class RequestRefusedError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
        this.name = "RequestRefusedError";
    }
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
    const token = options.token ?? randomBytes(32).toString("hex");
    const host = options.host ?? "127.0.0.1";
    const script = await clientScript();
    const css = fs.readFileSync(CSS_FILE, "utf8");
    const loopback = LOOPBACK_HOSTS.has(host);
    let origin = "";
    let urlHostPort = "";
    let allowedHosts = new Set<string>();
    const server = http.createServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
            const status = statusOf(error);
            // Before the token is checked nothing about this console is shown, not even the operator's name.
            if (status === 403 || status === 421) {
                send(response, status, `${(error as Error).message}\n`, "text/plain; charset=utf-8");
            } else {
                send(response, status, resultPage(context(), "Refused", [(error as Error).message], false));
            }
        });
    });

    const context = (): PageContext => ({ token, operator: options.operations.operator, auditLocation: options.operations.audit.location });

    async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
        // On loopback only the names it listens as are answered (DNS rebinding); bound elsewhere, the
        // operator's own name for the machine is its origin, and the token is the guard.
        if (loopback && !allowedHosts.has(request.headers.host ?? "")) {
            throw new RequestRefusedError(421, `This console answers only as ${origin}`);
        }
        const requestOrigin = loopback ? origin : `http://${request.headers.host ?? urlHostPort}`;
        const url = new URL(request.url ?? "/", requestOrigin);
        if (request.method === "GET" && url.pathname === "/assets/console.js") {
            return send(response, 200, script, "text/javascript; charset=utf-8");
        }
        if (request.method === "GET" && url.pathname === "/assets/console.css") {
            return send(response, 200, css, "text/css; charset=utf-8");
        }
        const queryToken = url.searchParams.get("token");
        if (request.method === "GET" && queryToken !== null && sameToken(queryToken, token)) {
            // The token leaves the address bar (and the history) at once; the cookie carries it from here.
            response.writeHead(303, {
                "location": url.pathname,
                "set-cookie": `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
                ...SECURITY_HEADERS,
            });
            response.end();
            return;
        }
        if (!sameToken(cookieToken(request) ?? "", token)) {
            throw new RequestRefusedError(403, "This console needs its token: open the URL that npm start (or npm run console) printed");
        }
        if (request.method === "GET") {
            return send(response, 200, await renderGet(url));
        }
        if (request.method !== "POST") {
            throw new RequestRefusedError(405, `${request.method} is not allowed`);
        }
        assertSameOrigin(request, requestOrigin);
        const form = await readForm(request);
        if (!sameToken(form.get("token") ?? "", token)) {
            throw new RequestRefusedError(403, "The form carries no valid token; reload the page from the console URL");
        }
        const [status, body] = await renderPost(url.pathname, form);
        return send(response, status, body);
    }

    async function renderGet(url: URL): Promise<string> {
        const operations = options.operations;
        if (url.pathname === "/") {
            // Depths first: the grouping scan holds DLQ messages for a moment, and would show them "in flight".
            const lanes = await operations.overview();
            const [groups, audit] = await Promise.all([operations.groups(), operations.audit.recent(10)]);
            return overviewPage(context(), lanes, groups, audit);
        }
        if (url.pathname === "/fragments/overview") {
            return lanesTable(await operations.overview()).text;
        }
        if (url.pathname === "/audit") {
            return auditPage(context(), await operations.audit.recent(500));
        }
        const groupMatch = /^\/groups\/([0-9a-f]+)$/.exec(url.pathname);
        if (groupMatch) {
            const group = (await operations.groups()).find((candidate) => candidate.key === groupMatch[1]);
            if (group === undefined) {
                throw new RequestRefusedError(404, "That group has no messages any more (replayed, deleted, or purged)");
            }
            const wanted = new Set(group.messageIds);
            const entries = (await operations.deadLetters(group.lane)).filter((entry) => wanted.has(entry.messageId));
            return groupPage(context(), group, entries);
        }
        const messageMatch = /^\/lanes\/([^/]+)\/messages\/([^/]+)(\/payload)?$/.exec(url.pathname);
        if (messageMatch) {
            const lane = decodeURIComponent(messageMatch[1]!);
            const found = await operations.find(decodeURIComponent(messageMatch[2]!), lane);
            if (found === undefined) {
                throw new RequestRefusedError(
                    404,
                    "That message is not in the DLQ any more (or, in a FIFO DLQ, waits behind its group's head)",
                );
            }
            return messageMatch[3] !== undefined
                ? payloadPage(context(), lane, found.entry, await operations.payload(found.entry))
                : messagePage(context(), lane, found.entry);
        }
        throw new RequestRefusedError(404, `No page ${url.pathname}`);
    }

    async function renderPost(pathname: string, form: URLSearchParams): Promise<[number, string]> {
        const operations = options.operations;
        const lane = form.get("lane") ?? "";
        const ids = form.getAll("messageId");
        const title = (text: string, lines: string[], ok = true): [number, string] => [
            ok ? 200 : 409,
            resultPage(context(), text, lines, ok),
        ];
        switch (pathname) {
            case "/actions/replay": {
                const groupKey = form.get("group");
                const messageIds =
                    groupKey !== null ? ((await operations.groups()).find((group) => group.key === groupKey)?.messageIds ?? []) : ids;
                if (messageIds.length === 0) {
                    throw new RequestRefusedError(400, "Choose at least one message to replay");
                }
                const report = await operations.replay(lane, { messageIds, method: "copy" });
                return replayResult(report.copy?.moved ?? [], report.copy?.kept ?? [], title);
            }
            case "/actions/replay-all": {
                const report = await operations.replay(lane, { method: "auto" });
                if (report.moveTask !== undefined) {
                    return title("Move task started", [
                        `StartMessageMoveTask ${report.moveTask.taskHandle}: the ${lane} DLQ drains into its source queue at the rate SQS chooses.`,
                    ]);
                }
                return replayResult(report.copy?.moved ?? [], report.copy?.kept ?? [], title);
            }
            case "/actions/replay-edited": {
                const messageId = form.get("messageId") ?? "";
                const body = form.get("body") ?? "";
                try {
                    const report = await operations.replayEdited(lane, messageId, body);
                    return replayResult(report.moved, report.kept, title);
                } catch (error) {
                    if (!(error instanceof DlqOperationError)) {
                        throw error;
                    }
                    const found = await operations.find(messageId, lane);
                    return found === undefined
                        ? title("Not replayed", [error.message], false)
                        : [400, messagePage(context(), lane, found.entry, { error: error.message, editedBody: body })];
                }
            }
            case "/actions/delete": {
                if (ids.length === 0) {
                    throw new RequestRefusedError(400, "Choose at least one message to delete");
                }
                const report = await operations.delete(lane, ids);
                return title(
                    `Deleted ${report.deleted} message(s)`,
                    report.notFound.length > 0 ? [`Not found (moved, or behind a FIFO group's head): ${report.notFound.join(", ")}`] : [],
                );
            }
            case "/actions/purge": {
                const purged = await operations.purge(lane, form.get("confirm") ?? "");
                return title(`Purged ${purged} message(s)`, [`The ${lane} DLQ is empty.`]);
            }
            default:
                throw new RequestRefusedError(404, `No action ${pathname}`);
        }
    }

    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const urlHost = host.includes(":") ? `[${host}]` : host;
    urlHostPort = `${urlHost}:${port}`;
    origin = `http://${urlHostPort}`;
    allowedHosts = new Set([urlHostPort, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
    return {
        url: `${origin}/?token=${token}`,
        origin,
        token,
        close: () =>
            new Promise((resolve, reject) => {
                server.close((error) => (error ? reject(error) : resolve()));
                server.closeAllConnections();
            }),
    };
}

function replayResult(
    moved: readonly string[],
    kept: readonly { messageId: string; reason: string }[],
    title: (text: string, lines: string[], ok?: boolean) => [number, string],
): [number, string] {
    return title(
        `Replayed ${moved.length} message(s)`,
        [...moved.map((id) => `moved ${id}`), ...kept.map((problem) => `kept ${problem.messageId}: ${problem.reason}`)],
        kept.length === 0 && moved.length > 0,
    );
}

function send(response: http.ServerResponse, status: number, body: string, contentType = "text/html; charset=utf-8"): void {
    response.writeHead(status, { "content-type": contentType, ...SECURITY_HEADERS });
    response.end(body);
}

function statusOf(error: unknown): number {
    if (error instanceof RequestRefusedError) {
        return error.status;
    }
    return error instanceof DlqOperationError || error instanceof QueueNotFoundError ? 400 : 500;
}

function sameToken(given: string, expected: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(request: http.IncomingMessage): string | undefined {
    for (const part of (request.headers.cookie ?? "").split(";")) {
        const [name, ...value] = part.trim().split("=");
        if (name === TOKEN_COOKIE) {
            return value.join("=");
        }
    }
    return undefined;
}

/** Browsers send Origin with every POST; an older one may send only Referer. Neither from here: refused. */
function assertSameOrigin(request: http.IncomingMessage, origin: string): void {
    const claimed = request.headers.origin ?? (request.headers.referer === undefined ? undefined : safeOrigin(request.headers.referer));
    if (claimed !== origin) {
        throw new RequestRefusedError(403, `Cross-origin request refused (origin ${claimed ?? "none"}, this console is ${origin})`);
    }
}

function safeOrigin(url: string): string | undefined {
    try {
        return new URL(url).origin;
    } catch {
        return undefined;
    }
}

async function readForm(request: http.IncomingMessage): Promise<URLSearchParams> {
    if (!(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
        throw new RequestRefusedError(415, "Actions take a form (application/x-www-form-urlencoded)");
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
        size += (chunk as Buffer).length;
        if (size > MAX_FORM_BYTES) {
            throw new RequestRefusedError(413, `A form may hold at most ${MAX_FORM_BYTES} bytes`);
        }
        chunks.push(chunk as Buffer);
    }
    return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
