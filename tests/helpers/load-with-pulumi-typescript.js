// Loads a Pulumi TypeScript program the way Pulumi's Node.js language host does (ts-node with type
// checking, the project's tsconfig.json, TypeScript from the project or the SDK's vendored copy),
// under mocks, and prints the names of its stack outputs as JSON. Plain JavaScript on purpose:
// it must run without tsx, so that only Pulumi's own loader compiles the program.
"use strict";
const path = require("node:path");

const programDir = path.resolve(process.argv[2]);
process.chdir(programDir);
const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] }));
const tsutils = require(path.join(sdk, "tsutils"));
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
// The same registration as @pulumi/pulumi/cmd/run/run.js.
require(tsnodeRequire).register({
    typeCheck: true,
    skipProject: false,
    compiler: typescriptRequire,
    compilerOptions: {
        target: "ES2020",
        module: "nodenext",
        moduleResolution: "nodenext",
        sourceMap: "true",
        ...tsutils.loadTypeScriptCompilerOptions("tsconfig.json"),
    },
});

const pulumi = require(sdk);
pulumi.runtime.setMocks(
    {
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
        call: () => ({ region: "eu-west-1", accountId: "123456789012", partition: "aws", dnsSuffix: "amazonaws.com" }),
    },
    path.basename(programDir),
    "dev",
    false,
);
const outputs = require(programDir);
// Last line: the output names (the program may log lines of its own before).
process.stdout.write(`\n${JSON.stringify(Object.keys(outputs).sort())}\n`);
