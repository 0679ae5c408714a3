/**
 * The console's pages, rendered on the server. Every value from a queue goes through `html`, so it
 * is escaped; secrets are redacted before rendering (redaction.ts). Forms post with the per-run
 * token in a hidden field; the script (client.ts) only refreshes the overview and enables the
 * purge button once the typed name matches, so the pages work without it.
 */
import type { AuditRecord } from "../dlq/audit";
import type { DeadLetterEntry } from "../dlq/dead-letter-entry";
import type { DeadLetterGroup } from "../dlq/grouping";
import { DlqOperations, type LaneOverview, type QueueView } from "../dlq/operations";
import { displayBody, isSecretName, REDACTED } from "../dlq/redaction";
import { html, type SafeHtml } from "./html";

export interface PageContext {
    readonly token: string;
    readonly operator: string;
    readonly auditLocation: string;
}

export function layout(context: PageContext, title: string, body: SafeHtml): string {
    return `<!doctype html>${
        html`<html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>${title} · DLQ triage</title>
                <link rel="stylesheet" href="/assets/console.css" />
                <script src="/assets/console.js" defer></script>
            </head>
            <body>
                <header>
                    <a class="brand" href="/">DLQ triage</a>
                    <nav><a href="/">Overview</a><a href="/audit">Audit trail</a></nav>
                    <span class="operator">operator <b>${context.operator}</b></span>
                </header>
                <main>${body}</main>
                <footer>Audit trail: ${context.auditLocation}</footer>
            </body>
        </html>`.text
    }`;
}

const tokenField = (context: PageContext) => html`<input type="hidden" name="token" value="${context.token}" />`;

function age(seconds: number | undefined): string {
    if (seconds === undefined) {
        return "–";
    }
    if (seconds < 120) {
        return `${seconds} s`;
    }
    if (seconds < 7200) {
        return `${Math.round(seconds / 60)} min`;
    }
    return `${Math.round(seconds / 3600)} h`;
}

function queueCells(queue: QueueView, kind: "queue" | "dlq"): SafeHtml {
    return html`<td class="name" title="${queue.url}">${queue.name}</td>
        <td class="num ${kind}-visible">${queue.depth.visible}</td>
        <td class="num ${kind}-in-flight">${queue.depth.inFlight}</td>
        <td class="num ${kind}-oldest">${age(queue.oldestAgeSeconds)}</td>`;
}

/** The lanes table alone: the script swaps it in every few seconds (GET /fragments/overview). */
export function lanesTable(lanes: readonly LaneOverview[]): SafeHtml {
    return html`<table class="lanes" id="lanes-table">
            <thead>
                <tr>
                    <th rowspan="2">lane</th>
                    <th colspan="4">queue</th>
                    <th colspan="4">dead-letter queue</th>
                </tr>
                <tr>
                    <th>name</th>
                    <th>visible</th>
                    <th>in flight</th>
                    <th>oldest</th>
                    <th>name</th>
                    <th>visible</th>
                    <th>in flight</th>
                    <th>oldest</th>
                </tr>
            </thead>
            <tbody>
                ${lanes.map(
                    (lane) =>
                        html`<tr data-lane="${lane.lane}">
                            <th>${lane.lane}${lane.fifo ? html` <span class="tag">FIFO</span>` : ""}</th>
                            ${queueCells(lane.queue, "queue")}${queueCells(lane.deadLetterQueue, "dlq")}
                        </tr>`,
                )}
            </tbody>
        </table>
        <p class="refreshed">refreshed ${new Date().toISOString().slice(11, 19)} UTC</p>`;
}

export function overviewPage(
    context: PageContext,
    lanes: readonly LaneOverview[],
    groups: readonly DeadLetterGroup[],
    audit: readonly AuditRecord[],
): string {
    return layout(
        context,
        "Overview",
        html`<section>
                <h1>Lanes</h1>
                <div id="lanes" data-refresh="/fragments/overview">${lanesTable(lanes)}</div>
            </section>
            <section>
                <h2>Dead letters, grouped</h2>
                ${
                    groups.length === 0
                        ? html`<p class="empty">No dead letters. Every DLQ is empty.</p>`
                        : html`<table class="groups">
                              <thead>
                                  <tr>
                                      <th>lane</th>
                                      <th>failure</th>
                                      <th>error class</th>
                                      <th>message</th>
                                      <th>count</th>
                                      <th>first seen</th>
                                      <th>last seen</th>
                                      <th>handler versions</th>
                                  </tr>
                              </thead>
                              <tbody>
                                  ${groups.map(
                                      (group) =>
                                          html`<tr>
                                              <td>${group.lane}</td>
                                              <td><span class="kind">${group.failureKind}</span></td>
                                              <td>${group.errorClass}</td>
                                              <td><a class="group-link" href="/groups/${group.key}">${group.normalisedMessage}</a></td>
                                              <td class="num">${group.count}</td>
                                              <td>${shortTime(group.firstSeen)}</td>
                                              <td>${shortTime(group.lastSeen)}</td>
                                              <td>${group.handlerVersions.join(", ")}</td>
                                          </tr>`,
                                  )}
                              </tbody>
                          </table>`
                }
            </section>
            <section>
                <h2>Whole-lane actions</h2>
                <div class="lane-actions">
                    ${lanes.map(
                        (lane) =>
                            html`<div class="card">
                                <h3>${lane.lane}</h3>
                                <form method="post" action="/actions/replay-all">
                                    ${tokenField(context)}<input type="hidden" name="lane" value="${lane.lane}" /><button
                                        type="submit"
                                        class="replay-all"
                                    >
                                        Replay everything in ${lane.deadLetterQueue.name}
                                    </button>
                                    <small
                                        >${lane.fifo ? "FIFO: group by group, in order, copy then delete" : "StartMessageMoveTask in AWS; copy then delete on the local runtime"}</small
                                    >
                                </form>
                                <form method="post" action="/actions/purge" class="purge">
                                    ${tokenField(context)}<input type="hidden" name="lane" value="${lane.lane}" />
                                    <label
                                        >Type <code>${lane.deadLetterQueue.name}</code> to purge it for good
                                        <input name="confirm" autocomplete="off" data-expected="${lane.deadLetterQueue.name}"
                                    /></label>
                                    <button type="submit" class="danger purge-button">Purge</button>
                                </form>
                            </div>`,
                    )}
                </div>
            </section>
            <section>
                <h2>Recent actions</h2>
                ${auditTable(audit)}
                <p><a href="/audit">Whole audit trail</a></p>
            </section>`,
    );
}

export function groupPage(context: PageContext, group: DeadLetterGroup, entries: readonly DeadLetterEntry[]): string {
    return layout(
        context,
        group.normalisedMessage,
        html`<p><a href="/">← Overview</a></p>
            <h1>${group.errorClass}: ${group.normalisedMessage}</h1>
            <p class="meta">
                ${group.lane} lane · ${group.failureKind} · ${group.count} message(s) · first seen ${shortTime(group.firstSeen)} · last seen
                ${shortTime(group.lastSeen)} · handler ${group.handlerVersions.join(", ")}
            </p>
            <form method="post" action="/actions/replay" id="group-form">
                ${tokenField(context)}<input type="hidden" name="lane" value="${group.lane}" />
                <table class="messages">
                    <thead>
                        <tr>
                            <th></th>
                            <th>message id</th>
                            <th>source message id</th>
                            <th>attempts</th>
                            <th>group</th>
                            <th>body</th>
                        </tr>
                    </thead>
                    <tbody>
                        ${entries.map(
                            (entry) =>
                                html`<tr>
                                    <td>
                                        <input
                                            type="checkbox"
                                            name="messageId"
                                            value="${entry.messageId}"
                                            aria-label="select ${entry.messageId}"
                                        />
                                    </td>
                                    <td>
                                        <a
                                            class="message-link"
                                            href="/lanes/${encodeURIComponent(group.lane)}/messages/${encodeURIComponent(entry.messageId)}"
                                            >${entry.messageId}</a
                                        >
                                    </td>
                                    <td>${entry.reason?.sourceMessageId ?? "–"}</td>
                                    <td class="num">${entry.reason?.attempts ?? Math.max(0, entry.receiveCount - 1)}</td>
                                    <td>${entry.groupId ?? "–"}</td>
                                    <td class="preview">${preview(entry.body)}</td>
                                </tr>`,
                        )}
                    </tbody>
                </table>
                <div class="actions">
                    <button type="submit" class="replay-selected">Replay selected</button>
                    <button type="submit" formaction="/actions/delete" class="danger delete-selected">Delete selected</button>
                    <button type="submit" name="group" value="${group.key}" class="replay-group">
                        Replay the whole group (${group.count})
                    </button>
                </div>
            </form>`,
    );
}

export function messagePage(
    context: PageContext,
    lane: string,
    entry: DeadLetterEntry,
    notice?: { error: string; editedBody: string },
): string {
    const body = displayBody(entry.body);
    const pointer = DlqOperations.isPayloadPointer(entry);
    return layout(
        context,
        entry.messageId,
        html`<p><a href="/">← Overview</a></p>
            <h1>Message <code>${entry.messageId}</code></h1>
            <dl class="facts">
                <dt>lane</dt>
                <dd>${lane}</dd>
                <dt>reason</dt>
                <dd>
                    ${entry.reason ? html`<span class="kind">${entry.reason.failureKind}</span> ${entry.reason.errorClass}: <span class="error-message">${entry.reason.errorMessage}</span>` : "no reason recorded: SQS moved it after maxReceiveCount receives (timeouts or crashes)"}
                </dd>
                <dt>attempts</dt>
                <dd>${entry.reason?.attempts ?? Math.max(0, entry.receiveCount - 1)}</dd>
                <dt>source message id</dt>
                <dd>${entry.reason?.sourceMessageId ?? entry.messageId}</dd>
                <dt>first seen</dt>
                <dd>${entry.reason?.firstSeen ?? "–"}</dd>
                <dt>dead-lettered</dt>
                <dd>${entry.sentAt}</dd>
                <dt>handler version</dt>
                <dd>${entry.reason?.handlerVersion ?? "–"}</dd>
                ${
                    entry.groupId
                        ? html`<dt>message group</dt>
                              <dd>${entry.groupId}</dd>
                              <dt>deduplication id</dt>
                              <dd>${entry.deduplicationId ?? "–"}</dd>`
                        : ""
                }
            </dl>
            <h2>Body${body.json ? " (JSON)" : ""}</h2>
            ${entry.payload !== undefined && entry.body === "" ? html`<p>The dead-letter forward stored this body in S3 (too large for the DLQ with its reason).</p>` : html`<pre class="body" id="message-body">${body.text}</pre>`}
            ${pointer ? html`<p><a class="payload-link" href="/lanes/${encodeURIComponent(lane)}/messages/${encodeURIComponent(entry.messageId)}/payload">Fetch the payload from S3</a></p>` : ""}
            <h2>Attributes</h2>
            <table class="attributes">
                <thead>
                    <tr>
                        <th>name</th>
                        <th>type</th>
                        <th>value</th>
                    </tr>
                </thead>
                <tbody>
                    ${Object.entries(entry.originalAttributes).map(
                        ([name, value]) =>
                            html`<tr>
                                <td>${name}</td>
                                <td>${value.DataType ?? ""}</td>
                                <td>
                                    ${isSecretName(name) ? REDACTED : (value.StringValue ?? (value.BinaryValue ? `(${value.BinaryValue.length} bytes binary)` : ""))}
                                </td>
                            </tr>`,
                    )}
                </tbody>
            </table>
            <h2>Replay</h2>
            <form method="post" action="/actions/replay">
                ${tokenField(context)}<input type="hidden" name="lane" value="${lane}" /><input
                    type="hidden"
                    name="messageId"
                    value="${entry.messageId}"
                /><button type="submit" class="replay-one">Replay as it is</button>
            </form>
            ${
                pointer
                    ? html`<p>The body is an S3 pointer: edit the payload in S3, then replay the pointer.</p>`
                    : html`<form method="post" action="/actions/replay-edited" class="edit">
                          ${tokenField(context)}<input type="hidden" name="lane" value="${lane}" /><input
                              type="hidden"
                              name="messageId"
                              value="${entry.messageId}"
                          />
                          <label for="edited-body"
                              >Edit the body, then replay it (checked against the ${lane} message schema first; ${REDACTED} fields keep
                              their value)</label
                          >
                          ${notice ? html`<p class="error" id="edit-error">${notice.error}</p>` : ""}
                          <textarea id="edited-body" name="body" rows="14" spellcheck="false">${notice?.editedBody ?? body.text}</textarea>
                          <button type="submit" class="replay-edited">Validate and replay the edited body</button>
                      </form>`
            }
            <h2>Delete</h2>
            <form method="post" action="/actions/delete">
                ${tokenField(context)}<input type="hidden" name="lane" value="${lane}" /><input
                    type="hidden"
                    name="messageId"
                    value="${entry.messageId}"
                /><button type="submit" class="danger">Delete this message</button>
            </form>`,
    );
}

export function payloadPage(context: PageContext, lane: string, entry: DeadLetterEntry, payload: string): string {
    return layout(
        context,
        "S3 payload",
        html`<p><a href="/lanes/${encodeURIComponent(lane)}/messages/${encodeURIComponent(entry.messageId)}">← Message</a></p>
            <h1>S3 payload of <code>${entry.messageId}</code></h1>
            <pre class="body" id="payload">${displayBody(payload).text}</pre>`,
    );
}

export function auditPage(context: PageContext, records: readonly AuditRecord[]): string {
    return layout(
        context,
        "Audit trail",
        html`<h1>Audit trail</h1>
            <p>Every replay, edit, delete and purge, newest first, from ${context.auditLocation}.</p>
            ${auditTable(records)}`,
    );
}

export function resultPage(context: PageContext, title: string, lines: readonly string[], ok: boolean): string {
    return layout(
        context,
        title,
        html`<div class="${ok ? "result ok" : "result error"}" id="result">
                <h1>${title}</h1>
                ${lines.map((line) => html`<p>${line}</p>`)}
            </div>
            <p><a href="/">← Overview</a></p>`,
    );
}

function auditTable(records: readonly AuditRecord[]): SafeHtml {
    if (records.length === 0) {
        return html`<p class="empty">Nothing recorded yet.</p>`;
    }
    return html`<table class="audit" id="audit-table">
        <thead>
            <tr>
                <th>time</th>
                <th>operator</th>
                <th>action</th>
                <th>lane</th>
                <th>messages (body sha-256 before → after)</th>
                <th>outcome</th>
            </tr>
        </thead>
        <tbody>
            ${records.map(
                (record) =>
                    html`<tr>
                        <td>${shortTime(record.time)}</td>
                        <td>${record.operator}</td>
                        <td><span class="action">${record.action}</span></td>
                        <td>${record.lane}</td>
                        <td>
                            ${record.messages.map(
                                (message) =>
                                    html`<div>
                                        <code>${message.messageId}</code>
                                        <span class="hash"
                                            >${message.bodySha256Before.slice(0, 12)} →
                                            ${message.bodySha256After === undefined ? "deleted" : message.bodySha256After.slice(0, 12)}</span
                                        >
                                    </div>`,
                            )}
                        </td>
                        <td>${record.outcome}</td>
                    </tr>`,
            )}
        </tbody>
    </table>`;
}

function shortTime(iso: string): string {
    return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** One line of the body, secrets redacted like the full view. */
function preview(body: string, length = 90): string {
    const shown = displayBody(body);
    const line = shown.json ? JSON.stringify(JSON.parse(shown.text)) : body;
    return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
