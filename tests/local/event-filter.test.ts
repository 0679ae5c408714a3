/** Issue 17 item 8: filterCriteria as Lambda applies it: records matching no filter are deleted unseen. */
import * as assert from "node:assert/strict";
import type { SQSRecord } from "aws-lambda";
import { compileFilters } from "../../local/event-filter";
import { queueDepth, total } from "../../local/progress";
import { startMapping, useMappingSuite } from "./helpers/mapping-factory";
import { RecordingTarget, succeeded } from "./helpers/recording-target";
import { sendBodies, waitFor } from "./helpers/sqs-fixture";

const record = (body: string): SQSRecord => ({ body, attributes: { ApproximateReceiveCount: "1" } }) as unknown as SQSRecord;

describe("event filtering", () => {
    describe("patterns", () => {
        const cases: [string, string, string, boolean][] = [
            ["a literal value in a JSON body", '{"body":{"severity":["critical"]}}', '{"severity":"critical"}', true],
            ["another literal value", '{"body":{"severity":["critical"]}}', '{"severity":"low"}', false],
            ["a prefix", '{"body":{"callId":[{"prefix":"call-"}]}}', '{"callId":"call-9"}', true],
            ["anything-but", '{"body":{"severity":[{"anything-but":["low"]}]}}', '{"severity":"low"}', false],
            ["a numeric range", '{"body":{"attempt":[{"numeric":[">",0,"<=",3]}]}}', '{"attempt":3}', true],
            ["exists false on a missing field", '{"body":{"test":[{"exists":false}]}}', '{"severity":"low"}', true],
            ["a plain-text body against a field pattern", '{"body":{"severity":["critical"]}}', "critical", false],
            ["a plain-text body against a literal body", '{"body":["ping"]}', "ping", true],
        ];
        for (const [what, pattern, body, expected] of cases) {
            it(`${expected ? "matches" : "does not match"} ${what}`, () => {
                // Act
                const matches = compileFilters([pattern])(record(body));

                // Assess
                assert.equal(matches, expected);
            });
        }

        it("refuses a pattern that is not JSON, naming it", () => {
            // Act
            const compile = () => compileFilters(["{severity"]);

            // Assess
            assert.throws(compile, { name: "FilterPatternError", message: "filter pattern {severity is not JSON" });
        });
    });

    describe("through the mapping", function () {
        this.timeout(30_000);
        const suite = useMappingSuite();

        it("invokes with the matching records only and deletes the others unseen", async () => {
            // Prepare
            const queue = await suite.fixture.createQueue();
            await sendBodies(suite.fixture.sqs, queue, [
                '{"severity":"critical","n":1}',
                '{"severity":"low","n":2}',
                '{"severity":"critical","n":3}',
                "not json",
            ]);
            const target = new RecordingTarget(() => succeeded(null));

            // Act
            suite.mapping = startMapping(suite.fixture.sqs, queue, target, {
                filterPatterns: ['{"body":{"severity":["critical"]}}'],
            }).mapping;
            await waitFor(async () => total(await queueDepth(suite.fixture.sqs, queue.url)) === 0, 20_000, "the queue empty");

            // Assess
            assert.deepEqual(
                [
                    target.records.map((r) => (JSON.parse(r.body) as { n: number }).n).sort(),
                    (await queueDepth(suite.fixture.sqs, queue.deadLetterUrl)).visible,
                ],
                [[1, 3], 0],
            );
        });
    });
});
