import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GateUsageError } from "../../gate/errors";
import { loadPolicyPackProject } from "../../gate/pack-process";

describe("policy pack project loading", () => {
    const dirs: string[] = [];
    const packDir = (files: Record<string, string>): string => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-pack-"));
        dirs.push(dir);
        for (const [name, text] of Object.entries(files)) {
            fs.writeFileSync(path.join(dir, name), text);
        }
        return dir;
    };

    after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("refuses a PulumiPolicy.yaml that is not valid YAML with a usage error naming the file", () => {
        const dir = packDir({ "PulumiPolicy.yaml": "runtime: [nodejs\n", "index.ts": "" });

        assert.throws(
            () => loadPolicyPackProject(dir),
            (err: Error) => err instanceof GateUsageError && /policy pack file .*PulumiPolicy\.yaml is not valid YAML/.test(err.message),
        );
    });

    it("refuses a PulumiPolicy.yaml that holds a list instead of a mapping", () => {
        const dir = packDir({ "PulumiPolicy.yaml": "- runtime: nodejs\n", "index.ts": "" });

        assert.throws(
            () => loadPolicyPackProject(dir),
            (err: Error) => err instanceof GateUsageError && /PulumiPolicy\.yaml must hold a YAML mapping, found a list/.test(err.message),
        );
    });

    it("accepts the runtime in its { name } form and finds the entry from package.json main", () => {
        const dir = packDir({
            "PulumiPolicy.yaml": "runtime:\n  name: nodejs\nversion: 1.2.3\n",
            "package.json": '{"main": "pack.ts"}',
            "pack.ts": "",
        });

        const project = loadPolicyPackProject(dir);

        assert.deepStrictEqual([project.entry, project.version], [path.join(dir, "pack.ts"), "1.2.3"]);
    });
});
