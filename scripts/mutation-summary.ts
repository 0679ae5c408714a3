/**
 * Summarises the Stryker reports under reports/mutation/<scope>/mutation.json (written by
 * `npm run test:mutation`, one scope per MUTATION_SCOPE) as Markdown: the score of each scope
 * and every mutant still alive (survived or not covered), by file and line, so a release can
 * record what it measured in reports/mutation/README.md.
 *
 * Usage: `npx tsx scripts/mutation-summary.ts > /tmp/summary.md`
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The parts of Stryker's mutation-testing-report-schema this summary reads. */
interface MutantResult {
    readonly mutatorName: string;
    readonly replacement?: string;
    readonly status: string;
    readonly location: { readonly start: { readonly line: number } };
}

interface MutationReport {
    readonly files: Readonly<Record<string, { readonly source: string; readonly mutants: readonly MutantResult[] }>>;
}

/** Statuses Stryker counts as detected, and as undetected, in its mutation score. */
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

const reportsDir = join(__dirname, "..", "reports", "mutation");

function percent(part: number, whole: number): string {
    return whole === 0 ? "n/a" : `${((100 * part) / whole).toFixed(1)} %`;
}

const rows: string[] = [];
const alive: string[] = [];
let detectedTotal = 0;
let undetectedTotal = 0;
const scopes = existsSync(reportsDir)
    ? readdirSync(reportsDir)
          .filter((scope) => existsSync(join(reportsDir, scope, "mutation.json")))
          .sort()
    : [];
for (const scope of scopes) {
    const report = JSON.parse(readFileSync(join(reportsDir, scope, "mutation.json"), "utf8")) as MutationReport;
    let detected = 0;
    let undetected = 0;
    for (const [file, result] of Object.entries(report.files)) {
        const lines = result.source.split("\n");
        for (const mutant of result.mutants) {
            if (DETECTED.has(mutant.status)) {
                detected++;
            } else if (UNDETECTED.has(mutant.status)) {
                undetected++;
                const line = mutant.location.start.line;
                const code = (lines[line - 1] ?? "").trim().slice(0, 90).replace(/\|/g, "\\|");
                const replacement = (mutant.replacement ?? "").replace(/\s+/g, " ").slice(0, 50).replace(/\|/g, "\\|");
                alive.push(`| ${scope} | ${file}:${line} | ${mutant.status} | ${mutant.mutatorName} | \`${code}\` -> \`${replacement}\` |`);
            }
        }
    }
    detectedTotal += detected;
    undetectedTotal += undetected;
    rows.push(`| ${scope} | ${detected} | ${undetected} | ${percent(detected, detected + undetected)} |`);
}
rows.push(`| **all** | ${detectedTotal} | ${undetectedTotal} | ${percent(detectedTotal, detectedTotal + undetectedTotal)} |`);

process.stdout.write(
    [
        "| scope | killed (incl. timeouts) | survived + no coverage | score |",
        "| --- | --- | --- | --- |",
        ...rows,
        "",
        "| scope | where | status | mutator | code -> mutant |",
        "| --- | --- | --- | --- | --- |",
        ...alive,
        "",
    ].join("\n"),
);
