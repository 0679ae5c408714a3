import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLocalRuntime, type LocalRuntime } from "../../local/runtime";
import { localStackOutputs, writeStackOutputs } from "../../local/stack-outputs";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import { waitFor } from "../local/helpers/sqs-fixture";

const LOCAL = path.join(__dirname, "..", "..", "local", "cli");
/** Tests never take fixed ports: eight suites run at once on this machine. */
const EPHEMERAL_PORTS = ["--sqs-port", "0", "--dynamodb-port", "0", "--ssm-port", "0"];
const CONSOLE_URL = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/;

/** Runs a local/ command (tsx, as npm does) until it prints the console URL; returns it and the child. */
async function consoleUrlOf(
    script: string,
    args: readonly string[],
): Promise<{ url: string; child: ChildProcess; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, [require.resolve("tsx/cli"), path.join(LOCAL, script), ...args], {
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await waitFor(() => CONSOLE_URL.test(output), 90_000, "the console URL").catch((error: Error) => {
        child.kill("SIGKILL");
        throw new Error(`${error.message}; output so far:\n${output}`);
    });
    return { url: CONSOLE_URL.exec(output)![1]!, child, exited };
}

/** Opens the printed URL as a browser does: the token becomes a cookie, then the overview loads. */
async function openOverview(url: string): Promise<{ status: number; html: string }> {
    const first = await fetch(url, { redirect: "manual" });
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0]!;
    const overview = await fetch(new URL("/", url), { headers: { cookie } });
    return { status: overview.status, html: await overview.text() };
}

describe("console commands", function () {
    this.timeout(150_000);

    it("npm start prints the triage console's URL, which serves the overview", async () => {
        // Prepare
        const stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "console-start-"));
        const { url, child, exited } = await consoleUrlOf("start.ts", [
            "--state-dir",
            stateDirectory,
            "--operator",
            "alice",
            ...EPHEMERAL_PORTS,
        ]);
        try {
            // Act
            const overview = await openOverview(url);

            // Assess
            assert.deepEqual(
                [overview.status, overview.html.includes("escalations-dlq"), overview.html.includes("operator <b>alice</b>")],
                [200, true, true],
            );
        } finally {
            child.kill("SIGINT");
            await exited;
            fs.rmSync(stateDirectory, { recursive: true, force: true });
        }
    });

    describe("npm run console -- --outputs", () => {
        let runtime: LocalRuntime;
        let outputsFile: string;
        before(async () => {
            runtime = await startLocalRuntime({ settings: resolvePipelineSettings({}), namePrefix: "console-cli", startConsumers: false });
            outputsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "console-cli-")), "stack-outputs.json");
            writeStackOutputs(outputsFile, localStackOutputs(runtime));
        });
        after(async () => {
            await runtime.stop();
            fs.rmSync(path.dirname(outputsFile), { recursive: true, force: true });
        });

        it("serves the stack the outputs file names", async () => {
            // Prepare
            const { url, child, exited } = await consoleUrlOf("console.ts", ["--outputs", outputsFile]);
            try {
                // Act
                const overview = await openOverview(url);

                // Assess
                assert.deepEqual([overview.status, overview.html.includes("console-cli-tool-calls-dlq.fifo")], [200, true]);
            } finally {
                child.kill("SIGINT");
                await exited;
            }
        });
    });
});
