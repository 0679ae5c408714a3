import * as assert from "node:assert/strict";
import { DownstreamRejectedError, DownstreamUnavailableError } from "../../handlers/errors";
import { postJson } from "../../handlers/downstream";
import { startFakeReceivers, type FakeReceivers } from "../../local/fake-receivers";

describe("postJson", () => {
    let receivers: FakeReceivers;

    before(async () => {
        receivers = await startFakeReceivers();
    });
    after(async () => {
        await receivers.close();
    });
    beforeEach(() => receivers.slack.reset());

    const post = (timeoutMs = 1000) => postJson(receivers.slack.url, { text: "hi" }, { downstream: "Slack", timeoutMs });

    it("returns the status and text of a 2xx answer", async () => {
        assert.deepEqual(await post(), { status: 200, text: "ok" });
    });

    for (const status of [500, 503, 429, 408]) {
        it(`treats HTTP ${status} as transient`, async () => {
            receivers.slack.failNext(1, { status });
            await assert.rejects(post(), DownstreamUnavailableError);
        });
    }

    it("treats HTTP 404 as a rejected request (poison)", async () => {
        receivers.slack.failNext(1, { status: 404 });
        await assert.rejects(post(), (error: Error) => error instanceof DownstreamRejectedError && error.status === 404);
    });

    it("treats no answer within the timeout as transient", async () => {
        receivers.slack.failNext(1, { hangMs: 300 });
        await assert.rejects(post(50), /no answer within 50 ms/);
    });
});
