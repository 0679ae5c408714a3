import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadProject, loadStackConfig, secretPlaceholder } from "../../gate/project";

function programDir(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-project-"));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

describe("project and stack config loading", () => {
    const dirs: string[] = [];
    const make = (files: Record<string, string>): string => {
        const dir = programDir(files);
        dirs.push(dir);
        return dir;
    };

    after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("hands config to the program as the language host does: qualified keys, strings, objects as JSON", () => {
        const dir = make({
            "Pulumi.yaml": "name: shop\nruntime: nodejs\n",
            "Pulumi.dev.yaml": "config:\n  aws:region: eu-west-1\n  shop:retries: 3\n  shop:lanes:\n    orders: { batch: 10 }\n",
        });

        const config = loadStackConfig(loadProject(dir), "dev");

        assert.deepStrictEqual(config.values, { "aws:region": "eu-west-1", "shop:retries": "3", "shop:lanes": '{"orders":{"batch":10}}' });
    });

    it("replaces each secure value with a placeholder that stays marked secret", () => {
        const dir = make({
            "Pulumi.yaml": "name: shop\nruntime: nodejs\n",
            "Pulumi.dev.yaml": "config:\n  shop:token:\n    secure: AAABAxyz\n",
        });

        const config = loadStackConfig(loadProject(dir), "dev");

        assert.deepStrictEqual([config.values["shop:token"], config.secretKeys], [secretPlaceholder, ["shop:token"]]);
    });

    it("takes project-level defaults from Pulumi.yaml, and lets the stack file override them", () => {
        const dir = make({
            "Pulumi.yaml": "name: shop\nruntime: nodejs\nconfig:\n  retries:\n    type: integer\n    default: 5\n  owner: platform\n",
            "Pulumi.dev.yaml": "config:\n  shop:retries: 3\n",
        });

        const config = loadStackConfig(loadProject(dir), "dev");

        assert.deepStrictEqual(config.values, { "shop:retries": "3", "shop:owner": "platform" });
    });

    it("takes project-level defaults from the project as loaded, without reading Pulumi.yaml again", () => {
        const dir = make({ "Pulumi.yaml": "name: shop\nruntime: nodejs\nconfig:\n  owner: platform\n", "Pulumi.dev.yaml": "config: {}\n" });
        const project = loadProject(dir);
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nconfig:\n  owner: changed\n");

        const config = loadStackConfig(project, "dev");

        assert.deepStrictEqual(config.values, { "shop:owner": "platform" });
    });

    it("refuses a project whose runtime is not nodejs, naming the runtime", () => {
        const dir = make({ "Pulumi.yaml": "name: shop\nruntime: python\n" });

        assert.throws(() => loadProject(dir), /'runtime' in .*Pulumi\.yaml must be 'nodejs' .*'python' given/);
    });
});
