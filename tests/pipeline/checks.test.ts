/**
 * The checks every pipeline option goes through (pipeline/checks.ts), the pipeline-wide options
 * (pipeline-settings.ts) and the derived names (naming.ts), each result exact: what a check
 * returns decides whether the cross-field checks after it run. Found untested by the `pipeline`
 * mutation scope (issue 18).
 */
import assert from "node:assert/strict";
import {
    computePipelineSettings,
    DEAD_LETTER_RETENTION_SECONDS,
    defaultNamePrefix,
    existingKeyArn,
    payloadExpiryDays,
    PipelineConfigError,
    pipelineNames,
    resolvePipelineSettings,
    validatePipelineOptions,
} from "../../pipeline";
import { given, Problems } from "../../pipeline/checks";

/** What `check` returns and the problems it adds, on a fresh Problems. */
function checked(check: (problems: Problems) => boolean | void): [boolean | void, readonly string[]] {
    const problems = new Problems();
    const result = check(problems);
    return [result, problems.list];
}

describe("option checks", () => {
    describe("given", () => {
        it("says 'nothing' for an absent value and quotes any other as JSON", () => {
            assert.deepEqual([given(undefined), given("x"), given(null), given(0)], ["nothing", '"x"', "null", "0"]);
        });
    });

    describe("integerInRange", () => {
        const range = { min: 2, max: 5 };

        it("passes over an absent value, returning false", () => {
            assert.deepEqual(
                checked((p) => p.integerInRange("k", undefined, range)),
                [false, []],
            );
        });

        it("accepts both edges, returning true", () => {
            assert.deepEqual(
                [checked((p) => p.integerInRange("k", 2, range)), checked((p) => p.integerInRange("k", 5, range))],
                [
                    [true, []],
                    [true, []],
                ],
            );
        });

        for (const value of [1, 6, 2.5, "3"] as const) {
            it(`refuses ${JSON.stringify(value)}, returning false`, () => {
                assert.deepEqual(
                    checked((p) => p.integerInRange("k", value, range)),
                    [false, [`'k' must be an integer between 2 and 5, ${JSON.stringify(value)} given`]],
                );
            });
        }
    });

    describe("oneOf", () => {
        it("passes over an absent value, returning false", () => {
            assert.deepEqual(
                checked((p) => p.oneOf("k", undefined, ["a"])),
                [false, []],
            );
        });

        it("accepts an allowed value, returning true", () => {
            assert.deepEqual(
                checked((p) => p.oneOf("k", "a", ["a", "b"])),
                [true, []],
            );
        });

        it("refuses another value, listing the allowed ones and returning false", () => {
            assert.deepEqual(
                checked((p) => p.oneOf("k", "c", ["a", "b"])),
                [false, [`'k' must be one of "a", "b", "c" given`]],
            );
        });
    });

    describe("boolean", () => {
        it("accepts true, false and nothing", () => {
            assert.deepEqual(
                checked((p) => {
                    p.boolean("k", true);
                    p.boolean("k", false);
                    p.boolean("k", undefined);
                })[1],
                [],
            );
        });

        it("refuses a string", () => {
            assert.deepEqual(checked((p) => p.boolean("k", "true"))[1], [`'k' must be true or false, "true" given`]);
        });
    });

    describe("matches", () => {
        it("passes over an absent value, returning false", () => {
            assert.deepEqual(
                checked((p) => p.matches("k", undefined, /^a$/, "an a")),
                [false, []],
            );
        });

        it("accepts a matching string, returning true", () => {
            assert.deepEqual(
                checked((p) => p.matches("k", "a", /^a$/, "an a")),
                [true, []],
            );
        });

        it("refuses a string that does not match and a value that is no string, returning false", () => {
            assert.deepEqual(
                [checked((p) => p.matches("k", "b", /^a$/, "an a")), checked((p) => p.matches("k", 1, /1/, "an a"))],
                [
                    [false, [`'k' must be an a, "b" given`]],
                    [false, [`'k' must be an a, 1 given`]],
                ],
            );
        });
    });

    describe("object", () => {
        it("passes over an absent value, returning false", () => {
            assert.deepEqual(
                checked((p) => p.object("k", undefined, [])),
                [false, []],
            );
        });

        for (const value of [null, [], "x", 5] as const) {
            it(`refuses ${JSON.stringify(value)}, returning false`, () => {
                assert.deepEqual(
                    checked((p) => p.object("k", value, ["a"])),
                    [false, [`'k' must be an object, ${JSON.stringify(value)} given`]],
                );
            });
        }

        it("names each unknown key with the known ones, and still returns true", () => {
            assert.deepEqual(
                checked((p) => p.object("k", { a: 1, b: 2, c: 3 }, ["a", "z"])),
                [true, ["'k.b' is not a known setting; known settings are a, z", "'k.c' is not a known setting; known settings are a, z"]],
            );
        });
    });

    describe("array", () => {
        it("passes over an absent value, returning false", () => {
            assert.deepEqual(
                checked((p) => p.array("k", undefined, () => assert.fail("no element to check"))),
                [false, []],
            );
        });

        it("refuses a value that is no list, checking no element and returning false", () => {
            assert.deepEqual(
                checked((p) => p.array("k", "ab", () => assert.fail("no element to check"))),
                [false, [`'k' must be a list, "ab" given`]],
            );
        });

        it("checks each element under its index, returning true", () => {
            const seen: string[] = [];

            const result = checked((p) => p.array("k", ["x", "y"], (key, element) => seen.push(`${key}=${String(element)}`)));

            assert.deepEqual(
                [result, seen],
                [
                    [true, []],
                    ["k[0]=x", "k[1]=y"],
                ],
            );
        });
    });
});

describe("pipeline-wide options", () => {
    it("names the alarms when they are not an object", () => {
        assert.deepEqual(validatePipelineOptions({ alarms: "ops@example.org" }), [
            `'pipeline.alarms' must be an object, "ops@example.org" given`,
        ]);
    });

    it("names a log level it does not know", () => {
        assert.deepEqual(validatePipelineOptions({ logLevel: "LOUD" }), [
            `'pipeline.logLevel' must be one of "DEBUG", "INFO", "WARN", "ERROR", "LOUD" given`,
        ]);
    });

    it("names a PagerDuty URL that is not https", () => {
        assert.deepEqual(validatePipelineOptions({ pagerDutyEventsUrl: "http://events.pagerduty.com/v2/enqueue" }), [
            `'pipeline.pagerDutyEventsUrl' must be an https:// URL, "http://events.pagerduty.com/v2/enqueue" given`,
        ]);
    });

    it("reports only the mode when an unknown encryption comes with a key ARN", () => {
        const problems = validatePipelineOptions({ encryption: "none", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" });

        assert.equal(problems.length, 1);
        assert.match(problems[0]!, /^'pipeline\.encryption' must be one of /);
    });

    it("refuses a key ARN without an encryption mode, which defaults to AWS-managed keys", () => {
        assert.deepEqual(validatePipelineOptions({ kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" }), [
            `'pipeline.kmsKeyArn' must be set only with 'pipeline.encryption: existingKey' (encryption is "awsManaged"), "arn:aws:kms:eu-west-1:123456789012:key/k" given`,
        ]);
    });

    it("names the options' own key in the problems it throws", () => {
        assert.throws(
            () => resolvePipelineSettings({ escalation: { maxReceiveCount: 10 } }),
            (error: unknown) =>
                error instanceof PipelineConfigError &&
                error.problems.join() === "'pipeline.escalation.maxReceiveCount' must be an integer between 3 and 5, 10 given",
        );
    });

    it("takes the log level and PagerDuty URL given", () => {
        const settings = computePipelineSettings({ logLevel: "DEBUG", pagerDutyEventsUrl: "https://events.eu.pagerduty.com/v2/enqueue" });

        assert.deepEqual([settings.logLevel, settings.pagerDutyEventsUrl], ["DEBUG", "https://events.eu.pagerduty.com/v2/enqueue"]);
    });

    it("keeps payloads for the longest lane's retention plus the DLQ's, in whole days, plus a day", () => {
        assert.equal(payloadExpiryDays([86_400, 172_800]), Math.ceil((172_800 + DEAD_LETTER_RETENTION_SECONDS) / 86_400) + 1);
        assert.equal(payloadExpiryDays([3_600]), 16);
    });

    it("measures the payload expiry from the lane that keeps messages longest", () => {
        const settings = computePipelineSettings({
            escalation: { messageRetentionSeconds: 60 },
            toolCall: { messageRetentionSeconds: 10 * 86_400 },
        });

        assert.equal(settings.payloadExpiryDays, 10 + 14 + 1);
    });

    it("names the existing key's ARN only for the existing-key mode", () => {
        assert.deepEqual(
            [
                existingKeyArn({ mode: "existingKey", keyArn: "arn:k" }),
                existingKeyArn({ mode: "stackKey" }),
                existingKeyArn({ mode: "awsManaged" }),
            ],
            ["arn:k", undefined, undefined],
        );
    });
});

describe("derived names", () => {
    it("collapses hyphens already in the parts and trims them at both ends", () => {
        assert.equal(defaultNamePrefix("-My--Project", "dev", "main-"), "my-project-dev-main");
    });

    it("names the shared resources and the alarm notifier after the prefix", () => {
        const { idempotencyTable, alarmTopic, dlqAuditLogGroup, alarmNotifier } = pipelineNames("p");

        assert.deepEqual(
            { idempotencyTable, alarmTopic, dlqAuditLogGroup, alarmNotifier },
            {
                idempotencyTable: "p-idempotency",
                alarmTopic: "p-alarms",
                dlqAuditLogGroup: "/p/dlq-audit",
                alarmNotifier: {
                    function: "p-alarm-notifier",
                    logGroup: "/aws/lambda/p-alarm-notifier",
                    deadLetterQueue: "p-alarm-notifier-dlq",
                    deadLetterQueueDepthAlarm: "p-alarm-notifier-dlq-depth",
                },
            },
        );
    });
});
