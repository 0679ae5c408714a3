import * as assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "puppeteer-core";
import { queueDepth } from "../../local/progress";
import { waitFor } from "../local/helpers/sqs-fixture";
import { launchChromium } from "./helpers/browser";
import { type ConsoleFixture, startConsoleFixture } from "./helpers/console-fixture";

const escalation = (callId: string, reason: string, severity = "critical"): string => JSON.stringify({ callId, reason, severity });

describe("triage console in Chromium", function () {
    this.timeout(120_000);
    let fixture: ConsoleFixture;
    let chromium: { browser: Browser; close(): Promise<void> };
    let page: Page;

    before(async () => {
        // Fails (never skips) when no browser is installed: see helpers/browser.ts.
        chromium = await launchChromium();
        fixture = await startConsoleFixture();
    });
    after(async () => {
        await chromium?.close();
        await fixture?.stop();
    });
    beforeEach(async () => {
        await fixture.purgeDeadLetters();
        page = await chromium.browser.newPage();
        await page.goto(fixture.server.url);
    });
    afterEach(async () => {
        await page.close();
    });

    const cellText = (selector: string) => page.$eval(selector, (element) => element.textContent ?? "");

    it("shows each lane's DLQ depth on the overview, refreshed live", async () => {
        // Prepare
        await fixture.deadLetter("escalation", "{ one");
        await fixture.deadLetter("escalation", "{ two");

        // Act: the table refreshes by itself every two seconds
        await page.waitForFunction(() => document.querySelector('tr[data-lane="escalation"] td.dlq-visible')?.textContent === "2", {
            timeout: 10_000,
        });

        // Assess
        assert.equal(await cellText('tr[data-lane="escalation"] td.dlq-visible'), "2");
    });

    it("opens a group to its messages", async () => {
        // Prepare
        await fixture.deadLetter("escalation", "{ a", { errorMessage: "bad body #1" });
        await fixture.deadLetter("escalation", "{ b", { errorMessage: "bad body #2" });
        await page.reload();

        // Act
        await Promise.all([page.waitForNavigation(), page.click("a.group-link")]);

        // Assess
        const bodies = await page.$$eval("table.messages td.preview", (cells) => cells.map((cell) => cell.textContent).sort());
        assert.deepEqual(bodies, ["{ a", "{ b"]);
    });

    it("replays one message, which is then paged", async () => {
        // Prepare
        const callId = `replay-${randomUUID()}`;
        const id = await fixture.deadLetter("escalation", escalation(callId, "Caller asks for a human"));
        await page.goto(`${fixture.server.origin}/lanes/escalation/messages/${id}`);

        // Act
        await Promise.all([page.waitForNavigation(), page.click("button.replay-one")]);

        // Assess
        assert.match(await cellText("#result h1"), /Replayed 1 message/);
        await waitFor(() => fixture.paged(callId), 30_000, "the replayed escalation to be paged");
    });

    it("replays an edited message, which is then paged with the edited body", async () => {
        // Prepare: "urgent" is no PagerDuty severity, so the consumer dead-lettered it
        const callId = `edit-${randomUUID()}`;
        const id = await fixture.deadLetter("escalation", escalation(callId, "Typo in severity", "urgent"));
        await page.goto(`${fixture.server.origin}/lanes/escalation/messages/${id}`);

        // Act
        await page.$eval(
            "#edited-body",
            (area, body) => ((area as HTMLTextAreaElement).value = body),
            escalation(callId, "Edited in the console", "critical"),
        );
        await Promise.all([page.waitForNavigation(), page.click("button.replay-edited")]);

        // Assess
        assert.match(await cellText("#result h1"), /Replayed 1 message/);
        await waitFor(() => fixture.paged(callId, "Edited in the console"), 30_000, "the edited escalation to be paged");
    });

    it("refuses an edited body that fails the lane's schema, and keeps the message", async () => {
        // Prepare
        const id = await fixture.deadLetter("escalation", escalation(`bad-${randomUUID()}`, "x", "urgent"));
        await page.goto(`${fixture.server.origin}/lanes/escalation/messages/${id}`);

        // Act: still "urgent"
        await Promise.all([page.waitForNavigation(), page.click("button.replay-edited")]);

        // Assess
        assert.match(await cellText("#edit-error"), /severity/);
        assert.equal((await queueDepth(fixture.runtime.sqs, fixture.runtime.lanes.escalation.deadLetterQueueUrl)).visible, 1);
    });

    it("purges only once the DLQ's name is typed", async () => {
        // Prepare
        await fixture.deadLetter("escalation", "{ doomed");
        const form = 'form.purge:has(input[value="escalation"])';
        const name = fixture.runtime.lanes.escalation.deadLetterQueueUrl.split("/").pop()!;

        // Act
        await page.type(`${form} input[name=confirm]`, "yes");
        const disabledWhenWrong = await page.$eval(`${form} button`, (button) => (button as HTMLButtonElement).disabled);
        await page.$eval(`${form} input[name=confirm]`, (input) => ((input as HTMLInputElement).value = ""));
        await page.type(`${form} input[name=confirm]`, name);
        await Promise.all([page.waitForNavigation(), page.click(`${form} button`)]);

        // Assess
        assert.deepEqual(
            [disabledWhenWrong, (await queueDepth(fixture.runtime.sqs, fixture.runtime.lanes.escalation.deadLetterQueueUrl)).visible],
            [true, 0],
        );
    });

    it("refuses a purge posted with the wrong name even when the script is bypassed, deleting nothing", async () => {
        // Prepare
        await fixture.deadLetter("escalation", "{ survivor");
        const form = 'form.purge:has(input[value="escalation"])';

        // Act: submit the form directly, around the disabled button
        await page.type(`${form} input[name=confirm]`, "yes");
        await Promise.all([page.waitForNavigation(), page.$eval(form, (element) => (element as HTMLFormElement).submit())]);

        // Assess
        assert.match(await cellText("#result"), /type the DLQ's name/);
        assert.equal((await queueDepth(fixture.runtime.sqs, fixture.runtime.lanes.escalation.deadLetterQueueUrl)).visible, 1);
    });

    it("keeps a body holding <script> and <img onerror> as inert text", async () => {
        // Prepare
        const hostile = `<script>window.__pwned = "script"</script><img src=x onerror="window.__pwned = 'img'">`;
        const id = await fixture.deadLetter("escalation", hostile);

        // Act
        await page.goto(`${fixture.server.origin}/lanes/escalation/messages/${id}`);

        // Assess: nothing ran, nothing became an element, and the text is shown as it is
        const seen = await page.evaluate(() => ({
            pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
            elements: document.querySelectorAll("#message-body *").length,
            text: document.querySelector("#message-body")?.textContent,
        }));
        assert.deepEqual(seen, { pwned: null, elements: 0, text: hostile });
    });

    it("refuses a page request without the token", async () => {
        // Act: a client that never opened the printed URL
        const response = await fetch(`${fixture.server.origin}/`);

        // Assess
        assert.equal(response.status, 403);
    });

    it("refuses an action posted without the token, from a page of this origin, and deletes nothing", async () => {
        // Prepare
        await fixture.deadLetter("escalation", "{ kept");

        // Act: the browser has the cookie; the form lacks the token field
        const status = await page.evaluate(async () => {
            const response = await fetch("/actions/purge", {
                method: "POST",
                headers: { "content-type": "application/x-www-form-urlencoded" },
                body: "lane=escalation&confirm=x",
            });
            return response.status;
        });

        // Assess
        assert.deepEqual(
            [status, (await queueDepth(fixture.runtime.sqs, fixture.runtime.lanes.escalation.deadLetterQueueUrl)).visible],
            [403, 1],
        );
    });

    it("refuses an action from another origin even with the token", async () => {
        // Prepare
        const cookie = `dlq_console_token=${fixture.server.token}`;

        // Act
        const response = await fetch(`${fixture.server.origin}/actions/purge`, {
            method: "POST",
            headers: { cookie, "origin": "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
            body: `token=${fixture.server.token}&lane=escalation&confirm=x`,
        });

        // Assess
        assert.equal(response.status, 403);
    });
});
