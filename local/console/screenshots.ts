/**
 * Regenerates the README's console screenshots: a local runtime (consumers stopped, so the dead
 * letters stay put), realistic dead letters, one audited action, then Chromium on the overview,
 * a group and a message.
 *
 *   npx tsx local/console/screenshots.ts [docs]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import puppeteer from "puppeteer-core";
import { DeadLetterKind } from "../../handlers/dead-letter";
import { DownstreamRejectedError, DownstreamUnavailableError, InvalidMessageError, UnknownToolError } from "../../handlers/errors";
import { resolvePipelineSettings } from "../../pipeline/pipeline-settings";
import { startLocalRuntime } from "../runtime";
import { startLocalConsole } from "./local-console";
import { putDeadLetter } from "./sample-dead-letters";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function main(): Promise<void> {
    const outputDirectory = path.resolve(process.argv[2] ?? "docs");
    fs.mkdirSync(outputDirectory, { recursive: true });
    const runtime = await startLocalRuntime({ settings: resolvePipelineSettings({}), namePrefix: "pipeline-dev", startConsumers: false });
    const stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "console-screenshots-"));
    const server = await startLocalConsole(runtime, { stateDirectory, operator: "alice" });
    const { escalation, toolCall } = runtime.lanes;
    const region = runtime.emulators.region;
    const attributes = {
        "event-type": { dataType: "String", stringValue: "escalation.requested" },
        "schema-version": { dataType: "String", stringValue: "1" },
    };
    const severities = ["urgent", "high", "P1"];
    let firstId = "";
    for (const [index, severity] of severities.entries()) {
        const id = await putDeadLetter(runtime.sqs, escalation, region, {
            body: JSON.stringify({
                callId: `call-${4711 + index}`,
                reason: "Caller asks for a human about a double charge",
                severity,
                context: { customer: "ACME-42", apiKey: "sk_live_not_shown" },
            }),
            kind: DeadLetterKind.poison,
            error: new InvalidMessageError(
                `escalation is invalid: severity: must be one of critical, error, warning, info ("${severity}" given)`,
            ),
            handlerVersion: "0.1.0",
            attributes,
        });
        firstId = firstId === "" ? id : firstId;
    }
    await putDeadLetter(runtime.sqs, escalation, region, {
        body: JSON.stringify({ callId: "call-4790", reason: "Angry caller", severity: "critical" }),
        kind: DeadLetterKind.exhausted,
        error: new DownstreamUnavailableError("PagerDuty", "HTTP 503 after 5000 ms"),
        attempts: 5,
        handlerVersion: "0.1.0",
        attributes,
    });
    await putDeadLetter(runtime.sqs, escalation, region, {
        body: JSON.stringify({ callId: "call-4791", reason: "Needs a human", severity: "error" }),
        kind: DeadLetterKind.poison,
        error: new DownstreamRejectedError("PagerDuty", 400, "Event object is invalid"),
        handlerVersion: "0.0.9",
        attributes,
    });
    for (const call of ["call-88", "call-89"]) {
        await putDeadLetter(runtime.sqs, toolCall, region, {
            body: JSON.stringify({ callId: call, toolCallId: `${call}-t1`, toolName: "refundOrder", arguments: { orderId: "A-100" } }),
            kind: DeadLetterKind.poison,
            error: new UnknownToolError("refundOrder", ["lookupOrder", "createTicket"]),
            groupId: call,
            handlerVersion: "0.1.0",
        });
    }
    const browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    try {
        const page = await browser.newPage();
        await page.setViewport({ width: 1280, height: 860, deviceScaleFactor: 1 });
        await page.goto(server.url);
        await page.goto(`${server.origin}/lanes/escalation/messages/${firstId}`);
        await page.screenshot({ path: path.join(outputDirectory, "console-message.png"), fullPage: false });
        await page.goto(`${server.origin}/`);
        await Promise.all([page.waitForNavigation(), page.click("a.group-link")]);
        await page.screenshot({ path: path.join(outputDirectory, "console-group.png") });
        // One audited replay, so the trail on the overview is not empty.
        await page.$eval('input[name="messageId"]', (box) => ((box as HTMLInputElement).checked = true));
        await Promise.all([page.waitForNavigation(), page.click("button.replay-selected")]);
        await page.goto(`${server.origin}/`);
        await page.screenshot({ path: path.join(outputDirectory, "console-overview.png"), fullPage: true });
    } finally {
        await browser.close();
        await server.close();
        await runtime.stop();
        fs.rmSync(stateDirectory, { recursive: true, force: true });
    }
    console.log(`Screenshots in ${outputDirectory}`);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
