import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackConfig } from "../../local/stack-config";

describe("local stack config", () => {
    let directory: string;
    beforeEach(() => {
        directory = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
    });
    afterEach(() => {
        fs.rmSync(directory, { recursive: true, force: true });
    });

    it("reads the pipeline options of the stack file and names resources after its stack", () => {
        // Prepare
        const file = path.join(directory, "Pulumi.staging.yaml");
        fs.writeFileSync(file, "config:\n  escalation-pipeline:pipeline:\n    escalation:\n      functionTimeoutSeconds: 12\n");

        // Act
        const config = readStackConfig(file);

        // Assess
        assert.deepEqual([config.stack, config.namePrefix, config.options], ["staging", "escalation-pipeline-staging-main", { escalation: { functionTimeoutSeconds: 12 } }]);
    });

    it("takes the name prefix the stack file sets", () => {
        // Prepare
        const file = path.join(directory, "Pulumi.dev.yaml");
        fs.writeFileSync(file, "config:\n  escalation-pipeline:namePrefix: team-a\n");

        // Act
        const config = readStackConfig(file);

        // Assess
        assert.equal(config.namePrefix, "team-a");
    });

    it("refuses a stack file that the user named and that does not exist", () => {
        // Prepare
        const file = path.join(directory, "Pulumi.nope.yaml");

        // Act
        const read = () => readStackConfig(file);

        // Assess
        assert.throws(read, { name: "StackFileError", message: new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: it does not exist`) });
    });
});
