import { createHash } from "node:crypto";
import type { ToolResult } from "./tool-registry";

/**
 * What the idempotency record keeps of a tool run. Never the unbounded result: a DynamoDB item
 * holds at most 400 KB, and a tool returning more made the idempotency save fail, so the tool ran
 * again on every attempt and was then dead-lettered. The record holds the status, the result's
 * size and SHA-256, and the result itself only when it is small; bigger results are cut to a
 * preview. A duplicate delivery is answered from this record, and the tool does not run again.
 */
export interface ToolRunRecord {
    readonly status: "succeeded";
    /** UTF-8 bytes of the result as JSON. */
    readonly resultBytes: number;
    readonly resultSha256: string;
    /** The result, when it is at most MAX_STORED_RESULT_BYTES. */
    readonly result?: ToolResult;
    /** The first MAX_STORED_RESULT_BYTES characters of the JSON, when the result is larger. */
    readonly resultPreview?: string;
}

/** Far under DynamoDB's 400 KB item limit, with room for Powertools' own attributes. */
export const MAX_STORED_RESULT_BYTES = 16 * 1024;

export function toolRunRecordOf(result: ToolResult): ToolRunRecord {
    const json = JSON.stringify(result) ?? "null";
    const resultBytes = Buffer.byteLength(json, "utf8");
    const resultSha256 = createHash("sha256").update(json).digest("hex");
    return resultBytes <= MAX_STORED_RESULT_BYTES
        ? { status: "succeeded", resultBytes, resultSha256, result }
        : {
              status: "succeeded",
              resultBytes,
              resultSha256,
              resultPreview: Buffer.from(json, "utf8").subarray(0, MAX_STORED_RESULT_BYTES).toString("utf8"),
          };
}
