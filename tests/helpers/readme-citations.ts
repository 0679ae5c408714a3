// Reads README.md for the tests it cites, and the test sources for the titles they define, so a
// claim's proof can be checked: a claim in README is a promise to an on-call human, and the test
// it names must exist under the name it is given.
//
// The convention README follows (tests/readme-claims.test.ts enforces it):
//
// - A test file is cited by its path, `tests/<area>/<name>.test.ts`, or by its bare name,
//   `<name>.test.ts`, in a code span or in plain text. A bare name is the file of that name in the
//   directory of the last full path of the same paragraph, list item or table cell, or else the
//   only file of that name under tests/.
// - A test is cited by its title in double quotes: the title of an `it(...)` or a `describe(...)`.
//   "..." (or "…") stands for any text, the spaces around it included, so "pages every valid
//   escalation once, ..." is a prefix and "a ... b" an infix pattern; a quote without it is the
//   whole title. A title built from table rows or a template (`treats HTTP ${status} as
//   transient`) matches what it can produce; one that is generated entirely (`it(titleOf(row))`)
//   cannot be cited: cite its `describe` instead.
// - A double-quoted text is a test citation, not prose, when:
//   (1) it stands in the test column of a guarantee table (a table with a "guarantee" column and a
//       column whose header starts with "test");
//   (2) it directly follows a cited test file or another cited title, separated only by spaces,
//       ",", ";", ":", "(", "and" or "or": `tests/x.test.ts` "title", "another" and "a third";
//   (3) it follows "Proved by", "proved in", "Tests:", "the test" or "test";
//   (4) it is followed by "fails" or "passes" ("title" fails naming what to move);
//   (5) it opens a parenthesis that it closes or continues with "," or ";": ("title"), ("title", ...);
//   (6) it is followed by the file it is in, in parentheses: "title" (`tests/x.test.ts`), or
//       ("title", `x.test.ts`).
// - The file a cited title is looked up in: the file after it, as in (6); else the file that
//   starts its run in (2); else, with no file of its own, the file its section (from one heading
//   to the next) names as its default ("`tests/x.test.ts` unless another file is named"), else any
//   file its section cites, or any test file when its section cites none.
// - Every row of a guarantee table quotes at least one test title, or says plainly that what it
//   states is "not guaranteed", "untested" or "not tested".
import { posix } from "node:path";
import * as ts from "typescript";

/** Something README says about its tests that the test sources do not bear out, with its line. */
export interface CitationProblem {
    readonly line: number;
    readonly message: string;
}

/** A test file README names. */
export interface FileCitation {
    readonly line: number;
    /** As README writes it. */
    readonly written: string;
    /** The file under the repository it names (posix, relative), undefined when none exists. */
    readonly path: string | undefined;
    /** Why it names no file, when it names none. */
    readonly unresolved?: string;
}

/** A test title README quotes, and where the reader is told to find it. */
export interface TitleCitation {
    readonly line: number;
    readonly title: string;
    /**
     * `named`: the file README gives it; `default`: its section's default file ("unless another
     * file is named"); `section`: the files its section cites; `anywhere`: any test file.
     */
    readonly scope: "named" | "default" | "section" | "anywhere";
    /** The files the title must be in (one of them); empty for `anywhere`, resolved by the checker. */
    readonly files: readonly string[];
}

/** A row of a guarantee table. */
export interface GuaranteeRow {
    readonly line: number;
    readonly guarantee: string;
    readonly citedTitles: number;
    readonly saysUntested: boolean;
}

export interface ReadmeCitations {
    readonly files: readonly FileCitation[];
    readonly titles: readonly TitleCitation[];
    readonly guaranteeRows: readonly GuaranteeRow[];
    /** Text the reader cannot take apart: a quotation left open. */
    readonly problems: readonly CitationProblem[];
}

/** Stands for any text in a title pattern: README's "...", or a template's substitution. */
export const ANY = Symbol("any text");
export type TitleSegment = string | typeof ANY;

/** A title an `it`/`describe` call defines, as the patterns of text it can have. */
export interface TestTitle {
    readonly kind: string;
    readonly line: number;
    readonly patterns: readonly (readonly TitleSegment[])[];
}

/** A paragraph, list item or table cell, its lines joined with single spaces. */
interface Block {
    readonly text: string;
    /** Offset in `text` where each source line starts, and that line's number. */
    readonly lineStarts: readonly { readonly offset: number; readonly line: number }[];
    readonly section: number;
    readonly guaranteeTestCell: boolean;
}

type Token =
    | { readonly kind: "file"; readonly start: number; readonly end: number; readonly written: string }
    | { readonly kind: "quote"; readonly start: number; readonly end: number; readonly text: string };

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^#{1,6}\s/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+\.)\s/;
const TABLE_SEPARATOR = /^\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*$/;
/** A test file path or bare name; `*` is not in it, so globs such as tests/**\/*.test.ts are not citations. */
const TEST_FILE = /(?<![\w./-])((?:[\w.-]+\/)*[\w.-]+\.test\.ts)(?![\w/])/g;
/** What may stand between the members of a run of citations (rule 2); "`" closes a code span. */
const JOINER = /^(?:\s|[,;:(`]|\band\b|\bor\b)*$/;
/** Words that announce a citation (rule 3). */
const CUE = /(?:\bproved (?:by|in)|\btests?:?|\bthe tests?)\s*$/i;
/** Words that make the quote before them a test's verdict (rule 4). */
const VERDICT = /^\s*(?:fails|passes)\b/;
/** What makes the file just cited the default of its section (a title with no file of its own is in it). */
const DEFAULT_FILE = /^`?\s*unless another file is named/;
/** What a guarantee row says when nothing proves it. */
const UNTESTED = /\bnot guaranteed\b|\buntested\b|\bnot tested\b/i;

function lineOf(block: Block, offset: number): number {
    let line = block.lineStarts[0].line;
    for (const start of block.lineStarts) {
        if (start.offset <= offset) {
            line = start.line;
        }
    }
    return line;
}

/** Splits a table line into cells on unescaped "|" (as GitHub does, also inside code spans). */
function cellsOf(row: string): string[] {
    const cells: string[] = [];
    let current = "";
    const body = row.trim().replace(/^\|/, "").replace(/\|$/, "");
    for (let i = 0; i < body.length; i += 1) {
        if (body[i] === "\\" && body[i + 1] === "|") {
            current += "|";
            i += 1;
        } else if (body[i] === "|") {
            cells.push(current.trim());
            current = "";
        } else {
            current += body[i];
        }
    }
    cells.push(current.trim());
    return cells;
}

interface Table {
    readonly header: readonly string[];
    readonly testColumn: number | undefined;
    readonly guaranteeColumn: number | undefined;
}

function tableOf(header: readonly string[]): Table {
    const guaranteeColumn = header.findIndex((cell) => /^guarantee/i.test(cell));
    const testColumn = header.findIndex((cell) => /^tests?\b/i.test(cell));
    const isGuaranteeTable = guaranteeColumn >= 0 && testColumn >= 0;
    return {
        header,
        testColumn: isGuaranteeTable ? testColumn : undefined,
        guaranteeColumn: isGuaranteeTable ? guaranteeColumn : undefined,
    };
}

/** README's prose as blocks (fenced code and headings left out), and its guarantee-table rows. */
function blocksOf(markdown: string): { blocks: Block[]; rows: { line: number; guarantee: string; testCell: Block }[] } {
    const blocks: Block[] = [];
    const rows: { line: number; guarantee: string; testCell: Block }[] = [];
    const lines = markdown.split(/\r?\n/);
    let fenced = false;
    let section = 0;
    let table: Table | undefined;
    let current: { text: string; lineStarts: { offset: number; line: number }[] } | undefined;
    const flush = () => {
        if (current !== undefined) {
            blocks.push({ ...current, section, guaranteeTestCell: false });
            current = undefined;
        }
    };
    lines.forEach((raw, index) => {
        const line = index + 1;
        if (FENCE.test(raw)) {
            flush();
            table = undefined;
            fenced = !fenced;
            return;
        }
        if (fenced) {
            return;
        }
        if (raw.trimStart().startsWith("|")) {
            flush();
            if (TABLE_SEPARATOR.test(raw.trim())) {
                return;
            }
            const cells = cellsOf(raw);
            if (table === undefined) {
                table = tableOf(cells);
                return;
            }
            cells.forEach((cell, column) => {
                const block: Block = {
                    text: cell,
                    lineStarts: [{ offset: 0, line }],
                    section,
                    guaranteeTestCell: column === table?.testColumn,
                };
                blocks.push(block);
                if (block.guaranteeTestCell) {
                    rows.push({ line, guarantee: cells[table?.guaranteeColumn ?? 0] ?? "", testCell: block });
                }
            });
            return;
        }
        table = undefined;
        if (HEADING.test(raw)) {
            flush();
            section += 1;
            return;
        }
        if (raw.trim() === "") {
            flush();
            return;
        }
        if (LIST_ITEM.test(raw)) {
            flush();
        }
        const text = raw.trim();
        if (current === undefined) {
            current = { text, lineStarts: [{ offset: 0, line }] };
        } else {
            current.lineStarts.push({ offset: current.text.length + 1, line });
            current.text += ` ${text}`;
        }
    });
    flush();
    return { blocks, rows };
}

/** Test files named in a stretch of text outside quotes. */
function fileTokensIn(text: string, offset: number): Token[] {
    return [...text.matchAll(TEST_FILE)].map((match) => ({
        kind: "file" as const,
        start: offset + (match.index ?? 0),
        end: offset + (match.index ?? 0) + match[1].length,
        written: match[1],
    }));
}

/**
 * The block's file citations and quotations in order. A `"` inside a code span neither opens nor
 * closes a quotation; a code span inside a quotation belongs to it.
 */
function tokensOf(block: Block, problems: CitationProblem[]): Token[] {
    const tokens: Token[] = [];
    const text = block.text;
    let plainStart = 0;
    let quoteStart: number | undefined;
    let i = 0;
    while (i < text.length) {
        if (text[i] === "`") {
            const run = /^`+/.exec(text.slice(i))?.[0] ?? "`";
            const close = text.indexOf(run, i + run.length);
            const end = close < 0 ? text.length : close + run.length;
            i = end;
            continue;
        }
        if (text[i] === '"') {
            if (quoteStart === undefined) {
                tokens.push(...fileTokensIn(text.slice(plainStart, i), plainStart));
                quoteStart = i;
            } else {
                tokens.push({ kind: "quote", start: quoteStart, end: i + 1, text: text.slice(quoteStart + 1, i) });
                quoteStart = undefined;
                plainStart = i + 1;
            }
        }
        i += 1;
    }
    if (quoteStart !== undefined) {
        problems.push({
            line: lineOf(block, quoteStart),
            message: `a quotation opens and never closes: ${text.slice(quoteStart, quoteStart + 60)}`,
        });
    } else {
        tokens.push(...fileTokensIn(text.slice(plainStart), plainStart));
    }
    return tokens;
}

function resolveFile(
    written: string,
    contextDirectory: string | undefined,
    testFiles: readonly string[],
): { path: string | undefined; unresolved?: string } {
    if (written.includes("/")) {
        const path = posix.normalize(written);
        return testFiles.includes(path) ? { path } : { path: undefined, unresolved: "no such test file" };
    }
    const candidates = testFiles.filter((file) => posix.basename(file) === written).sort();
    if (candidates.length === 1) {
        return { path: candidates[0] };
    }
    const inContext = candidates.find((file) => posix.dirname(file) === contextDirectory);
    if (inContext !== undefined) {
        return { path: inContext };
    }
    return candidates.length === 0
        ? { path: undefined, unresolved: "no test file of that name under tests/" }
        : { path: undefined, unresolved: `ambiguous: ${candidates.join(", ")}; write its full path` };
}

/**
 * Every test file and test title README cites, each title with the files it must be in.
 * `testFiles` are the repository's test files as posix paths relative to the repository.
 */
export function readmeCitations(markdown: string, testFiles: readonly string[]): ReadmeCitations {
    const problems: CitationProblem[] = [];
    const { blocks, rows } = blocksOf(markdown);
    const files: FileCitation[] = [];
    const sectionFiles = new Map<number, Set<string>>();
    const sectionDefaults = new Map<number, string>();
    const pending: { line: number; title: string; named: string | undefined; section: number }[] = [];
    const titlesPerCell = new Map<Block, number>();

    for (const block of blocks) {
        const tokens = tokensOf(block, problems);
        const resolved = new Map<Token, string | undefined>();
        let contextDirectory: string | undefined;
        for (const token of tokens) {
            if (token.kind !== "file") {
                continue;
            }
            const { path, unresolved } = resolveFile(token.written, contextDirectory, testFiles);
            if (token.written.includes("/")) {
                contextDirectory = posix.dirname(posix.normalize(token.written));
            }
            resolved.set(token, path);
            files.push({
                line: lineOf(block, token.start),
                written: token.written,
                path,
                ...(unresolved === undefined ? {} : { unresolved }),
            });
            if (DEFAULT_FILE.test(block.text.slice(token.end))) {
                sectionDefaults.set(block.section, path ?? token.written);
            }
            if (path !== undefined) {
                const set = sectionFiles.get(block.section) ?? new Set<string>();
                set.add(path);
                sectionFiles.set(block.section, set);
            }
        }

        // The file that starts the current run of citations (rule 2), and whether a run is open.
        let runOpen = false;
        let runFile: string | undefined;
        let previousEnd = 0;
        tokens.forEach((token, index) => {
            const gap = block.text.slice(previousEnd, token.start);
            previousEnd = token.end;
            if (token.kind === "file") {
                runOpen = true;
                runFile = resolved.get(token) ?? token.written;
                return;
            }
            const next = tokens[index + 1];
            const after = block.text.slice(token.end, next?.start ?? block.text.length);
            const opensParenthesis = gap.endsWith("(");
            const fileAfter = next?.kind === "file" && (/^\s*\(`?$/.test(after) || (opensParenthesis && /^\s*[,;]\s*`?$/.test(after)));
            const inRun = runOpen && JOINER.test(gap);
            const cited =
                block.guaranteeTestCell ||
                inRun ||
                CUE.test(gap) ||
                VERDICT.test(after) ||
                (opensParenthesis && /^\s*[),;]/.test(after)) ||
                fileAfter;
            if (!cited) {
                runOpen = false;
                runFile = undefined;
                return;
            }
            const named = fileAfter && next.kind === "file" ? (resolved.get(next) ?? next.written) : inRun ? runFile : undefined;
            pending.push({ line: lineOf(block, token.start), title: token.text, named, section: block.section });
            titlesPerCell.set(block, (titlesPerCell.get(block) ?? 0) + 1);
            if (!inRun) {
                runFile = undefined;
            }
            runOpen = true;
        });
    }

    const titles: TitleCitation[] = pending.map(({ line, title, named, section }) => {
        if (named !== undefined) {
            return { line, title, scope: "named", files: [named] };
        }
        const sectionDefault = sectionDefaults.get(section);
        if (sectionDefault !== undefined) {
            return { line, title, scope: "default", files: [sectionDefault] };
        }
        const inSection = [...(sectionFiles.get(section) ?? [])];
        return inSection.length > 0 ? { line, title, scope: "section", files: inSection } : { line, title, scope: "anywhere", files: [] };
    });
    const guaranteeRows: GuaranteeRow[] = rows.map(({ line, guarantee, testCell }) => ({
        line,
        guarantee,
        citedTitles: titlesPerCell.get(testCell) ?? 0,
        saysUntested: UNTESTED.test(testCell.text),
    }));
    return { files, titles, guaranteeRows, problems };
}

const MAX_ALTERNATIVES = 256;

function concat(left: readonly (readonly TitleSegment[])[], right: readonly (readonly TitleSegment[])[]): TitleSegment[][] {
    const out: TitleSegment[][] = [];
    for (const a of left) {
        for (const b of right) {
            if (out.length < MAX_ALTERNATIVES) {
                out.push([...a, ...b]);
            }
        }
    }
    return out;
}

/** String values a name takes in the file: `name: "..."` in object literals (table rows) and `const name = "..."`. */
function literalValuesOf(name: string, file: ts.SourceFile): string[] {
    const values: string[] = [];
    const visit = (node: ts.Node) => {
        if (
            ts.isPropertyAssignment(node) &&
            (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) &&
            node.name.text === name &&
            ts.isStringLiteralLike(node.initializer)
        ) {
            values.push(node.initializer.text);
        }
        if (
            ts.isVariableDeclaration(node) &&
            ts.isIdentifier(node.name) &&
            node.name.text === name &&
            node.initializer !== undefined &&
            ts.isStringLiteralLike(node.initializer)
        ) {
            values.push(node.initializer.text);
        }
        ts.forEachChild(node, visit);
    };
    visit(file);
    return values;
}

/** The texts a title expression can produce; what cannot be read statically is ANY. */
function patternsOf(expression: ts.Expression, file: ts.SourceFile, asSubstitution: boolean): TitleSegment[][] {
    if (ts.isStringLiteralLike(expression)) {
        return [[expression.text]];
    }
    if (ts.isParenthesizedExpression(expression)) {
        return patternsOf(expression.expression, file, asSubstitution);
    }
    if (ts.isTemplateExpression(expression)) {
        let patterns: TitleSegment[][] = [[expression.head.text]];
        for (const span of expression.templateSpans) {
            patterns = concat(concat(patterns, patternsOf(span.expression, file, true)), [[span.literal.text]]);
        }
        return patterns;
    }
    if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        return concat(patternsOf(expression.left, file, asSubstitution), patternsOf(expression.right, file, asSubstitution));
    }
    if (ts.isConditionalExpression(expression)) {
        return [...patternsOf(expression.whenTrue, file, asSubstitution), ...patternsOf(expression.whenFalse, file, asSubstitution)].slice(
            0,
            MAX_ALTERNATIVES,
        );
    }
    // A whole title taken from a table row (`it(title, ...)` over rows with `title: "..."`) is read
    // from the rows; a substitution inside a template stays ANY, which covers every row's value.
    if (!asSubstitution && (ts.isIdentifier(expression) || ts.isPropertyAccessExpression(expression))) {
        const name = ts.isIdentifier(expression) ? expression.text : expression.name.text;
        const values = literalValuesOf(name, file);
        if (values.length > 0) {
            return values.map((value) => [value]);
        }
    }
    return [[ANY]];
}

const TEST_CALLS = new Set(["it", "describe", "context", "specify"]);

/** Every `it`/`describe`/`context`/`specify` title a test source defines. */
export function testTitlesOf(source: string, fileName: string): TestTitle[] {
    const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const titles: TestTitle[] = [];
    const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && node.arguments.length > 0) {
            const callee = node.expression;
            const kind = ts.isIdentifier(callee)
                ? callee.text
                : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)
                  ? callee.expression.text
                  : undefined;
            if (kind !== undefined && TEST_CALLS.has(kind)) {
                titles.push({
                    kind,
                    line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1,
                    patterns: patternsOf(node.arguments[0], file, false),
                });
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(file);
    return titles;
}

function normalised(segments: readonly TitleSegment[]): TitleSegment[] {
    return segments.map((segment) => (segment === ANY ? ANY : segment.replace(/\s+/g, " ")));
}

/**
 * README's quotation as a pattern: "..." and "…" stand for any text, the spaces around them
 * included ("the lane's schema ..." cites "the lane's schema, naming the field, ...").
 */
export function citedPattern(title: string): TitleSegment[] {
    const parts = title.trim().split(/\s*(?:\.\.\.|…)\s*/);
    const segments: TitleSegment[] = [];
    parts.forEach((part, index) => {
        if (index > 0) {
            segments.push(ANY);
        }
        if (part !== "") {
            segments.push(part);
        }
    });
    return normalised(segments);
}

/** Whether a pattern has text of its own; one that is all substitution can be anything, and so cannot be cited. */
export function isGenerated(pattern: readonly TitleSegment[]): boolean {
    return !pattern.some((segment) => segment !== ANY && /[A-Za-z]/.test(segment));
}

function regexOf(pattern: readonly TitleSegment[]): RegExp {
    const body = pattern.map((segment) => (segment === ANY ? "[\\s\\S]*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
    return new RegExp(`^${body}$`);
}

type Item = string | typeof ANY;

function itemsOf(pattern: readonly TitleSegment[]): Item[] {
    return pattern.flatMap((segment): Item[] => (segment === ANY ? [ANY] : [...segment]));
}

/**
 * Whether some title matches both README's quotation and a template's pattern. Each literal
 * stretch README quotes must share a letter or digit with the template's own text: a substitution
 * stands for a value, and may not swallow a whole quoted stretch (else `${program}: exits 1 ...`
 * would match any quotation that starts "delivers a second escalation of the same call: ...").
 */
function intersects(cited: readonly TitleSegment[], template: readonly TitleSegment[]): boolean {
    const x = itemsOf(cited);
    const y = itemsOf(template);
    const endsStretch = (i: number) => i > 0 && x[i - 1] !== ANY && (i === x.length || x[i] === ANY);
    const seen = new Set<number>();
    // [position in the quotation, position in the template, whether the current quoted stretch met the template's text]
    const stack: [number, number, boolean][] = [[0, 0, false]];
    const push = (i: number, j: number, touched: boolean) => {
        if (!(endsStretch(i) && !touched)) {
            stack.push([i, j, touched]);
        }
    };
    while (stack.length > 0) {
        const [i, j, touched] = stack.pop() ?? [0, 0, false];
        const key = (i * (y.length + 1) + j) * 2 + (touched ? 1 : 0);
        if (seen.has(key)) {
            continue;
        }
        seen.add(key);
        if (i === x.length && j === y.length) {
            return true;
        }
        if (x[i] === ANY) {
            push(i + 1, j, false);
            if (j < y.length && y[j] !== ANY) {
                push(i, j + 1, touched);
            }
        }
        if (y[j] === ANY) {
            push(i, j + 1, touched);
            if (i < x.length && x[i] !== ANY) {
                push(i + 1, j, touched);
            }
        }
        if (i < x.length && j < y.length && x[i] !== ANY && x[i] === y[j]) {
            push(i + 1, j + 1, touched || /[\p{L}\p{N}]/u.test(x[i] as string));
        }
    }
    return false;
}

/** Whether README's quotation names this test title. */
export function citesTitle(title: string, test: TestTitle): boolean {
    const cited = citedPattern(title);
    return test.patterns.some((raw) => {
        const pattern = normalised(raw);
        if (isGenerated(pattern)) {
            return false;
        }
        if (!pattern.includes(ANY)) {
            return regexOf(cited).test(pattern.join(""));
        }
        if (!cited.includes(ANY)) {
            return regexOf(pattern).test(cited.join(""));
        }
        return intersects(cited, pattern);
    });
}

/**
 * Checks README's citations against the test sources: each cited file exists, each quoted title is
 * a title of the file it is said to be in, each guarantee row names its test. `sourceOf` reads a
 * test file (posix path relative to the repository).
 */
export function citationProblems(
    citations: ReadmeCitations,
    testFiles: readonly string[],
    sourceOf: (path: string) => string,
): CitationProblem[] {
    const problems: CitationProblem[] = [...citations.problems];
    const titlesOf = new Map<string, TestTitle[]>();
    const titlesIn = (path: string): TestTitle[] => {
        const known = titlesOf.get(path);
        if (known !== undefined) {
            return known;
        }
        const titles = testTitlesOf(sourceOf(path), path);
        titlesOf.set(path, titles);
        return titles;
    };
    for (const file of citations.files) {
        if (file.path === undefined) {
            problems.push({ line: file.line, message: `cites ${file.written}: ${file.unresolved ?? "no such test file"}` });
        }
    }
    for (const citation of citations.titles) {
        const searched = citation.scope === "anywhere" ? testFiles : citation.files.filter((file) => testFiles.includes(file));
        if ((citation.scope === "named" || citation.scope === "default") && searched.length === 0) {
            continue; // the missing file is reported above
        }
        const found = searched.some((file) => titlesIn(file).some((test) => citesTitle(citation.title, test)));
        if (!found) {
            const where =
                citation.scope === "anywhere"
                    ? "any test file"
                    : citation.scope === "named"
                      ? searched[0]
                      : citation.scope === "default"
                        ? `${searched[0]} (its section's file "unless another file is named")`
                        : `the files its section cites (${searched.join(", ")})`;
            problems.push({
                line: citation.line,
                message: `quotes "${citation.title}" as a test, but no it() or describe() title of ${where} matches it`,
            });
        }
    }
    for (const row of citations.guaranteeRows) {
        if (row.citedTitles === 0 && !row.saysUntested) {
            problems.push({
                line: row.line,
                message: `the guarantee "${row.guarantee.slice(0, 80)}" names no test, and does not say it is not guaranteed or untested`,
            });
        }
    }
    return problems.sort((a, b) => a.line - b.line);
}
