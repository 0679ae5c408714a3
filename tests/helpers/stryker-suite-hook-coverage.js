// Loaded by Stryker's mocha runner only (stryker.config.mjs, scope pipeline-component), never by
// `npm test`. With per-test coverage, Stryker charges the code a test runs to the test named in
// `__stryker__.currentTestId`, which its root beforeEach hook sets. A suite's `before` hook runs
// before that, so what it runs (here: a whole pipeline built once for a describe) was charged to
// the previous file's last test, or to no test at all, and in a mutant's run Stryker then ran the
// wrong tests: the mutant "survived" tests that would have failed. This charges what a `before`
// hook runs to every test of its suite, so a mutant's run includes them (and the hook itself).
"use strict";
const Mocha = require("mocha");

const HOOK_TEST_ID = "stryker-suite-hook-coverage: before hook";

function testsOf(suite) {
    return [...suite.tests, ...suite.suites.flatMap(testsOf)];
}

/** Adds the hits recorded under the hook's id to each test of the suite. */
function chargeToSuite(perTest, suite) {
    const hookCoverage = perTest[HOOK_TEST_ID];
    delete perTest[HOOK_TEST_ID];
    if (hookCoverage === undefined) {
        return;
    }
    for (const test of testsOf(suite)) {
        const coverage = (perTest[test.fullTitle()] ??= {});
        for (const [mutantId, hits] of Object.entries(hookCoverage)) {
            coverage[mutantId] = (coverage[mutantId] ?? 0) + hits;
        }
    }
}

const beforeAll = Mocha.Suite.prototype.beforeAll;
Mocha.Suite.prototype.beforeAll = function (title, fn) {
    const hook = typeof title === "function" ? title : fn;
    // Only promise-style hooks (the pipeline tests' are async): a done-callback hook stays as it is.
    if (typeof hook !== "function" || hook.length > 0) {
        return beforeAll.call(this, title, fn);
    }
    const suite = this;
    const charged = async function () {
        const stryker = globalThis.__stryker__;
        if (stryker === undefined) {
            return hook.call(this);
        }
        const previousTestId = stryker.currentTestId;
        stryker.currentTestId = HOOK_TEST_ID;
        try {
            return await hook.call(this);
        } finally {
            stryker.currentTestId = previousTestId;
            if (stryker.mutantCoverage !== undefined) {
                chargeToSuite(stryker.mutantCoverage.perTest, suite);
            }
        }
    };
    return typeof title === "function" ? beforeAll.call(this, charged) : beforeAll.call(this, title, charged);
};
