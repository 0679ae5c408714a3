import * as assert from "assert";
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

    it("defaults to the current directory, stack dev and the pack in ./policy", () => {
        const options = parseGateArgs([], cwd);

        assert.deepStrictEqual(options, { programDir: cwd, stack: "dev", policyPackDir: path.join(cwd, "policy"), policyConfigFile: undefined });
    });

    it("uses <pack>/config/<stack>.json when it exists and no config is named", () => {
        fs.mkdirSync(path.join(cwd, "policy", "config"), { recursive: true });
        fs.writeFileSync(path.join(cwd, "policy", "config", "prod.json"), "{}");

        const options = parseGateArgs(["--stack", "prod"], cwd);

        assert.strictEqual(options.policyConfigFile, path.join(cwd, "policy", "config", "prod.json"));
    });

    it("accepts --flag=value and resolves paths against the working directory", () => {
        const options = parseGateArgs(["--program=infra", "--policy-pack", "packs/p", "--policy-config=c.json"], cwd);

        assert.deepStrictEqual(
            [options.programDir, options.policyPackDir, options.policyConfigFile],
            [path.join(cwd, "infra"), path.join(cwd, "packs/p"), path.join(cwd, "c.json")],
        );
    });

    it("rejects an unknown flag, naming it and the allowed ones", () => {
        assert.throws(() => parseGateArgs(["--stak", "dev"], cwd), (err: Error) =>
            err instanceof GateUsageError && err.message.startsWith("unknown argument '--stak'; allowed: --program, --stack"));
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
