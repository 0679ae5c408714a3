/**
 * Issue 12, "config that is lost without a word": each bad stack file is refused with the same
 * message by the program (index.ts under Pulumi mocks, as `pulumi up` runs it), the offline gate
 * and `npm start` (its reader, readStackConfig), before anything is registered or started.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadProject } from "../../pipeline/project";
import { readStackConfigValues } from "../../pipeline/stack-config";
import { readStackConfig } from "../../local/stack-config";
import { fixturePacks, type GateRun, runGate } from "../gate/helpers/gate-process";
import { runWithMocks } from "../helpers/pulumi-mocks";
import { createStackProgram, REPOSITORY_ROOT, type StackProgram } from "./helpers/stack-program";

const PROGRAM = path.join(REPOSITORY_ROOT, "index.ts");
const REGION = "  aws:region: eu-west-1\n";

interface ConfigCase {
    readonly stack: string;
    readonly text: string;
    /** What every reader must say. */
    readonly says: RegExp;
    /** The program itself does not check the region: under `pulumi up` the provider may find one elsewhere. */
    readonly programToo: boolean;
}

const CASES: readonly ConfigCase[] = [
    {
        stack: "typo",
        text: `config:\n${REGION}  escalation-pipeline:pipline:\n    escalation:\n      batchSize: 5\n`,
        says: /'escalation-pipeline:pipline' is not a setting this program reads, did you mean 'escalation-pipeline:pipeline'\?/,
        programToo: true,
    },
    {
        stack: "bare",
        text: `config:\n${REGION}  pipeline:\n    escalation:\n      maxReceiveCount: 10\n`,
        says: /'pipeline\.escalation\.maxReceiveCount' must be an integer between 3 and 5, 10 given/,
        programToo: true,
    },
    {
        stack: "nan",
        text: `config:\n${REGION}  escalation-pipeline:pipeline:\n    escalation:\n      batchSize: .nan\n    toolCall:\n      batchSize: .inf\n`,
        says: /'pipeline\.escalation\.batchSize' must be an integer between 1 and 10000, "\.nan" given[\s\S]*'pipeline\.toolCall\.batchSize' must be an integer between 1 and 10, "\.inf" given/,
        programToo: true,
    },
    {
        stack: "prefix",
        text: `config:\n${REGION}  escalation-pipeline:namePrefix: Team_A\n`,
        says: /'namePrefix' must be/,
        programToo: true,
    },
    {
        stack: "empty",
        text: "",
        says: /stack 'empty' sets no 'aws:region' \(and AWS_REGION is not set\)/,
        programToo: false,
    },
];

describe("one config reader: the program, the gate and npm start refuse the same stack files alike", function () {
    this.timeout(300_000);
    let program: StackProgram;
    let gateRuns: Map<string, Promise<GateRun>>;

    before(() => {
        program = createStackProgram();
        CASES.forEach((configCase) => program.writeStack(configCase.stack, configCase.text));
        // Every gate run starts up front; the pool overlaps them.
        gateRuns = new Map(
            CASES.map((configCase) => [
                configCase.stack,
                runGate(["--program", program.directory, "--stack", configCase.stack, "--policy-pack", path.join(fixturePacks, "mini")]),
            ]),
        );
    });
    after(async () => {
        await Promise.allSettled(gateRuns.values());
        program.remove();
    });

    for (const configCase of CASES) {
        if (configCase.programToo) {
            it(`program (index.ts under mocks), stack '${configCase.stack}': refused before any resource, naming the cause`, async () => {
                // Prepare
                const { values } = readStackConfigValues(
                    "escalation-pipeline",
                    loadProject(program.directory).config,
                    path.join(program.directory, `Pulumi.${configCase.stack}.yaml`),
                );
                let thrown: unknown;

                // Act
                const { stack } = await runWithMocks(
                    () => {
                        try {
                            delete require.cache[require.resolve(PROGRAM)];
                            // eslint-disable-next-line @typescript-eslint/no-require-imports
                            return require(PROGRAM) as Record<string, pulumi.Output<string>>;
                        } catch (error) {
                            thrown = error;
                            return undefined;
                        }
                    },
                    { stack: configCase.stack, config: values },
                );

                // Assess
                assert.deepEqual([stack.resources.length, (thrown as Error | undefined)?.name], [0, "PipelineConfigError"]);
                assert.match((thrown as Error).message, configCase.says);
            });
        }

        it(`gate, stack '${configCase.stack}': exit 2 with the cause, said once`, async () => {
            // Act
            const run = await gateRuns.get(configCase.stack)!;

            // Assess
            const errorLines = run.stderr.split("\n").filter((line) => line.startsWith("error:"));
            assert.equal(run.code, 2, run.stderr);
            assert.equal(errorLines.length, 1, run.stderr);
            assert.match(run.stderr, configCase.says);
        });

        it(`npm start's reader, stack '${configCase.stack}': refused with the same message, nothing started`, () => {
            // Act
            const read = () => readStackConfig({ stack: configCase.stack, programDir: program.directory, env: {} });

            // Assess
            assert.throws(
                read,
                (error: Error) => ["PipelineConfigError", "StackConfigError"].includes(error.name) && configCase.says.test(error.message),
            );
        });
    }
});
