import * as assert from "node:assert/strict";
import { parseGateArgs } from "../../gate/args";
import { readStackConfig } from "../../local/stack-config";
import { createStackProgram, type StackProgram } from "./helpers/stack-program";

describe("local stack config (npm start's reader)", () => {
    let program: StackProgram;
    beforeEach(() => {
        program = createStackProgram();
    });
    afterEach(() => {
        program.remove();
    });

    it("reads the pipeline options of the named stack and names resources after it", () => {
        // Prepare
        program.writeStack(
            "staging",
            "config:\n  aws:region: eu-west-1\n  escalation-pipeline:pipeline:\n    escalation:\n      functionTimeoutSeconds: 12\n",
        );

        // Act
        const config = readStackConfig({ stack: "staging", programDir: program.directory, env: {} });

        // Assess
        assert.deepEqual(
            [config.stack, config.namePrefix, config.options],
            ["staging", "escalation-pipeline-staging-main", { escalation: { functionTimeoutSeconds: 12 } }],
        );
    });

    it("takes the stack's aws:region", () => {
        // Prepare
        program.writeStack("dev", "config:\n  aws:region: eu-west-1\n");

        // Act
        const config = readStackConfig({ stack: "dev", programDir: program.directory, env: { AWS_REGION: "us-east-1" } });

        // Assess
        assert.equal(config.region, "eu-west-1");
    });

    it("takes the name prefix the stack file sets", () => {
        // Prepare
        program.writeStack("dev", "config:\n  aws:region: eu-west-1\n  escalation-pipeline:namePrefix: team-a\n");

        // Act
        const config = readStackConfig({ stack: "dev", programDir: program.directory, env: {} });

        // Assess
        assert.equal(config.namePrefix, "team-a");
    });

    it("applies a bare key to the project's namespace, as Pulumi does", () => {
        // Prepare
        program.writeStack("dev", "config:\n  aws:region: eu-west-1\n  pipeline:\n    logLevel: WARN\n");

        // Act
        const config = readStackConfig({ stack: "dev", programDir: program.directory, env: {} });

        // Assess
        assert.equal(config.settings.logLevel, "WARN");
    });

    it("refuses a stack that the user named and that has no file", () => {
        // Act
        const read = () => readStackConfig({ stack: "nope", programDir: program.directory, env: {} });

        // Assess
        assert.throws(read, { name: "StackConfigError", message: /no stack config file .*Pulumi\.nope\.yaml/ });
    });

    it("refuses a file path for --stack and says which name selects it", () => {
        // Act
        const read = () => readStackConfig({ stack: "Pulumi.dev.yaml", programDir: program.directory, env: {} });

        // Assess
        assert.throws(read, {
            name: "StackConfigError",
            message: /'--stack' must be a stack name .*'Pulumi\.dev\.yaml' given; for Pulumi\.dev\.yaml pass '--stack dev'/,
        });
    });

    it("gives the gate's --stack the same meaning and the same message", () => {
        // Act
        const parse = () => parseGateArgs(["--stack", "Pulumi.dev.yaml"], program.directory);

        // Assess
        assert.throws(parse, {
            name: "GateUsageError",
            message: /'--stack' must be a stack name .*'Pulumi\.dev\.yaml' given; for Pulumi\.dev\.yaml pass '--stack dev'/,
        });
    });
});
