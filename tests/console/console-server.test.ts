import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { JsonlAuditTrail } from "../../local/dlq/audit";
import { DlqOperations } from "../../local/dlq/operations";
import { type ConsoleServer, startConsoleServer } from "../../local/console/server";
import { escapeHtml, html } from "../../local/console/html";

/** GET with a chosen Host header (fetch does not let a caller set one). */
function getWithHost(origin: string, pathname: string, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const request = http.request(new URL(pathname, origin), { headers: { host } }, (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
        });
        request.on("error", reject);
        request.end();
    });
}

describe("triage console server", () => {
    let server: ConsoleServer;
    before(async () => {
        // No page below reaches SQS: every request is answered before any operation runs.
        const operations = new DlqOperations({
            sqs: {} as SQSClient,
            lanes: [],
            audit: new JsonlAuditTrail("/nonexistent/audit.jsonl"),
            operator: "test",
        });
        server = await startConsoleServer({ operations });
    });
    after(async () => {
        await server.close();
    });

    it("listens on loopback by default", () => {
        assert.match(server.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it("refuses a request sent under another host name (DNS rebinding), token or not", async () => {
        // Act
        const status = await getWithHost(server.origin, `/?token=${server.token}`, "attacker.example");

        // Assess
        assert.equal(status, 421);
    });

    it("turns the printed URL's token into an HttpOnly SameSite=Strict cookie and drops it from the address", async () => {
        // Act
        const response = await fetch(server.url, { redirect: "manual" });

        // Assess
        assert.deepEqual(
            [response.status, response.headers.get("location"), response.headers.get("set-cookie")],
            [303, "/", `dlq_console_token=${server.token}; HttpOnly; SameSite=Strict; Path=/`],
        );
    });

    it("refuses a wrong token", async () => {
        // Act
        const response = await fetch(`${server.origin}/?token=${"0".repeat(64)}`, { redirect: "manual" });

        // Assess
        assert.equal(response.status, 403);
    });

    it("serves its script and stylesheet itself, with a policy that allows only its own", async () => {
        // Act
        const script = await fetch(`${server.origin}/assets/console.js`);

        // Assess
        assert.deepEqual(
            [
                script.status,
                script.headers.get("content-type"),
                /script-src 'self';/.test(script.headers.get("content-security-policy") ?? ""),
            ],
            [200, "text/javascript; charset=utf-8", true],
        );
    });
});

describe("console HTML escaping", () => {
    it("escapes every character that could open markup or an attribute", () => {
        assert.equal(escapeHtml(`<img src=x onerror="a('b')">&\``), "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;&#96;");
    });

    it("escapes interpolated values but keeps fragments built by html", () => {
        assert.equal(html`<p>${"<b>"}${html`<i>${"&"}</i>`}</p>`.text, "<p>&lt;b&gt;<i>&amp;</i></p>");
    });
});
