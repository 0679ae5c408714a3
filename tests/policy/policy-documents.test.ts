/**
 * The IAM policy-document readers the access rules stand on (policy/policy-documents.ts), one
 * shape per case. Mutation testing (issue 18) found each of these shapes untested: a TLS Deny
 * that covers only some actions or lists "true" beside "false", a caller condition with an empty
 * or wildcard value, documents that are no object.
 */
import * as assert from "node:assert/strict";
import {
    deniesInsecureTransport,
    hasWildcardPrincipal,
    isUnsetDocument,
    parsePolicyDocument,
    ParsedStatement,
    restrictsCaller,
    servicePrincipalsOf,
} from "../../policy/policy-documents";

const tlsDeny = (changes: Partial<ParsedStatement> & { secureTransport?: unknown } = {}): ParsedStatement => {
    const { secureTransport = "false", ...statement } = changes;
    return {
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Condition: { Bool: { "aws:SecureTransport": secureTransport } },
        ...statement,
    };
};
const fromTopic = (values: unknown, operator = "ArnEquals"): ParsedStatement => ({
    Effect: "Allow",
    Principal: "*",
    Action: "sqs:SendMessage",
    Condition: { [operator]: { "aws:SourceArn": values } },
});
const topicArn = "arn:aws:sns:eu-west-1:123456789012:alarms";

describe("deniesInsecureTransport", () => {
    it("accepts a Deny of sqs:* to everyone when aws:SecureTransport is false", () => {
        assert.equal(deniesInsecureTransport(tlsDeny()), true);
    });

    it("accepts the boolean false as well as the string", () => {
        assert.equal(deniesInsecureTransport(tlsDeny({ secureTransport: false })), true);
    });

    it("does not accept a Deny of one SQS action only", () => {
        assert.equal(deniesInsecureTransport(tlsDeny({ Action: "sqs:SendMessage" })), false);
    });

    it("does not accept an empty list of aws:SecureTransport values", () => {
        assert.equal(deniesInsecureTransport(tlsDeny({ secureTransport: [] })), false);
    });

    it('does not accept a list holding "true" beside "false"', () => {
        assert.equal(deniesInsecureTransport(tlsDeny({ secureTransport: ["false", "true"] })), false);
    });

    it("does not accept a value that is neither false nor a string", () => {
        assert.equal(deniesInsecureTransport(tlsDeny({ secureTransport: 0 })), false);
    });

    it("does not accept a Deny without any condition", () => {
        assert.equal(deniesInsecureTransport({ Effect: "Deny", Principal: "*", Action: "sqs:*" }), false);
    });

    it("does not accept an Allow with the same condition", () => {
        assert.equal(deniesInsecureTransport(tlsDeny({ Effect: "Allow" })), false);
    });

    it("does not accept a Deny to one principal only", () => {
        assert.equal(deniesInsecureTransport(tlsDeny({ Principal: { AWS: "arn:aws:iam::123456789012:role/agent" } })), false);
    });
});

describe("restrictsCaller", () => {
    it("counts an ArnEquals on aws:SourceArn with a fixed ARN", () => {
        assert.equal(restrictsCaller(fromTopic(topicArn)), true);
    });

    it("counts a list of fixed ARNs", () => {
        assert.equal(restrictsCaller(fromTopic([topicArn, `${topicArn}-2`])), true);
    });

    it("does not count an empty list of values", () => {
        assert.equal(restrictsCaller(fromTopic([])), false);
    });

    it("does not count a list with one wildcard value among fixed ones", () => {
        assert.equal(restrictsCaller(fromTopic([topicArn, "arn:aws:sns:*:*:*"])), false);
    });

    it("does not count an empty value", () => {
        assert.equal(restrictsCaller(fromTopic("")), false);
    });

    it("does not count a value that is no string", () => {
        assert.equal(restrictsCaller(fromTopic(123456789012)), false);
    });

    it("does not count a key that does not name the caller", () => {
        const statement: ParsedStatement = {
            Effect: "Allow",
            Principal: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
        };

        assert.equal(restrictsCaller(statement), false);
    });

    it("counts the caller key among others in the same operator", () => {
        const statement: ParsedStatement = {
            Effect: "Allow",
            Principal: "*",
            Condition: { ArnEquals: { "aws:RequestedRegion": "eu-west-1", "aws:SourceArn": topicArn } },
        };

        assert.equal(restrictsCaller(statement), true);
    });
});

describe("hasWildcardPrincipal and servicePrincipalsOf", () => {
    it('reads a principal that is neither "*" nor an object as no wildcard', () => {
        assert.equal(hasWildcardPrincipal({ Effect: "Allow", Principal: "arn:aws:iam::123456789012:root" }), false);
    });

    it('finds "*" in a list of AWS principals', () => {
        assert.equal(hasWildcardPrincipal({ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123456789012:root", "*"] } }), true);
    });

    it("gives no service principals for a principal that is no object", () => {
        assert.deepEqual(servicePrincipalsOf({ Effect: "Allow", Principal: "*" }), []);
    });

    it("gives no service principals for a null principal", () => {
        assert.deepEqual(servicePrincipalsOf({ Effect: "Allow", Principal: null }), []);
    });
});

describe("parsePolicyDocument and isUnsetDocument", () => {
    it("takes an object as it is", () => {
        assert.deepEqual(parsePolicyDocument({ Statement: [{ Effect: "Allow" }] }), { ok: true, statements: [{ Effect: "Allow" }] });
    });

    it("wraps a single statement in a list", () => {
        assert.deepEqual(parsePolicyDocument(JSON.stringify({ Statement: { Effect: "Deny" } })), {
            ok: true,
            statements: [{ Effect: "Deny" }],
        });
    });

    it("reads a document without Statement as granting nothing", () => {
        assert.deepEqual(parsePolicyDocument(JSON.stringify({ Version: "2012-10-17" })), { ok: true, statements: [] });
    });

    for (const notAnObject of ["5", "null", '"text"']) {
        it(`refuses the JSON ${notAnObject}, which is no document object`, () => {
            assert.deepEqual(parsePolicyDocument(notAnObject), {
                ok: false,
                problem: `must be a policy document object; found ${JSON.stringify(notAnObject)}`,
            });
        });
    }

    it("refuses a number given as it is", () => {
        assert.deepEqual(parsePolicyDocument(5), { ok: false, problem: "must be a policy document object; found 5" });
    });

    it('reads undefined and "" as unset, and "{}" as set', () => {
        assert.deepEqual([undefined, "", "{}"].map(isUnsetDocument), [true, true, false]);
    });
});

describe("policy documents: shapes the mutation run found untested (2)", () => {
    it("accepts a TLS Deny that lists sqs:* beside a named action", () => {
        assert.equal(deniesInsecureTransport(tlsDeny({ Action: ["sqs:*", "sqs:SendMessage"] })), true);
    });

    it("does not take a Deny on another Bool key (aws:MultiFactorAuthPresent false) for the TLS deny", () => {
        const statement: ParsedStatement = { ...tlsDeny(), Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } };

        assert.equal(deniesInsecureTransport(statement), false);
    });

    it("finds no wildcard principal in a null Principal", () => {
        assert.equal(hasWildcardPrincipal({ Effect: "Deny", Principal: null as never }), false);
    });
});
