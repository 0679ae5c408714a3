/**
 * Alarm endpoints (pipeline/endpoints.ts): which hosts are placeholders, where an endpoint's host
 * is, and which endpoints confirm an SNS subscription themselves. Validation and `npm run
 * preflight` use them; found untested by the `pipeline` mutation scope (issue 18).
 */
import assert from "node:assert/strict";
import { confirmsSubscriptionItself, endpointHost, placeholderHostReason } from "../../pipeline/endpoints";

describe("alarm endpoints", () => {
    describe("placeholder hosts", () => {
        it("names the documentation domain of a host under it, a trailing dot and case aside", () => {
            assert.equal(placeholderHostReason("Alerts.Example.ORG."), "example.org is reserved for documentation (RFC 2606)");
        });

        it("names a reserved top-level domain", () => {
            assert.equal(placeholderHostReason("ops.test"), ".test is a reserved or local-only name (RFC 2606, RFC 6761)");
        });

        for (const host of ["10.0.0.123", "[::1]"]) {
            it(`refuses the IP address ${host}`, () => {
                assert.equal(placeholderHostReason(host), "SNS delivers to a public host name, not an IP address");
            });
        }

        for (const host of ["alarms.acme.io", "a10.0.0.1", "10.0.0.1.nip.io", "ipv6]["]) {
            it(`takes ${host} for a real host`, () => {
                assert.equal(placeholderHostReason(host), undefined);
            });
        }
    });

    describe("endpoint hosts", () => {
        it("takes the domain of an e-mail address", () => {
            assert.equal(endpointHost("ops@acme.io"), "acme.io");
        });

        it("takes the host of a URL, also one with user information", () => {
            assert.deepEqual(
                [endpointHost("https://hooks.acme.io/x"), endpointHost("https://user@acme.io/x")],
                ["hooks.acme.io", "acme.io"],
            );
        });

        it("has no host for text that is neither an address nor a URL", () => {
            assert.equal(endpointHost("hooks.acme.io"), undefined);
        });
    });

    describe("endpoints that confirm their subscription", () => {
        it("counts PagerDuty's events host and its other hosts", () => {
            assert.deepEqual(
                [
                    confirmsSubscriptionItself("https://events.pagerduty.com/integration/k/enqueue"),
                    confirmsSubscriptionItself("https://acme.eu.pagerduty.com/x"),
                ],
                [true, true],
            );
        });

        it("counts no other host, nor one that only ends in pagerduty.com", () => {
            assert.deepEqual(
                [
                    confirmsSubscriptionItself("https://hooks.slack.com/x"),
                    confirmsSubscriptionItself("https://notpagerduty.com/x"),
                    confirmsSubscriptionItself("ops@pagerduty.com"),
                ],
                [false, false, false],
            );
        });

        it("counts nothing without a host, or with an empty one", () => {
            assert.deepEqual([confirmsSubscriptionItself("not a url"), confirmsSubscriptionItself("ops@")], [false, false]);
        });
    });
});
