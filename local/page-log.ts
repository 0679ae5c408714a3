import * as fs from "node:fs";
import * as path from "node:path";
import type { RecordedRequest } from "./fake-receivers";

/** Writes every request the loopback PagerDuty and Slack receive during this run to a JSONL file, one line each (the file starts empty at each start). */
export class PageLog {
    private readonly stream: fs.WriteStream;

    constructor(readonly file: string) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        // One file per run: the queues start empty, so pages of an earlier run would only mislead.
        this.stream = fs.createWriteStream(file, { flags: "w" });
    }

    append(request: RecordedRequest): void {
        this.stream.write(
            `${JSON.stringify({ receiver: request.receiver, receivedAt: request.receivedAt, status: request.answeredStatus, fault: request.fault, body: request.json ?? request.body })}\n`,
        );
    }

    close(): Promise<void> {
        return new Promise((resolve) => this.stream.end(resolve));
    }
}

/** One line for the console: who was paged about what. */
export function describePage(request: RecordedRequest): string {
    const body = (request.json ?? {}) as { dedup_key?: string; payload?: { summary?: string; severity?: string }; text?: string };
    const status = request.fault === "none" ? String(request.answeredStatus) : `${request.answeredStatus} (injected ${request.fault})`;
    if (request.receiver === "pagerduty") {
        return `PagerDuty ${status} [${body.payload?.severity ?? "?"}] ${body.dedup_key ?? "(no dedup_key)"}: ${body.payload?.summary ?? ""}`;
    }
    return `Slack     ${status} ${(body.text ?? "").split("\n")[0]}`;
}
