import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { BUNDLE_FILE_NAME } from "../../pipeline/handler-bundle";
import { unpackHandlerArchive } from "../helpers/bundle-archive";

describe("source maps of the deployed bundles", () => {
    it("links each bundle to its map with a sourceMappingURL comment", () => {
        const directory = unpackHandlerArchive("escalation");

        const code = fs.readFileSync(`${directory}/${BUNDLE_FILE_NAME}`, "utf8");

        assert.match(code, /\/\/# sourceMappingURL=index\.js\.map\s*$/);
    });

    it("shows a TypeScript file and line in a stack trace thrown inside the bundle under --enable-source-maps", () => {
        // Prepare: the archive as Lambda unpacks it, and an environment missing every consumer
        // setting, so the handler module throws its config error while it loads.
        const directory = unpackHandlerArchive("toolCall");

        // Act: the component sets NODE_OPTIONS=--enable-source-maps on every function.
        const run = spawnSync(process.execPath, ["--enable-source-maps", "-e", `require("./${BUNDLE_FILE_NAME}")`], {
            cwd: directory,
            env: { PATH: process.env.PATH, NODE_PATH: "" },
            encoding: "utf8",
        });

        // Assess
        assert.notEqual(run.status, 0);
        assert.match(run.stderr, /at \S+ \(.*handlers\/config\.ts:\d+:\d+\)/, run.stderr.slice(0, 2000));
    });
});
