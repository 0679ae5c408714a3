// The parsers of the references resources hold to each other (ARNs, queue URLs, names), which
// link resources whenever no property dependency does: each case is a value a program can hold.
import * as assert from "node:assert/strict";
import {
    functionNameFromReference,
    isNonSqsArn,
    parseSqsArn,
    queueNameFromArn,
    queueNameFromUrl,
    regionAndAccountOf,
    roleNameFromReference,
} from "../../policy/references";

describe("references: queue names from ARNs", () => {
    it("takes the queue name from an SQS ARN", () => {
        assert.equal(queueNameFromArn("arn:aws:sqs:eu-west-1:123456789012:orders"), "orders");
    });

    it("keeps every segment after the account, colons included", () => {
        assert.equal(queueNameFromArn("arn:aws:sqs:eu-west-1:123456789012:orders:extra"), "orders:extra");
    });

    it("finds no queue name in an ARN that stops at the account", () => {
        assert.equal(queueNameFromArn("arn:aws:sqs:eu-west-1:123456789012"), undefined);
    });

    it("finds no queue name in a string that does not start with arn", () => {
        assert.equal(queueNameFromArn("xrn:aws:sqs:eu-west-1:123456789012:orders"), undefined);
    });

    it("finds no queue name in another service's ARN", () => {
        assert.equal(queueNameFromArn("arn:aws:kinesis:eu-west-1:123456789012:stream/clicks"), undefined);
    });

    it("calls another service's ARN a non-SQS ARN", () => {
        assert.equal(isNonSqsArn("arn:aws:kinesis:eu-west-1:123456789012:stream/clicks"), true);
    });

    it("does not call a plain name a non-SQS ARN", () => {
        assert.equal(isNonSqsArn("orders"), false);
    });
});

describe("references: queue names from URLs", () => {
    it("takes the queue name from a queue URL", () => {
        assert.equal(queueNameFromUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/orders"), "orders");
    });

    it("ignores a trailing slash", () => {
        assert.equal(queueNameFromUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/orders/"), "orders");
    });

    it("finds no queue name in a string without a slash", () => {
        assert.equal(queueNameFromUrl("orders"), undefined);
    });

    it("finds no queue name in an empty string", () => {
        assert.equal(queueNameFromUrl(""), undefined);
    });
});

describe("references: function and role names", () => {
    it("takes the function name after the ':function:' marker, even at the start", () => {
        assert.equal(functionNameFromReference(":function:pager-fn"), "pager-fn");
    });

    it("takes the role name from a role ARN with a path", () => {
        assert.equal(roleNameFromReference("arn:aws:iam::123456789012:role/service/pager-role"), "pager-role");
    });

    it("keeps a plain role name as it is", () => {
        assert.equal(roleNameFromReference("pager-role"), "pager-role");
    });
});

describe("references: well-formed SQS queue ARNs", () => {
    it("gives the region, account and name of a queue ARN", () => {
        assert.deepEqual(parseSqsArn("arn:aws:sqs:eu-west-1:123456789012:orders"), {
            region: "eu-west-1",
            account: "123456789012",
            name: "orders",
        });
    });

    it("accepts another partition's ARN (aws-cn)", () => {
        assert.equal(parseSqsArn("arn:aws-cn:sqs:cn-north-1:123456789012:orders")?.name, "orders");
    });

    it("accepts the GovCloud partition and region (aws-us-gov, us-gov-west-1)", () => {
        assert.equal(parseSqsArn("arn:aws-us-gov:sqs:us-gov-west-1:123456789012:orders")?.region, "us-gov-west-1");
    });

    it("accepts a region number of two digits", () => {
        assert.equal(parseSqsArn("arn:aws:sqs:eu-west-10:123456789012:orders")?.region, "eu-west-10");
    });

    it("accepts a FIFO queue name of the full 80 characters", () => {
        const name = `${"q".repeat(75)}.fifo`;

        assert.equal(parseSqsArn(`arn:aws:sqs:eu-west-1:123456789012:${name}`)?.name, name);
    });

    it("refuses text before the ARN", () => {
        assert.equal(parseSqsArn("xarn:aws:sqs:eu-west-1:123456789012:orders"), undefined);
    });

    it("refuses a character no queue name may hold", () => {
        assert.equal(parseSqsArn("arn:aws:sqs:eu-west-1:123456789012:orders!"), undefined);
    });

    it("refuses an ARN without the queue name", () => {
        assert.equal(parseSqsArn("arn:aws:sqs:eu-west-1:123456789012:"), undefined);
    });
});

describe("references: the region and account of an ARN", () => {
    it("gives the region and account of a regional ARN", () => {
        assert.deepEqual(regionAndAccountOf("arn:aws:lambda:eu-west-1:123456789012:function:pager-fn"), {
            region: "eu-west-1",
            account: "123456789012",
        });
    });

    it("gives nothing for a global ARN without a region (IAM)", () => {
        assert.equal(regionAndAccountOf("arn:aws:iam::123456789012:role/pager-role"), undefined);
    });

    it("gives nothing for an account of thirteen digits", () => {
        assert.equal(regionAndAccountOf("arn:aws:sqs:eu-west-1:1234567890123:orders"), undefined);
    });

    it("gives nothing for an account of eleven digits", () => {
        assert.equal(regionAndAccountOf("arn:aws:sqs:eu-west-1:12345678901:orders"), undefined);
    });

    it("gives nothing for a string that does not start with arn", () => {
        assert.equal(regionAndAccountOf("xrn:aws:sqs:eu-west-1:123456789012:orders"), undefined);
    });

    it("gives nothing for an ARN that stops at the account", () => {
        assert.equal(regionAndAccountOf("arn:aws:sqs:eu-west-1:123456789012"), undefined);
    });
});
