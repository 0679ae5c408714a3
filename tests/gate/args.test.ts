import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HelpRequestedError, parseGateArgs } from "../../gate/args";
import { GateUsageError } from "../../gate/errors";

describe("gate arguments", () => {
    let cwd: string;

    beforeEach(() => {
        cwd = fs.mkdtempSync(path.join(os.tmpdir(), "gate-args-"));
    });

    afterEach(() => {
        fs.rmSync(cwd, { recursive: true, force: true });
    });

    it("defaults to the current directory, stack dev, the pack in ./policy, text, warn and a 120 s timeout", () => {
        const { policyConfigReason: _reason, ...options } = parseGateArgs([], cwd);

        assert.deepStrictEqual(options, {
            programDir: cwd,
            stack: "dev",
            policyPackDir: path.join(cwd, "policy"),
            policyConfigFile: undefined,
            invokeAnswersFile: undefined,
            timeoutSeconds: 120,
            remoteComponents: "warn",
            format: "text",
            verbose: false,
        });
    });

    it("uses <pack>/config/<stack>.json for the pack's own program (the pack inside the program directory), saying why", () => {
        fs.mkdirSync(path.join(cwd, "policy", "config"), { recursive: true });
        fs.writeFileSync(path.join(cwd, "policy", "config", "prod.json"), "{}");

        const options = parseGateArgs(["--stack", "prod"], cwd);

        assert.deepStrictEqual(
            [options.policyConfigFile, options.policyConfigReason],
            [
                path.join(cwd, "policy", "config", "prod.json"),
                `policy config ${path.join(cwd, "policy", "config", "prod.json")} (the pack's config for stack 'prod'; the pack lives in this program's directory)`,
            ],
        );
    });

    it("applies no pack config to another program's stack of the same name, and says so", () => {
        fs.mkdirSync(path.join(cwd, "policy", "config"), { recursive: true });
        fs.writeFileSync(path.join(cwd, "policy", "config", "dev.json"), "{}");
        fs.mkdirSync(path.join(cwd, "..", path.basename(cwd) + "-other"), { recursive: true });

        const options = parseGateArgs(["--program", `../${path.basename(cwd)}-other`], cwd);
        fs.rmSync(path.join(cwd, "..", path.basename(cwd) + "-other"), { recursive: true, force: true });

        assert.deepStrictEqual(
            [
                options.policyConfigFile,
                /^no policy config: .*dev\.json is written for the pack's own program, not for .*-other, so every policy runs at the pack's own level; name a config with --policy-config/.test(
                    options.policyConfigReason,
                ),
            ],
            [undefined, true],
        );
    });

    it("says a config named by --policy-config was named so", () => {
        const options = parseGateArgs(["--policy-config", "c.json"], cwd);

        assert.strictEqual(options.policyConfigReason, `policy config ${path.join(cwd, "c.json")} (named by --policy-config)`);
    });

    it("rejects a timeout that is not a whole number of seconds from 1 to 3600", () => {
        assert.throws(
            () => parseGateArgs(["--timeout", "0.5"], cwd),
            /'--timeout' must be a whole number of seconds from 1 to 3600, '0.5' given/,
        );
    });

    it("rejects a format it cannot write, naming the allowed ones", () => {
        assert.throws(() => parseGateArgs(["--format", "xml"], cwd), /'--format' must be one of text, json, sarif, 'xml' given/);
    });

    it("takes --verbose as a switch without a value", () => {
        const options = parseGateArgs(["--verbose", "--stack", "prod"], cwd);

        assert.deepStrictEqual([options.verbose, options.stack], [true, "prod"]);
    });

    it("accepts --flag=value and resolves paths against the working directory", () => {
        const options = parseGateArgs(["--program=infra", "--policy-pack", "packs/p", "--policy-config=c.json"], cwd);

        assert.deepStrictEqual(
            [options.programDir, options.policyPackDir, options.policyConfigFile],
            [path.join(cwd, "infra"), path.join(cwd, "packs/p"), path.join(cwd, "c.json")],
        );
    });

    it("rejects an unknown flag, naming it and the allowed ones", () => {
        assert.throws(
            () => parseGateArgs(["--stak", "dev"], cwd),
            (err: Error) =>
                err instanceof GateUsageError && err.message.startsWith("unknown argument '--stak'; allowed: --program, --stack"),
        );
    });

    it("rejects a flag without a value", () => {
        assert.throws(() => parseGateArgs(["--stack"], cwd), /'--stack' needs a value, none given/);
    });

    it("rejects a stack name with characters a stack name cannot have", () => {
        assert.throws(() => parseGateArgs(["--stack", "dev stack"], cwd), /'--stack' must be a stack name .*'dev stack' given/);
    });

    it("asks for the usage on --help", () => {
        assert.throws(() => parseGateArgs(["--help"], cwd), HelpRequestedError);
    });
});
