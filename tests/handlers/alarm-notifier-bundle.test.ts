import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUNDLE_FILE_NAME, bundleHandler } from "../../pipeline/handler-bundle";
import { HandlerEnvironment } from "../../handlers/environment";

describe("alarm notifier bundle", () => {
    it("neither contains nor requires the S3 client", () => {
        const { code } = bundleHandler("alarmNotifier");

        assert.equal(code.includes("@aws-sdk/client-s3"), false);
        assert.equal(code.includes("PutObjectCommand"), false);
    });

    it("loads outside the repository with the component's environment and exports its handler", () => {
        // Prepare: the archive as Lambda unpacks it into /var/task
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-alarm-notifier-"));
        for (const [relative, text] of Object.entries(bundleHandler("alarmNotifier").files)) {
            fs.mkdirSync(path.dirname(path.join(directory, relative)), { recursive: true });
            fs.writeFileSync(path.join(directory, relative), text);
        }

        // Act
        const handlerType = execFileSync(
            process.execPath,
            ["-e", `process.stdout.write(typeof require("./${BUNDLE_FILE_NAME}").handler)`],
            {
                cwd: directory,
                env: {
                    PATH: process.env.PATH,
                    AWS_REGION: "eu-west-1",
                    NODE_PATH: "",
                    [HandlerEnvironment.pagerDutyRoutingKeyParameter]: "/p/pagerduty-routing-key",
                    [HandlerEnvironment.slackWebhookUrlParameter]: "/p/slack-webhook-url",
                    [HandlerEnvironment.alarmRoutes]: JSON.stringify({ "p-escalation-dlq-depth": "page" }),
                },
                encoding: "utf8",
                stdio: ["ignore", "pipe", "ignore"],
            },
        );

        // Assess
        assert.equal(handlerType, "function");
    });
});
