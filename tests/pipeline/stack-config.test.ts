/**
 * The one stack-config reader (pipeline/stack-config.ts) on its own, with stack files in a
 * temporary directory: the readers the program, the gate and `npm start` share, so the mutation
 * scope `pipeline` covers them without starting a gate or an emulator
 * (tests/local/stack-config.test.ts and config-everywhere.test.ts test them end to end).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PipelineConfigError } from "../../pipeline/config-error";
import {
    configuredRegion,
    nearestKey,
    parseStackName,
    pipelineArgumentProblems,
    ProgramConfigKeys,
    qualifyKey,
    readProgramConfig,
    readStackConfigValues,
    readYamlMapping,
    requireRegion,
    SECRET_PLACEHOLDER,
    StackConfigError,
    stackFilePath,
    unreadProjectKeys,
} from "../../pipeline/stack-config";

const PROJECT = "proj";
const KNOWN_KEYS = Object.values(ProgramConfigKeys);

/** Asserts that `action` throws a StackConfigError whose message matches `message`. */
function assertStackConfigError(action: () => unknown, message: RegExp): void {
    assert.throws(action, (error: unknown) => {
        assert.ok(error instanceof StackConfigError, `expected a StackConfigError, got ${String(error)}`);
        assert.equal(error.name, "StackConfigError");
        assert.match(error.message, message);
        return true;
    });
}

describe("stack config reader: stack names", () => {
    it("accepts a bare stack name and returns it", () => {
        assert.equal(parseStackName("dev"), "dev");
    });

    it("returns the bare name of an org/project/stack name", () => {
        assert.equal(parseStackName("acme/escalation/prod"), "prod");
    });

    it("accepts dots, underscores and hyphens, and a name that only contains 'yaml'", () => {
        assert.equal(parseStackName("team_a.prod-1.yamlish"), "team_a.prod-1.yamlish");
    });

    it("rejects a name with more than two qualifiers", () => {
        assertStackConfigError(() => parseStackName("a/b/c/d"), /'--stack' must be a stack name .*'a\/b\/c\/d' given$/);
    });

    it("rejects a name with a space, wherever the valid part is", () => {
        assertStackConfigError(() => parseStackName("my stack"), /'my stack' given/);
    });

    it("rejects a file name, saying which stack name selects it", () => {
        assertStackConfigError(
            () => parseStackName("Pulumi.dev.yaml"),
            /must be a stack name of letters, digits, '_', '\.' or '-' \(optionally org\/project\/ first\), as pulumi uses it, 'Pulumi\.dev\.yaml' given; for Pulumi\.dev\.yaml pass '--stack dev'$/,
        );
    });

    it("gives the same hint for a .yml file in a directory, with the caller's flag", () => {
        assertStackConfigError(() => parseStackName("stacks/Pulumi.staging.yml", "--env"), /'--env' must be .*pass '--env staging'$/);
    });

    it("rejects a name ending in .yaml that names no Pulumi stack file, without a hint", () => {
        assertStackConfigError(() => parseStackName("dev.yaml"), /'dev\.yaml' given$/);
    });

    it("gives no hint for a name that only contains a stack file's name", () => {
        assertStackConfigError(() => parseStackName("xPulumi.dev.yaml"), /'xPulumi\.dev\.yaml' given$/);
        assertStackConfigError(() => parseStackName("Pulumi.dev.yaml~"), /'Pulumi\.dev\.yaml~' given$/);
    });

    it("names the file Pulumi reads for a stack", () => {
        assert.equal(stackFilePath("/program", "dev"), path.join("/program", "Pulumi.dev.yaml"));
    });
});

describe("stack config reader: files and values", () => {
    let directory: string;
    beforeEach(() => {
        directory = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
    });
    afterEach(() => {
        fs.rmSync(directory, { recursive: true, force: true });
    });

    /** Writes `text` as the stack file of `dev` and returns its path. */
    function stackFile(text: string): string {
        const file = stackFilePath(directory, "dev");
        fs.writeFileSync(file, text);
        return file;
    }

    function valuesOf(text: string, projectConfig: Record<string, unknown> = {}) {
        return readStackConfigValues(PROJECT, projectConfig, stackFile(text));
    }

    it("reads an empty YAML file as an empty mapping", () => {
        assert.deepEqual(readYamlMapping(stackFile(""), "stack config file"), {});
    });

    it("reads a YAML null document as an empty mapping", () => {
        assert.deepEqual(readYamlMapping(stackFile("~\n"), "stack config file"), {});
    });

    it("refuses a file that is not YAML, naming what it is and the file", () => {
        const file = stackFile("config: [unclosed\n");

        assertStackConfigError(
            () => readYamlMapping(file, "stack config file"),
            new RegExp(`^stack config file ${escape(file)} is not valid YAML: `),
        );
    });

    it("refuses a YAML list, saying it found a list", () => {
        const file = stackFile("- a\n- b\n");

        assertStackConfigError(
            () => readYamlMapping(file, "project file"),
            new RegExp(`^project file ${escape(file)} must hold a YAML mapping, found a list$`),
        );
    });

    it("refuses a YAML scalar, naming its type", () => {
        assertStackConfigError(() => readYamlMapping(stackFile("5\n"), "stack config file"), /must hold a YAML mapping, found number$/);
    });

    it("refuses a stack that has no file", () => {
        const missing = stackFilePath(directory, "absent");

        assertStackConfigError(() => readStackConfigValues(PROJECT, {}, missing), new RegExp(`^no stack config file ${escape(missing)}$`));
    });

    it("qualifies a bare key with the project and keeps a namespaced one", () => {
        assert.deepEqual([qualifyKey("pipeline", PROJECT), qualifyKey("aws:region", PROJECT)], ["proj:pipeline", "aws:region"]);
    });

    it("hands strings over as written and objects and numbers as JSON", () => {
        const { values } = valuesOf(
            "config:\n  aws:region: eu-west-1\n  pipeline:\n    escalation:\n      batchSize: 5\n  namePrefix: team\n  count: 7\n",
        );

        assert.deepEqual(values, {
            "aws:region": "eu-west-1",
            "proj:pipeline": '{"escalation":{"batchSize":5}}',
            "proj:namePrefix": "team",
            "proj:count": "7",
        });
    });

    it("keeps .nan and .inf as the text written, and other floats as numbers", () => {
        const { values } = valuesOf("config:\n  a: .nan\n  b: -.inf\n  c: 1.5\n");

        assert.deepEqual(values, { "proj:a": ".nan", "proj:b": "-.inf", "proj:c": "1.5" });
    });

    it("has no values, secrets or warnings for a file without config", () => {
        assert.deepEqual(valuesOf("encryptionsalt: abc\n"), { values: {}, secretKeys: [], warnings: [] });
    });

    it("refuses a config that is not a mapping, showing what was given", () => {
        assertStackConfigError(
            () => valuesOf("config:\n  - a\n"),
            /^'config' in .*Pulumi\.dev\.yaml must be a mapping of keys to values, \["a"\] given$/,
        );
    });

    it("replaces a secure value by the placeholder and lists its key as secret", () => {
        const result = valuesOf("config:\n  slackWebhookUrl:\n    secure: AAABAC==\n  aws:region: eu-west-1\n");

        assert.deepEqual([result.values["proj:slackWebhookUrl"], result.secretKeys], [SECRET_PLACEHOLDER, ["proj:slackWebhookUrl"]]);
    });

    it("replaces secure values inside objects and lists", () => {
        const result = valuesOf("config:\n  tags:\n    owner:\n      secure: AAA=\n  list:\n    - plain\n    - secure: BBB=\n");

        assert.deepEqual(result.values, {
            "proj:tags": JSON.stringify({ owner: SECRET_PLACEHOLDER }),
            "proj:list": JSON.stringify(["plain", SECRET_PLACEHOLDER]),
        });
        assert.deepEqual(result.secretKeys, ["proj:list", "proj:tags"]);
    });

    it("does not take a mapping with 'secure' beside other keys, or one other key, for a secret", () => {
        const result = valuesOf("config:\n  a:\n    secure: AAA=\n    other: 1\n  b:\n    insecure: x\n");

        assert.deepEqual(result.values, { "proj:a": '{"secure":"AAA=","other":1}', "proj:b": '{"insecure":"x"}' });
        assert.deepEqual(result.secretKeys, []);
    });

    it("keeps a null inside a value as JSON null", () => {
        const result = valuesOf("config:\n  tags:\n    owner: ~\n");

        assert.deepEqual(result.values, { "proj:tags": '{"owner":null}' });
    });

    it("names the stack file when it is not YAML", () => {
        assertStackConfigError(() => valuesOf("config: [unclosed\n"), /^stack config file .*Pulumi\.dev\.yaml is not valid YAML: /);
    });

    it("lists secret keys sorted", () => {
        const result = valuesOf("config:\n  zeta:\n    secure: A=\n  alpha:\n    secure: B=\n");

        assert.deepEqual(result.secretKeys, ["proj:alpha", "proj:zeta"]);
    });

    it("takes the project's defaults and lets the stack file win", () => {
        const result = valuesOf("config:\n  namePrefix: from-stack\n", { namePrefix: "from-project", tags: { owner: "team" } });

        assert.deepEqual(result.values, { "proj:namePrefix": "from-stack", "proj:tags": '{"owner":"team"}' });
    });

    it("reads a project schema entry's value, else its default", () => {
        const result = valuesOf("config: {}\n", {
            withValue: { type: "integer", value: 3, default: 5 },
            withDefault: { type: "integer", description: "d", default: 5 },
            withoutEither: { type: "string", secret: false },
        });

        assert.deepEqual(result.values, { "proj:withValue": "3", "proj:withDefault": "5" });
    });

    it("takes a project mapping with keys a schema does not have as a value", () => {
        const result = valuesOf("config: {}\n", { pipeline: { description: "d", escalation: { batchSize: 2 } } });

        assert.deepEqual(result.values, { "proj:pipeline": '{"description":"d","escalation":{"batchSize":2}}' });
    });

    it("keeps the project's value when the stack file leaves a key empty", () => {
        const result = valuesOf("config:\n  namePrefix:\n", { namePrefix: "from-project" });

        assert.deepEqual(result.values, { "proj:namePrefix": "from-project" });
    });

    it("makes a secret project default plain when the stack file sets the key in clear", () => {
        const result = valuesOf("config:\n  slackWebhookUrl: https://hooks.example.org/x\n", { slackWebhookUrl: { secure: "AAA=" } });

        assert.deepEqual(result.secretKeys, []);
    });

    it("keeps a project default secret when the stack file does not set the key", () => {
        const result = valuesOf("config: {}\n", { slackWebhookUrl: { secure: "AAA=" } });

        assert.deepEqual([result.values["proj:slackWebhookUrl"], result.secretKeys], [SECRET_PLACEHOLDER, ["proj:slackWebhookUrl"]]);
    });

    it("warns that ESC environments cannot be opened offline", () => {
        const result = valuesOf("environment:\n  - team/prod\nconfig: {}\n");

        assert.deepEqual(result.warnings.length, 1);
        assert.match(
            result.warnings[0]!,
            /Pulumi\.dev\.yaml imports Pulumi ESC environments; they cannot be opened offline, so their values are missing$/,
        );
    });
});

describe("stack config reader: region", () => {
    it("takes the stack's aws:region before the environment", () => {
        assert.equal(
            configuredRegion({ "aws:region": "eu-west-1" }, { AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "us-west-2" }),
            "eu-west-1",
        );
    });

    it("falls back to AWS_REGION, then AWS_DEFAULT_REGION", () => {
        assert.deepEqual(
            [
                configuredRegion({}, { AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "us-west-2" }),
                configuredRegion({}, { AWS_DEFAULT_REGION: "us-west-2" }),
            ],
            ["us-east-1", "us-west-2"],
        );
    });

    it("has no region when neither the stack nor the environment sets one", () => {
        assert.equal(configuredRegion({}, {}), undefined);
    });

    it("returns the region a stack requires", () => {
        assert.equal(requireRegion({}, "dev", { AWS_REGION: "eu-central-1" }), "eu-central-1");
    });

    it("refuses a stack without a region, naming the stack and how to set one", () => {
        assertStackConfigError(
            () => requireRegion({}, "dev", {}),
            /^stack 'dev' sets no 'aws:region' \(and AWS_REGION is not set\): every AWS resource needs one; set it with 'pulumi config set aws:region <region>' \(Pulumi\.dev\.yaml, config: aws:region\)$/,
        );
    });
});

describe("stack config reader: the program's keys", () => {
    it("suggests the nearest key the program reads, ignoring case", () => {
        assert.deepEqual(
            ["pipline", "NAMEPREFIX", "tag", "slackWebhook", "pagerdutyKey", "pipelines"].map((key) => nearestKey(key, KNOWN_KEYS)),
            ["pipeline", "namePrefix", "tags", "slackWebhookUrl", "pagerdutyRoutingKey", "pipeline"],
        );
    });

    it("measures the distance by single-character edits", () => {
        // "tagz" is one substitution from "tags" and from "tabs", one deletion from "tagzz".
        assert.deepEqual(
            [
                nearestKey("tagz", ["tagzzz", "tags"]),
                nearestKey("ab", ["xyz", "abc"]),
                nearestKey("abcd", ["abxd", "a"]),
                nearestKey("ba", ["ab", "bxa"]),
            ],
            ["tags", "abc", "abxd", "bxa"],
        );
    });

    it("reports every key of the project's namespace the program does not read, sorted, with the keys it reads", () => {
        const problems = unreadProjectKeys(
            { "proj:pipline": "{}", "proj:tag": "{}", "proj:pipeline": "{}", "aws:region": "x", "other:pipline": "x" },
            PROJECT,
        );

        assert.deepEqual(problems, [
            "'proj:pipline' is not a setting this program reads, did you mean 'proj:pipeline'? (it reads proj:pipeline, proj:namePrefix, proj:pagerdutyRoutingKey, proj:slackWebhookUrl, proj:tags)",
            "'proj:tag' is not a setting this program reads, did you mean 'proj:tags'? (it reads proj:pipeline, proj:namePrefix, proj:pagerdutyRoutingKey, proj:slackWebhookUrl, proj:tags)",
        ]);
    });

    it("sorts the unread keys whatever order the stack file gives them in", () => {
        const problems = unreadProjectKeys({ "proj:zzz": "1", "proj:aaa": "1" }, PROJECT);

        assert.deepEqual(
            problems.map((problem) => problem.split(" ")[0]),
            ["'proj:aaa'", "'proj:zzz'"],
        );
    });

    it("suggests a key by the part after the namespace only", () => {
        // "x" is nearest to "tags"; with the namespace "namePrefix:x" would be nearest to "namePrefix".
        const [problem] = unreadProjectKeys({ "namePrefix:x": "1" }, "namePrefix");

        assert.match(problem!, /did you mean 'namePrefix:tags'\?/);
    });

    it("does not take a key that only ends in the project's name for one of its namespace", () => {
        assert.deepEqual(unreadProjectKeys({ "x:proj:": "1" }, PROJECT), []);
    });

    it("reads the pipeline options, name prefix and tags", () => {
        const config = readProgramConfig(
            {
                "proj:pipeline": '{"escalation":{"batchSize":5}}',
                "proj:namePrefix": "team",
                "proj:tags": '{"owner":"ops"}',
                "aws:region": "x",
            },
            PROJECT,
        );

        assert.deepEqual(config, { options: { escalation: { batchSize: 5 } }, namePrefix: "team", tags: { owner: "ops" } });
    });

    it("reads nothing from a stack that sets none of the program's keys", () => {
        assert.deepEqual(readProgramConfig({ "aws:region": "x" }, PROJECT), { options: undefined, namePrefix: undefined, tags: undefined });
    });

    it("refuses pipeline options that are not JSON, showing the text", () => {
        assert.throws(
            () => readProgramConfig({ "proj:pipeline": "batchSize=5" }, PROJECT),
            (error: unknown) =>
                error instanceof PipelineConfigError && error.problems.join() === `'pipeline' must be an object, "batchSize=5" given`,
        );
    });

    for (const [what, tags] of [
        ["a list", '["a"]'],
        ["a mapping with a value that is no string", '{"owner":"ops","cost":5}'],
        ["a string", '"ops"'],
    ] as const) {
        it(`refuses tags that are ${what}`, () => {
            assert.throws(
                () => readProgramConfig({ "proj:tags": tags }, PROJECT),
                (error: unknown) =>
                    error instanceof PipelineConfigError &&
                    error.problems.join() === `'tags' must be a mapping of tag names to strings, ${tags} given`,
            );
        });
    }

    it("lists every problem at once: unread keys and malformed values", () => {
        assert.throws(
            () => readProgramConfig({ "proj:pipline": "{}", "proj:pipeline": "{", "proj:tags": "[]" }, PROJECT),
            (error: unknown) => error instanceof PipelineConfigError && error.problems.length === 3,
        );
    });

    it("reports the component's option problems and name-prefix problems together", () => {
        const problems = pipelineArgumentProblems({ escalation: { maxReceiveCount: 10 } }, "pipeline", "Team_A");

        assert.equal(problems[0], "'pipeline.escalation.maxReceiveCount' must be an integer between 3 and 5, 10 given");
        assert.match(problems[1]!, /^'namePrefix' must be/);
    });

    it("has no problems for valid arguments", () => {
        assert.deepEqual(pipelineArgumentProblems(undefined, "pipeline", "team-a"), []);
    });
});

/** `text` as a literal part of a regular expression. */
function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
