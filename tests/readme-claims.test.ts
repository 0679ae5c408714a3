// A claim in README is a promise to an on-call human, and each guarantee names the test that
// proves it. This test holds README to that: every test file it cites exists, every test title it
// quotes is the title of an it() or describe() in the file it points at, and every row of a
// guarantee table names a test or says plainly that it is not guaranteed. How README cites tests
// (the convention) is written at the top of tests/helpers/readme-citations.ts.
import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import { citationProblems, CitationProblem, citedPattern, citesTitle, readmeCitations, testTitlesOf } from "./helpers/readme-citations";

const repository = join(__dirname, "..");

/** Every test file of the repository (tests/**\/*.test.ts, fixtures included), as posix paths. */
function repositoryTestFiles(): string[] {
    const files: string[] = [];
    const walk = (directory: string) => {
        for (const entry of readdirSync(directory, { withFileTypes: true })) {
            const path = join(directory, entry.name);
            if (entry.isDirectory() && entry.name !== "node_modules") {
                walk(path);
            } else if (entry.isFile() && entry.name.endsWith(".test.ts")) {
                files.push(relative(repository, path).split(sep).join(posix.sep));
            }
        }
    };
    walk(join(repository, "tests"));
    return files.sort();
}

function show(problems: readonly CitationProblem[]): string {
    return problems.map((problem) => `README.md:${problem.line}: ${problem.message}`).join("\n");
}

/** Checks a README text against test sources held in memory. */
function problemsOf(markdown: string, sources: Readonly<Record<string, string>>): CitationProblem[] {
    const files = Object.keys(sources);
    return citationProblems(readmeCitations(markdown, files), files, (path) => sources[path] ?? "");
}

describe("README's test citations (each claim names the test that proves it)", () => {
    const testFiles = repositoryTestFiles();
    const citations = readmeCitations(readFileSync(join(repository, "README.md"), "utf8"), testFiles);
    const problems = citationProblems(citations, testFiles, (path) => readFileSync(join(repository, path), "utf8"));

    it("cites only test files that exist", () => {
        const missing = problems.filter((problem) => problem.message.startsWith("cites "));

        assert.equal(missing.length, 0, show(missing));
    });

    it("quotes only test titles that an it() or describe() of the cited file has", () => {
        const unmatched = problems.filter((problem) => problem.message.startsWith("quotes "));

        assert.equal(unmatched.length, 0, show(unmatched));
    });

    it("names a proving test in every row of a guarantee table, or says plainly that the row is not guaranteed", () => {
        const unproved = problems.filter((problem) => problem.message.startsWith("the guarantee "));

        assert.ok(citations.guaranteeRows.length > 0, "README has no guarantee table (a table with a guarantee column and a test column)");
        assert.equal(unproved.length, 0, show(unproved));
    });

    it("closes every quotation within its paragraph, so no citation is misread", () => {
        assert.equal(citations.problems.length, 0, show(citations.problems));
    });
});

describe("README citation reader", () => {
    const soak = `describe("soak", () => {\n    it("pages every valid escalation once, posts once, with every fault class mixed in", () => {});\n});\n`;

    it("finds a title quoted after the file that holds it, and reports one that file lacks", () => {
        const sources = { "tests/local/soak.test.ts": soak };

        const found = problemsOf(
            `\`tests/local/soak.test.ts\` "pages every valid escalation once, posts once, with every fault class mixed in"\n`,
            sources,
        );
        const renamed = problemsOf(`\`tests/local/soak.test.ts\` "pages every escalation once"\n`, sources);

        assert.deepEqual(found, []);
        assert.deepEqual(
            renamed.map((problem) => problem.message),
            [`quotes "pages every escalation once" as a test, but no it() or describe() title of tests/local/soak.test.ts matches it`],
        );
    });

    it('reads "..." in a quoted title as any text: a prefix, an infix, never a shorter whole title', () => {
        const test = testTitlesOf(soak, "soak.test.ts")[1];

        assert.equal(citesTitle("pages every valid escalation once, ...", test), true);
        assert.equal(citesTitle("pages every valid escalation once, ... with every fault class mixed in", test), true);
        assert.equal(citesTitle("... with every fault class mixed in", test), true);
        assert.equal(citesTitle("pages every valid escalation once", test), false);
        assert.equal(citesTitle("pages every valid escalation twice, ...", test), false);
        assert.deepEqual(citedPattern("a ... b").length, 3);
    });

    it("looks a title with a parenthesised file after it up in that file, not in the one before it", () => {
        const sources = {
            "tests/handlers/delivery-faults.test.ts": `it("keeps the escalation id on a resend", () => {});`,
            "tests/handlers/escalation-consumer.test.ts": `it("pages once when delivered twice", () => {});`,
        };

        const right = problemsOf(
            `\`tests/handlers/delivery-faults.test.ts\` "keeps the escalation id on a resend"; "pages once when delivered twice" (\`escalation-consumer.test.ts\`)\n`,
            sources,
        );
        const wrong = problemsOf(
            `\`tests/handlers/delivery-faults.test.ts\` "keeps the escalation id on a resend"; "pages once when delivered twice" (\`delivery-faults.test.ts\`)\n`,
            sources,
        );

        assert.deepEqual(right, []);
        assert.equal(wrong.length, 1);
        assert.match(wrong[0].message, /"pages once when delivered twice" .* tests\/handlers\/delivery-faults\.test\.ts/);
    });

    it("takes quoted prose for prose: a quotation not placed as a citation is not checked", () => {
        const problems = problemsOf(
            `Messages say "must", and a Slack refusal is dead-lettered as "paged; Slack failed" (see \`tests/x.test.ts\`).\n`,
            { "tests/x.test.ts": "" },
        );

        assert.deepEqual(problems, []);
    });

    it('counts a quotation after "Proved by", in its own parentheses, or before "fails" as a citation', () => {
        const text = [`Proved by "alpha".`, ``, `It holds ("beta").`, ``, `The day comes, and "gamma" fails naming what to move.`].join(
            "\n",
        );

        const problems = problemsOf(text, { "tests/a.test.ts": `it("delta", () => {});` });

        assert.deepEqual(
            problems.map((problem) => [problem.line, problem.message]),
            [
                [1, `quotes "alpha" as a test, but no it() or describe() title of any test file matches it`],
                [3, `quotes "beta" as a test, but no it() or describe() title of any test file matches it`],
                [5, `quotes "gamma" as a test, but no it() or describe() title of any test file matches it`],
            ],
        );
    });

    it("reports a cited test file that does not exist, and a bare name that exists in two directories", () => {
        const sources = {
            "tests/pipeline/message-size.test.ts": "",
            "tests/handlers/message-size.test.ts": "",
            "tests/handlers/producer.test.ts": "",
        };

        const problems = problemsOf(
            [
                "Tests: `tests/local/gone.test.ts`.",
                "",
                "Also `message-size.test.ts`.",
                "",
                "Resolved by the paragraph's directory: `tests/handlers/producer.test.ts`, `message-size.test.ts`.",
            ].join("\n"),
            sources,
        );

        assert.deepEqual(
            problems.map((problem) => [problem.line, problem.message]),
            [
                [1, "cites tests/local/gone.test.ts: no such test file"],
                [
                    3,
                    "cites message-size.test.ts: ambiguous: tests/handlers/message-size.test.ts, tests/pipeline/message-size.test.ts; write its full path",
                ],
            ],
        );
    });

    it("matches a title built from a template or from table rows, but never one that is generated whole", () => {
        const source = [
            `describe("delivery", () => {`,
            `    for (const status of [500, 503]) { it(\`treats HTTP \${status} as transient\`, () => {}); }`,
            `    for (const { title } of [{ title: "names the missing stack config file" }]) { it(title, () => {}); }`,
            `    for (const row of rows) { it(titleOf(row), () => {}); }`,
            `});`,
        ].join("\n");
        const titles = testTitlesOf(source, "delivery.test.ts");
        const cites = (quoted: string) => titles.some((test) => citesTitle(quoted, test));

        assert.equal(cites("treats HTTP 503 as transient"), true);
        assert.equal(cites("treats HTTP ... as transient"), true);
        assert.equal(cites("names the missing stack config file"), true);
        assert.equal(cites("delivery"), true);
        assert.equal(cites("anything at all"), false);
    });

    it("lets no substitution of a template swallow a whole quoted stretch", () => {
        const [template] = testTitlesOf(`it(\`\${program}: exits 1 naming only \${rule}\`, () => {});`, "rules.test.ts");

        assert.equal(citesTitle("compliant: exits 1 naming only sqs-queue-has-dlq", template), true);
        assert.equal(citesTitle("compliant: exits 1 ...", template), true);
        assert.equal(citesTitle("delivers a second escalation of the same call: ...", template), false);
    });

    it('looks a title with no file of its own up in the file its section names "unless another file is named"', () => {
        const sources = {
            "tests/handlers/delivery-faults.test.ts": `it("pages once", () => {});`,
            "tests/handlers/escalation-consumer.test.ts": `it("posts once", () => {});`,
        };
        const section = (quoted: string) =>
            [
                "### Guarantees",
                "",
                "Each proved by the named test (`tests/handlers/delivery-faults.test.ts` unless another file is named).",
                "",
                "| guarantee | test |",
                "| --- | --- |",
                `| once | ${quoted}; "posts once" (\`escalation-consumer.test.ts\`) |`,
            ].join("\n");

        const right = problemsOf(section(`"pages once"`), sources);
        const elsewhere = problemsOf(section(`"posts once"`), sources);

        assert.deepEqual(right, []);
        assert.equal(elsewhere.length, 1);
        assert.match(elsewhere[0].message, /"posts once" .* tests\/handlers\/delivery-faults\.test\.ts \(its section's file/);
    });

    it("reports a guarantee row that names no test, unless it says plainly it is not guaranteed", () => {
        const table = [
            "| guarantee | test |",
            "| --- | --- |",
            `| pages once | "pages once" |`,
            "| survives a busy machine | |",
            "| survives a region outage | not guaranteed: no test |",
        ].join("\n");

        const problems = problemsOf(`${table}\n`, { "tests/a.test.ts": `it("pages once", () => {});` });

        assert.deepEqual(
            problems.map((problem) => [problem.line, problem.message]),
            [[4, `the guarantee "survives a busy machine" names no test, and does not say it is not guaranteed or untested`]],
        );
    });

    it("reports a quotation that never closes", () => {
        const problems = problemsOf(`Proved by "alpha, and then nothing.\n`, {});

        assert.deepEqual(
            problems.map((problem) => problem.line),
            [1],
        );
        assert.match(problems[0].message, /a quotation opens and never closes/);
    });
});
