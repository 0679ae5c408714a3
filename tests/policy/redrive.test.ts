/**
 * The decoders of SQS's redrive and redrive-allow policy JSON (policy/redrive.ts), one case per
 * shape the provider accepts or a user can write. Mutation testing (issue 18) found each of these
 * shapes untested.
 */
import * as assert from "node:assert/strict";
import { maxReceiveCountOf, parseRedriveAllowPolicy, parseRedrivePolicy } from "../../policy/redrive";

const dlqArn = "arn:aws:sqs:eu-west-1:123456789012:pager-dlq";

describe("parseRedrivePolicy", () => {
    for (const absent of [undefined, null, ""]) {
        it(`reads ${JSON.stringify(absent)} as no redrive policy`, () => {
            assert.deepEqual(parseRedrivePolicy(absent), { ok: true, settings: undefined });
        });
    }

    it("takes an object as it is (the provider accepts one as well as a JSON string)", () => {
        assert.deepEqual(parseRedrivePolicy({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }), {
            ok: true,
            settings: { deadLetterTargetArn: dlqArn, maxReceiveCount: 5 },
        });
    });

    for (const notAnObject of ["[1]", "null", "5", '"text"']) {
        it(`refuses the JSON ${notAnObject}, which is no object`, () => {
            assert.deepEqual(parseRedrivePolicy(notAnObject), {
                ok: false,
                problem: `must be a JSON object; found ${JSON.stringify(notAnObject)}`,
            });
        });
    }

    it("reads an empty deadLetterTargetArn as none", () => {
        assert.deepEqual(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: "", maxReceiveCount: 5 })), {
            ok: true,
            settings: { deadLetterTargetArn: undefined, maxReceiveCount: 5 },
        });
    });

    it("reads a deadLetterTargetArn that is no string as none", () => {
        assert.deepEqual(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: 42, maxReceiveCount: 5 })), {
            ok: true,
            settings: { deadLetterTargetArn: undefined, maxReceiveCount: 5 },
        });
    });
});

describe("maxReceiveCountOf", () => {
    it("reads a number", () => {
        assert.equal(maxReceiveCountOf({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }), 5);
    });

    it("reads a string of digits (CloudFormation and the console write it so)", () => {
        assert.equal(maxReceiveCountOf({ deadLetterTargetArn: dlqArn, maxReceiveCount: "5" }), 5);
    });

    for (const notAnInteger of [5.5, "5.5", "", "  ", "five", true, null]) {
        it(`has no count for ${JSON.stringify(notAnInteger)}`, () => {
            assert.equal(maxReceiveCountOf({ deadLetterTargetArn: dlqArn, maxReceiveCount: notAnInteger }), undefined);
        });
    }
});

describe("parseRedriveAllowPolicy", () => {
    for (const absent of [undefined, null, ""]) {
        it(`reads ${JSON.stringify(absent)} as AWS's default (no settings: allowAll)`, () => {
            assert.deepEqual(parseRedriveAllowPolicy(absent), { ok: true, settings: undefined });
        });
    }

    it("refuses a policy without redrivePermission, naming the allowed values", () => {
        const value = JSON.stringify({ sourceQueueArns: [dlqArn] });

        assert.deepEqual(parseRedriveAllowPolicy(value), {
            ok: false,
            problem: `must set redrivePermission to allowAll, denyAll or byQueue; found ${JSON.stringify(value)}`,
        });
    });

    it("refuses a JSON array, which names no permission", () => {
        assert.deepEqual(parseRedriveAllowPolicy('["byQueue"]'), {
            ok: false,
            problem: 'must set redrivePermission to allowAll, denyAll or byQueue; found "[\\"byQueue\\"]"',
        });
    });

    it("refuses text that is not JSON", () => {
        assert.deepEqual(parseRedriveAllowPolicy("byQueue"), { ok: false, problem: 'is not valid JSON; found "byQueue"' });
    });

    it("keeps the string ARNs of a byQueue policy and drops the rest", () => {
        const parsed = parseRedriveAllowPolicy({ redrivePermission: "byQueue", sourceQueueArns: [dlqArn, 7, null] });

        assert.deepEqual(parsed, { ok: true, settings: { permission: "byQueue", sourceQueueArns: [dlqArn] } });
    });

    it("reads a byQueue policy whose sourceQueueArns is no list as naming no queue", () => {
        assert.deepEqual(parseRedriveAllowPolicy({ redrivePermission: "byQueue", sourceQueueArns: dlqArn }), {
            ok: true,
            settings: { permission: "byQueue", sourceQueueArns: [] },
        });
    });

    it("ignores sourceQueueArns unless the permission is byQueue", () => {
        assert.deepEqual(parseRedriveAllowPolicy({ redrivePermission: "denyAll", sourceQueueArns: [dlqArn] }), {
            ok: true,
            settings: { permission: "denyAll", sourceQueueArns: [] },
        });
    });
});
