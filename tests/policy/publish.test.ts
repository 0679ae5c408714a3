// What `pulumi policy publish` needs from the pack, checked offline: a valid pack name, a semver
// version, an index.ts that only assembles, and a file list that ships every module the pack
// loads plus its config schema. The publish itself needs the Pulumi Cloud and is not run here.
import * as assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import * as ts from "typescript";
import { packConfigSchema } from "../../policy/config-schema";
import { policies } from "../../policy/policies";

const packDir = join(__dirname, "..", "..", "policy");

interface PackManifest {
    readonly name: string;
    readonly version: string;
    readonly main: string;
    readonly files?: readonly string[];
}

const manifest = JSON.parse(readFileSync(join(packDir, "package.json"), "utf8")) as PackManifest;

function sourceOf(path: string): ts.SourceFile {
    return ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true);
}

/** Every relative module index.ts loads, directly or through other modules, as paths in the pack. */
function packModules(): string[] {
    const seen = new Set<string>();
    const visit = (path: string) => {
        const key = relative(packDir, path);
        if (seen.has(key)) {
            return;
        }
        seen.add(key);
        for (const statement of sourceOf(path).statements) {
            if (
                ts.isImportDeclaration(statement) &&
                ts.isStringLiteral(statement.moduleSpecifier) &&
                statement.moduleSpecifier.text.startsWith(".")
            ) {
                visit(join(dirname(path), `${statement.moduleSpecifier.text}.ts`));
            }
        }
    };
    visit(join(packDir, manifest.main));
    return [...seen].sort();
}

/** npm's `files` entries as the patterns npm pack applies (a "*" matches within one directory). */
function shipped(path: string): boolean {
    return (manifest.files ?? []).some((pattern) => {
        const regex = new RegExp(
            `^${pattern
                .split("*")
                .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
                .join("[^/]*")}$`,
        );
        return regex.test(path);
    });
}

/** The pack name passed to `new PolicyPack(...)` in index.ts. */
function packName(index: ts.SourceFile): string | undefined {
    for (const statement of index.statements) {
        if (ts.isExpressionStatement(statement) && ts.isNewExpression(statement.expression)) {
            const [first] = statement.expression.arguments ?? [];
            return first !== undefined && ts.isStringLiteral(first) ? first.text : undefined;
        }
    }
    return undefined;
}

describe("policy pack is publishable (pulumi policy publish)", () => {
    it("has a pack name the Pulumi service accepts (letters, digits, '-', '_', '.'; at most 100)", () => {
        const name = packName(sourceOf(join(packDir, manifest.main)));

        assert.match(name ?? "", /^[A-Za-z0-9._-]{1,100}$/);
    });

    it("has a semver version in package.json (the version `pulumi policy enable` names)", () => {
        assert.match(manifest.version, /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);
    });

    it("has an index.ts that only assembles: imports and one new PolicyPack(...)", () => {
        const index = sourceOf(join(packDir, manifest.main));

        const kinds = index.statements.map((statement) => {
            if (ts.isImportDeclaration(statement)) {
                return "import";
            }
            const isPack =
                ts.isExpressionStatement(statement) &&
                ts.isNewExpression(statement.expression) &&
                statement.expression.expression.getText(index) === "PolicyPack";
            return isPack ? "new PolicyPack" : ts.SyntaxKind[statement.kind];
        });

        assert.deepEqual(
            kinds.filter((kind) => kind !== "import"),
            ["new PolicyPack"],
        );
    });

    it("ships every module the pack loads", () => {
        const missing = packModules().filter((path) => !shipped(path));

        assert.deepEqual(missing, []);
    });

    it("ships PulumiPolicy.yaml, the shipped configs and the config schema", () => {
        const required = ["PulumiPolicy.yaml", "config/dev.json", "config/prod.json", "config/schema.json"];

        const missing = required.filter((path) => !shipped(path) || !existsSync(join(packDir, path)));

        assert.deepEqual(missing, []);
    });

    it("ships a config schema equal to what the policies declare", () => {
        const committed: unknown = JSON.parse(readFileSync(join(packDir, "config", "schema.json"), "utf8"));

        assert.deepEqual(
            committed,
            JSON.parse(JSON.stringify(packConfigSchema(policies))),
            "policy/config/schema.json is stale: regenerate it with `npm run policy:schema`",
        );
    });
});
