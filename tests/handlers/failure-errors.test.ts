/**
 * The failure classes of handlers/failures/errors.ts. Each sets `name` to its class: the name is
 * what a dead letter records as errorClass and what the DLQ command shows, so a class that kept
 * "Error" would hide why a message failed. Found untested by the mutation run (issue 18).
 */
import * as assert from "node:assert/strict";
import {
    asError,
    DownstreamRejectedError,
    DownstreamUnavailableError,
    failureKindOf,
    FailureKind,
    InvalidMessageError,
    PayloadMissingError,
    PoisonMessageError,
    TransientError,
    UnknownToolError,
} from "../../handlers/failures/errors";

describe("failure error classes", () => {
    // Factories, not instances: each error is made inside its `it`, where the mutation run can see
    // (and vary) the constructor that names it.
    const cases: readonly (readonly [() => Error, string, FailureKind])[] = [
        [() => new PoisonMessageError("bad"), "PoisonMessageError", FailureKind.poison],
        [() => new InvalidMessageError("bad field"), "InvalidMessageError", FailureKind.poison],
        [() => new UnknownToolError("fetch", ["search"]), "UnknownToolError", FailureKind.poison],
        [() => new DownstreamRejectedError("PagerDuty", 400, "invalid routing key"), "DownstreamRejectedError", FailureKind.poison],
        [() => new PayloadMissingError("payloads", "a/b.json"), "PayloadMissingError", FailureKind.poison],
        [() => new TransientError("later"), "TransientError", FailureKind.transient],
        [() => new DownstreamUnavailableError("Slack", "timed out"), "DownstreamUnavailableError", FailureKind.transient],
    ];
    for (const [make, name, kind] of cases) {
        it(`${name} names itself and is ${kind}`, () => {
            const error = make();

            assert.deepEqual({ name: error.name, kind: failureKindOf(error) }, { name, kind });
        });
    }

    it("treats an error nobody classified as transient", () => {
        assert.equal(failureKindOf(new RangeError("bug")), FailureKind.transient);
    });

    it("says which tools are known when a tool is not registered", () => {
        assert.equal(
            new UnknownToolError("fetch", ["search", "lookup"]).message,
            "tool 'fetch' is not registered; known tools: search, lookup",
        );
    });

    it("says 'none' when no tool is registered", () => {
        assert.equal(new UnknownToolError("fetch", []).message, "tool 'fetch' is not registered; known tools: none");
    });

    it("names the missing payload's bucket and key", () => {
        assert.equal(new PayloadMissingError("payloads", "a/b.json").message, "payload s3://payloads/a/b.json does not exist");
    });

    it("wraps anything thrown that is no Error, keeping its text", () => {
        assert.equal(asError("boom").message, "boom");
    });
});
