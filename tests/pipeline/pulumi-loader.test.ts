import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const REPO_ROOT = path.join(__dirname, "..", "..");

describe("the stack entry under Pulumi's own TypeScript loader", () => {
    it("type-checks and loads index.ts with ts-node as `pulumi up` does, exporting every stack output", () => {
        // Prepare: a plain Node process without tsx, so only Pulumi's loader compiles the program.
        const script = path.join(__dirname, "..", "helpers", "load-with-pulumi-typescript.js");

        // Act
        const printed = execFileSync(process.execPath, [script, REPO_ROOT], {
            encoding: "utf8",
            env: { ...process.env, NODE_OPTIONS: "" },
        });
        const outputNames = JSON.parse(printed.trim().split("\n").pop() ?? "[]") as string[];

        // Assess
        assert.ok(outputNames.includes("escalationQueueUrl"), printed);
        assert.equal(outputNames.length, 14);
    });
});
