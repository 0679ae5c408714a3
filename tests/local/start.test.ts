import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { waitFor } from "./helpers/sqs-fixture";

const START = path.join(__dirname, "..", "..", "local", "cli", "start.ts");
/** npm start's fixed default ports would collide with other suites running at once. */
const EPHEMERAL_PORTS = ["--sqs-port", "0", "--dynamodb-port", "0", "--ssm-port", "0"];

describe("npm start (smoke)", function () {
    this.timeout(120_000);

    it("brings the pipeline up, pages the loopback PagerDuty with the demo's escalations, and stops cleanly on Ctrl-C", async () => {
        // Prepare
        const stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "local-start-"));
        const pagesFile = path.join(stateDirectory, "pages.jsonl");
        const child = spawn(
            process.execPath,
            [require.resolve("tsx/cli"), START, "--demo", "--state-dir", stateDirectory, ...EPHEMERAL_PORTS],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        const pagedCallIds = () =>
            fs.existsSync(pagesFile)
                ? fs
                      .readFileSync(pagesFile, "utf8")
                      .split("\n")
                      .filter((line) => line.length > 0)
                      .map((line) => JSON.parse(line) as { receiver: string; status: number; body: { dedup_key?: string } })
                      .filter((page) => page.receiver === "pagerduty" && page.status === 202)
                      .map((page) => page.body.dedup_key)
                : [];

        try {
            // Act
            await waitFor(() => new Set(pagedCallIds()).size >= 6, 90_000, "six demo escalations paged").catch((error: Error) => {
                throw new Error(`${error.message}; output so far:\n${output}`);
            });
            child.kill("SIGINT");
            const code = await exited;

            // Assess
            assert.deepEqual(
                [code, /Stopped\./.test(output), /SQS \+ S3 endpoint\s+http:\/\/127\.0\.0\.1:\d+/.test(output)],
                [0, true, true],
            );
        } finally {
            child.kill("SIGKILL");
            fs.rmSync(stateDirectory, { recursive: true, force: true });
        }
    });
});
