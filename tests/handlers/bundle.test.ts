import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import {
    BUNDLE_FILE_NAME,
    bundleHandler,
    LAZILY_LOADED_MODULES,
    HandlerEntryPoints,
    type HandlerName,
} from "../../pipeline/handler-bundle";

import { computeLaneSettings, consumerEnvironment, LaneKind } from "../../pipeline";
import { unpackHandlerArchive } from "../helpers/bundle-archive";

const unpack = unpackHandlerArchive;

/** The environment the component gives the tool-call consumer, so its module initialises as in Lambda. */
const LAMBDA_ENVIRONMENT = consumerEnvironment({
    settings: computeLaneSettings(LaneKind.fifo),
    functionName: "bundle-test",
    logLevel: "ERROR",
    handlerVersion: "test",
    queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo",
    deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/q-dlq.fifo",
    idempotencyTableName: "t",
    payloadBucketName: "b",
});

/** Loads the bundle in a fresh Node process from outside the repository, so nothing resolves from our node_modules. */
function loadInFreshProcess(directory: string, script: string): string {
    return execFileSync(process.execPath, ["-e", script], {
        cwd: directory,
        env: { PATH: process.env.PATH, AWS_REGION: "eu-west-1", NODE_PATH: "", ...LAMBDA_ENVIRONMENT },
        encoding: "utf8",
        // A failing load prints the whole minified bundle; keep the test output readable.
        stdio: ["ignore", "pipe", "ignore"],
    });
}

/** The handlers that read large payloads from S3 (the alarm notifier never touches S3). */
const S3_READING_HANDLERS: readonly HandlerName[] = ["escalation", "toolCall"];

describe("handler bundles", () => {
    for (const name of S3_READING_HANDLERS) {
        it(`keeps the S3 client out of the ${name} bundle and requires it on first use`, () => {
            const { code } = bundleHandler(name);

            for (const moduleName of LAZILY_LOADED_MODULES) {
                assert.ok(code.includes(`require("${moduleName}")`), `${moduleName} is not required lazily`);
            }
        });
    }

    for (const name of Object.keys(HandlerEntryPoints) as HandlerName[]) {
        it(`ships the ${name} bundle's lazily loaded modules where require finds them in the archive`, () => {
            const directory = unpack(name);

            const resolved = loadInFreshProcess(
                directory,
                `process.stdout.write(require.resolve("@aws-sdk/client-s3", { paths: [${JSON.stringify(directory)}] }))`,
            );
            const exported = loadInFreshProcess(
                directory,
                `const s3 = require("@aws-sdk/client-s3"); process.stdout.write([typeof s3.S3Client, typeof s3.GetObjectCommand, typeof s3.NoSuchKey].join(","))`,
            );

            assert.equal(resolved, path.join(directory, "node_modules", "@aws-sdk", "client-s3", BUNDLE_FILE_NAME));
            assert.equal(exported, "function,function,function");
        });
    }

    it("loads a bundle outside the repository and exports its handler", () => {
        const directory = unpack("toolCall");

        const handlerType = loadInFreshProcess(directory, `process.stdout.write(typeof require("./${BUNDLE_FILE_NAME}").handler)`);

        assert.equal(handlerType, "function");
    });
});
