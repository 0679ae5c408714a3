// How messages name the target of a link: a resource of the stack by kind and name, anything
// outside it by the reference the program wrote.
import * as assert from "node:assert/strict";
import { describeTarget } from "../../policy/messages";

describe("messages: a link's target", () => {
    it("names a resource of the stack by its kind and name", () => {
        const resource = { type: "aws:sqs/queue:Queue", name: "pager", urn: "urn:pulumi:test::p::aws:sqs/queue:Queue::pager" };

        assert.equal(describeTarget({ kind: "resource", resource } as never), "SQS queue 'pager'");
    });

    it("quotes a reference outside the stack", () => {
        assert.equal(
            describeTarget({ kind: "external", reference: "arn:aws:sqs:eu-west-1:123456789012:elsewhere" }),
            "'arn:aws:sqs:eu-west-1:123456789012:elsewhere'",
        );
    });
});
