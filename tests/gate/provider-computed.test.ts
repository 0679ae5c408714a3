// The identifiers the gate fills in for new resources, as the AWS provider computes them.
import * as assert from "node:assert/strict";
import { computedIdentity } from "../../gate/provider-computed";
import { unknownValue } from "../../gate/recorded-stack";

describe("provider-computed identifiers", () => {
    it("builds a named queue's arn, url and id (the url) from its name, region and account", () => {
        const identity = computedIdentity("aws:sqs/queue:Queue", "orders", { name: "orders" }, "eu-west-1");

        assert.deepStrictEqual(identity, {
            autoName: undefined,
            id: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
            outputs: {
                name: "orders",
                url: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                arn: "arn:aws:sqs:eu-west-1:123456789012:orders",
            },
        });
    });

    it("gives the same auto-name on every run (logical name, '-', 7 hex characters)", () => {
        const first = computedIdentity("aws:sqs/queue:Queue", "orders-dlq", {}, "eu-west-1");
        const second = computedIdentity("aws:sqs/queue:Queue", "orders-dlq", {}, "eu-west-1");

        assert.deepStrictEqual([/^orders-dlq-[0-9a-f]{7}$/.test(first?.autoName ?? ""), first], [true, second]);
    });

    it("uses the partition and DNS suffix of a China region", () => {
        const identity = computedIdentity("aws:sns/topic:Topic", "alarms", { name: "alarms" }, "cn-north-1");

        assert.strictEqual(identity?.outputs.arn, "arn:aws-cn:sns:cn-north-1:123456789012:alarms");
    });

    it("builds a role's arn with its path, and a function's arn with 'function:'", () => {
        const role = computedIdentity("aws:iam/role:Role", "consumer", { name: "consumer", path: "/service/" }, "eu-west-1");
        const fn = computedIdentity("aws:lambda/function:Function", "consumer", { name: "consumer" }, "eu-west-1");

        assert.deepStrictEqual(
            [role?.outputs.arn, fn?.outputs.arn],
            ["arn:aws:iam::123456789012:role/service/consumer", "arn:aws:lambda:eu-west-1:123456789012:function:consumer"],
        );
    });

    it("leaves a resource whose name is unknown, a type it does not model, or a stack without a region unknown", () => {
        const results = [
            computedIdentity("aws:sqs/queue:Queue", "orders", { name: unknownValue }, "eu-west-1"),
            computedIdentity("aws:kms/key:Key", "key", {}, "eu-west-1"),
            computedIdentity("aws:sqs/queue:Queue", "orders", { name: "orders" }, undefined),
        ];

        assert.deepStrictEqual(results, [undefined, undefined, undefined]);
    });
});
