/**
 * The audit trail of DLQ actions: who replayed, edited, deleted or purged what, and when. Every
 * state-changing operation in `DlqOperations` appends one record, whichever front end (CLI or
 * console) asked. Bodies are recorded as SHA-256 hashes only: the trail proves what changed
 * without copying message content (which may hold personal data) into another store.
 *
 * Locally the trail is a JSONL file next to the stack outputs; in AWS it is the CloudWatch Logs
 * group the component creates for it (`<prefix>-dlq-audit`, exported as `dlqAuditLogGroupName`).
 */
import { CloudWatchLogsClient, CreateLogStreamCommand, FilterLogEventsCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { createHash, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const AuditAction = {
    replay: "replay",
    replayEdited: "replay-edited",
    replayAll: "replay-all",
    delete: "delete",
    purge: "purge",
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** One message an action touched: its DLQ id and its body's hash before and after. */
export interface AuditedMessage {
    readonly messageId: string;
    readonly bodySha256Before: string;
    /** Equal to `bodySha256Before` unless the body was edited; absent when the message was deleted. */
    readonly bodySha256After?: string;
}

export interface AuditRecord {
    readonly time: string;
    readonly operator: string;
    readonly action: AuditAction;
    readonly lane: string;
    readonly deadLetterQueueUrl: string;
    readonly messages: readonly AuditedMessage[];
    /** What came of it, in a sentence ("moved 3, kept 1"). */
    readonly outcome: string;
}

export interface AuditTrail {
    /** Where the records go, for the console's footer and the CLI's output. */
    readonly location: string;
    append(record: AuditRecord): Promise<void>;
    /** The newest records first. */
    recent(limit: number): Promise<AuditRecord[]>;
}

export function sha256(text: string): string {
    return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The operator recorded when no `--operator` is given: the OS user running the tool. */
export function defaultOperator(): string {
    try {
        return os.userInfo().username;
    } catch {
        // userInfo() throws for a uid with no passwd entry (some containers).
        return process.env.USER ?? "unknown";
    }
}

/** Appends one JSON object per line; readable with `tail`, `jq`, or any log shipper. */
export class JsonlAuditTrail implements AuditTrail {
    constructor(readonly file: string) {}

    get location(): string {
        return this.file;
    }

    async append(record: AuditRecord): Promise<void> {
        await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
        await fs.promises.appendFile(this.file, `${JSON.stringify(record)}\n`);
    }

    async recent(limit: number): Promise<AuditRecord[]> {
        if (!fs.existsSync(this.file)) {
            return [];
        }
        const lines = (await fs.promises.readFile(this.file, "utf8")).split("\n").filter((line) => line.trim() !== "");
        return lines
            .slice(-limit)
            .reverse()
            .map((line) => JSON.parse(line) as AuditRecord);
    }
}

/**
 * Writes to a CloudWatch Logs group, one stream per tool run (`<operator>/<time>/<random>`), so
 * concurrent operators never contend for a stream's sequence. The IAM it needs:
 * logs:CreateLogStream, logs:PutLogEvents and logs:FilterLogEvents on that group only.
 */
export class CloudWatchLogsAuditTrail implements AuditTrail {
    private streamName?: string;

    constructor(
        private readonly logs: Pick<CloudWatchLogsClient, "send">,
        readonly logGroupName: string,
        private readonly operator: string,
    ) {}

    get location(): string {
        return `CloudWatch Logs group ${this.logGroupName}`;
    }

    async append(record: AuditRecord): Promise<void> {
        if (this.streamName === undefined) {
            const name = `${this.operator.replace(/[:*]/g, "_")}/${new Date().toISOString().replace(/[:.]/g, "-")}/${randomUUID().slice(0, 8)}`;
            await this.logs.send(new CreateLogStreamCommand({ logGroupName: this.logGroupName, logStreamName: name }));
            this.streamName = name;
        }
        await this.logs.send(
            new PutLogEventsCommand({
                logGroupName: this.logGroupName,
                logStreamName: this.streamName,
                logEvents: [{ timestamp: Date.parse(record.time), message: JSON.stringify(record) }],
            }),
        );
    }

    async recent(limit: number): Promise<AuditRecord[]> {
        const { events = [] } = await this.logs.send(
            new FilterLogEventsCommand({ logGroupName: this.logGroupName, startTime: Date.now() - RECENT_WINDOW_MS, limit: 10_000 }),
        );
        return events
            .map((event) => JSON.parse(event.message ?? "{}") as AuditRecord)
            .sort((a, b) => b.time.localeCompare(a.time))
            .slice(0, limit);
    }
}

/** The console shows the last 30 days of a CloudWatch trail; older records stay in the group for its retention. */
const RECENT_WINDOW_MS = 30 * 24 * 3600 * 1000;
