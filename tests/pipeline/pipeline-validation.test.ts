import assert from "node:assert/strict";
import { PipelineConfigError, resolvePipelineSettings, validatePipelineOptions } from "../../pipeline";

/** The one problem `options` has; fails the test if there are none or several. */
function onlyProblem(options: unknown): string {
    const problems = validatePipelineOptions(options);
    assert.equal(problems.length, 1, `expected one problem, got: ${JSON.stringify(problems)}`);
    return problems[0];
}

describe("pipeline config validation", () => {
    it("accepts no config at all", () => {
        assert.deepEqual(validatePipelineOptions(undefined), []);
    });

    it("rejects maxReceiveCount above 5 naming the key, the range and the value", () => {
        assert.equal(
            onlyProblem({ escalation: { maxReceiveCount: 10 } }),
            "'pipeline.escalation.maxReceiveCount' must be an integer between 3 and 5, 10 given",
        );
    });

    it("rejects maxReceiveCount below 3", () => {
        assert.match(
            onlyProblem({ toolCall: { maxReceiveCount: 2 } }),
            /'pipeline\.toolCall\.maxReceiveCount' must be an integer between 3 and 5, 2 given/,
        );
    });

    it("rejects a visibility timeout below 6 x function timeout + batching window, showing the arithmetic", () => {
        const problem = onlyProblem({
            escalation: { functionTimeoutSeconds: 30, batchingWindowSeconds: 5, visibilityTimeoutSeconds: 100 },
        });

        assert.equal(
            problem,
            "'pipeline.escalation.visibilityTimeoutSeconds' must be an integer between 185 (6 x functionTimeoutSeconds 30 + batchingWindowSeconds 5) and 43200, 100 given",
        );
    });

    it("rejects a visibility timeout above the SQS maximum", () => {
        assert.match(onlyProblem({ escalation: { visibilityTimeoutSeconds: 50_000 } }), /and 43200, 50000 given/);
    });

    it("rejects a function timeout above Lambda's 900 s", () => {
        assert.match(
            onlyProblem({ toolCall: { functionTimeoutSeconds: 901 } }),
            /'pipeline\.toolCall\.functionTimeoutSeconds' must be an integer between 1 and 900, 901 given/,
        );
    });

    it("rejects a value of the wrong type, quoting what was given", () => {
        assert.match(
            onlyProblem({ escalation: { batchSize: "ten" } }),
            /'pipeline\.escalation\.batchSize' must be an integer between 1 and 10000, "ten" given/,
        );
    });

    it("rejects maximumConcurrency above reserved concurrency", () => {
        assert.match(
            onlyProblem({ escalation: { reservedConcurrency: 5, maximumConcurrency: 8 } }),
            /'pipeline\.escalation\.maximumConcurrency' must be at most reservedConcurrency \(5\).*8 given/,
        );
    });

    it("accepts maximumConcurrency alone: without reserved concurrency it is the consumer's only bound", () => {
        assert.deepEqual(validatePipelineOptions({ escalation: { maximumConcurrency: 50 } }), []);
    });

    it("rejects maxReceiveCount 6, one above the mission's bound", () => {
        assert.match(
            onlyProblem({ escalation: { maxReceiveCount: 6 } }),
            /'pipeline\.escalation\.maxReceiveCount' must be an integer between 3 and 5, 6 given/,
        );
    });

    it("accepts maxReceiveCount 5, the mission's upper bound", () => {
        assert.deepEqual(validatePipelineOptions({ escalation: { maxReceiveCount: 5 }, toolCall: { maxReceiveCount: 5 } }), []);
    });

    it("rejects a visibility timeout between 6 x timeout and 6 x timeout + batching window", () => {
        // 6 x 30 = 180 would do without the window; with a 5 s window the minimum is 185.
        assert.match(
            onlyProblem({ escalation: { functionTimeoutSeconds: 30, batchingWindowSeconds: 5, visibilityTimeoutSeconds: 182 } }),
            /must be an integer between 185 .* 182 given/,
        );
    });

    it("accepts a visibility timeout of exactly 6 x timeout + batching window", () => {
        assert.deepEqual(
            validatePipelineOptions({
                escalation: { functionTimeoutSeconds: 30, batchingWindowSeconds: 5, visibilityTimeoutSeconds: 185 },
            }),
            [],
        );
    });

    it("rejects maximumConcurrency below the mapping's minimum of 2", () => {
        assert.match(
            onlyProblem({ escalation: { maximumConcurrency: 1 } }),
            /'pipeline\.escalation\.maximumConcurrency' must be an integer between 2 and 1000, 1 given/,
        );
    });

    it("rejects a FIFO batch size above 10", () => {
        assert.match(
            onlyProblem({ toolCall: { batchSize: 11 } }),
            /'pipeline\.toolCall\.batchSize' must be an integer between 1 and 10, 11 given/,
        );
    });

    it("rejects a batching window on the FIFO lane", () => {
        assert.match(
            onlyProblem({ toolCall: { batchingWindowSeconds: 2 } }),
            /'pipeline\.toolCall\.batchingWindowSeconds' must be 0 on a FIFO lane.*2 given/,
        );
    });

    it("rejects a standard batch size above 10 without a batching window", () => {
        assert.match(
            onlyProblem({ escalation: { batchSize: 100 } }),
            /'pipeline\.escalation\.batchSize' must be at most 10 unless 'pipeline\.escalation\.batchingWindowSeconds' is at least 1, 100 given/,
        );
    });

    it("accepts a standard batch size above 10 with a batching window", () => {
        assert.deepEqual(validatePipelineOptions({ escalation: { batchSize: 100, batchingWindowSeconds: 2 } }), []);
    });

    it("rejects a source retention as long as the DLQ's 14 days", () => {
        assert.match(onlyProblem({ escalation: { messageRetentionSeconds: 1_209_600 } }), /between 60 and 1209599, 1209600 given/);
    });

    it("rejects backoff tiers that decrease", () => {
        assert.match(
            onlyProblem({ escalation: { backoffTiersSeconds: [30, 5] } }),
            /'pipeline\.escalation\.backoffTiersSeconds' must not decrease.*\[30,5\] given/,
        );
    });

    it("rejects an empty list of backoff tiers", () => {
        assert.match(onlyProblem({ escalation: { backoffTiersSeconds: [] } }), /must list at least one tier/);
    });

    it("names the index of a bad backoff tier", () => {
        assert.match(
            onlyProblem({ escalation: { backoffTiersSeconds: [5, 50_000] } }),
            /'pipeline\.escalation\.backoffTiersSeconds\[1\]' must be an integer between 0 and 43200, 50000 given/,
        );
    });

    it("rejects an unknown key and lists the known ones, so a typo is not silently ignored", () => {
        assert.match(
            onlyProblem({ escalation: { maxRecieveCount: 4 } }),
            /'pipeline\.escalation\.maxRecieveCount' is not a known setting; known settings are .*maxReceiveCount/,
        );
    });

    it("rejects FIFO-only settings on the standard lane", () => {
        assert.match(
            onlyProblem({ escalation: { highThroughput: true } }),
            /'pipeline\.escalation\.highThroughput' is not a known setting/,
        );
    });

    it("rejects an unknown deduplication mode", () => {
        assert.match(
            onlyProblem({ toolCall: { deduplication: "hash" } }),
            /'pipeline\.toolCall\.deduplication' must be one of "contentBased", "messageId", "hash" given/,
        );
    });

    it("rejects a log retention CloudWatch does not offer", () => {
        assert.match(onlyProblem({ logRetentionDays: 10 }), /'pipeline\.logRetentionDays' must be one of 1, 3, 5, 7, 14, 30.*10 given/);
    });

    it("rejects an alarm e-mail that is not an address", () => {
        assert.match(
            onlyProblem({ alarms: { emailEndpoints: ["oncall"] } }),
            /'pipeline\.alarms\.emailEndpoints\[0\]' must be an e-mail address, "oncall" given/,
        );
    });

    it("rejects an alarm e-mail on a documentation domain, saying why", () => {
        assert.equal(
            onlyProblem({ alarms: { emailEndpoints: ["oncall@example.com"] } }),
            `'pipeline.alarms.emailEndpoints[0]' must be a real endpoint you receive alarms at (example.com is reserved for documentation (RFC 2606)), "oncall@example.com" given`,
        );
    });

    for (const host of [
        "hooks.example.org",
        "example.net",
        "pager.example",
        "alerts.test",
        "localhost",
        "hooks.internal.invalid",
        "127.0.0.1",
    ]) {
        it(`rejects the placeholder HTTPS endpoint host ${host}`, () => {
            assert.match(
                onlyProblem({ alarms: { httpsEndpoints: [`https://${host}/hook`] } }),
                /'pipeline\.alarms\.httpsEndpoints\[0\]' must be a real endpoint/,
            );
        });
    }

    it("accepts a real host that merely contains the word example", () => {
        assert.deepEqual(
            validatePipelineOptions({
                alarms: { httpsEndpoints: ["https://hooks.myexample.com/sns"], emailEndpoints: ["ops@example-corp.io"] },
            }),
            [],
        );
    });

    it("rejects an alarm endpoint that is not https", () => {
        assert.match(
            onlyProblem({ alarms: { httpsEndpoints: ["http://example.com/hook"] } }),
            /'pipeline\.alarms\.httpsEndpoints\[0\]' must be an https:\/\/ URL/,
        );
    });

    it("rejects an https endpoint no URL parser accepts, quoting it", () => {
        assert.match(
            onlyProblem({ alarms: { httpsEndpoints: ["https://[bad"] } }),
            /'pipeline\.alarms\.httpsEndpoints\[0\]' must be an https:\/\/ URL with a valid host, "https:\/\/\[bad" given/,
        );
    });

    it("rejects a PagerDuty events URL no URL parser accepts, quoting it", () => {
        assert.match(
            onlyProblem({ pagerDutyEventsUrl: "https://[bad/v2/enqueue" }),
            /'pipeline\.pagerDutyEventsUrl' must be an https:\/\/ URL with a valid host, "https:\/\/\[bad\/v2\/enqueue" given/,
        );
    });

    it("rejects an existing key that is not a key ARN", () => {
        assert.match(onlyProblem({ encryption: "existingKey", kmsKeyArn: "alias/mine" }), /'pipeline\.kmsKeyArn' must be a KMS key ARN/);
    });

    it("requires the key's ARN with encryption existingKey", () => {
        assert.match(
            onlyProblem({ encryption: "existingKey" }),
            /'pipeline\.kmsKeyArn' must be set when 'pipeline\.encryption' is "existingKey"/,
        );
    });

    it("refuses a key ARN with another encryption mode, where it would be silently unused", () => {
        assert.match(
            onlyProblem({ encryption: "stackKey", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" }),
            /'pipeline\.kmsKeyArn' must be set only with 'pipeline\.encryption: existingKey' \(encryption is "stackKey"\)/,
        );
    });

    it("rejects an unknown encryption mode, listing the three", () => {
        assert.match(
            onlyProblem({ encryption: "customer" }),
            /'pipeline\.encryption' must be one of "awsManaged", "stackKey", "existingKey", "customer" given/,
        );
    });

    it("rejects an unknown data protection, listing the choices", () => {
        assert.match(
            onlyProblem({ dataProtection: "keep" }),
            /'pipeline\.dataProtection' must be one of "protect", "retainOnDelete", "none", "keep" given/,
        );
    });

    it("defaults to AWS-managed encryption and protected data", () => {
        const settings = resolvePipelineSettings(undefined);

        assert.deepEqual(settings.encryption, { mode: "awsManaged" });
        assert.equal(settings.dataProtection, "protect");
    });

    it("rejects a pipeline config that is not an object", () => {
        assert.equal(onlyProblem(42), "'pipeline' must be an object, 42 given");
    });

    it("reports every problem at once", () => {
        const problems = validatePipelineOptions({ escalation: { maxReceiveCount: 9, batchSize: 0 }, toolCall: { batchSize: 20 } });

        assert.equal(problems.length, 3);
    });

    it("throws a PipelineConfigError that lists every problem", () => {
        assert.throws(
            () => resolvePipelineSettings({ escalation: { maxReceiveCount: 9 }, toolCall: { batchSize: 20 } }),
            (error: unknown) =>
                error instanceof PipelineConfigError &&
                error.name === "PipelineConfigError" &&
                error.problems.length === 2 &&
                /\(2 problems\)/.test(error.message) &&
                /maxReceiveCount/.test(error.message) &&
                /batchSize/.test(error.message),
        );
    });

    it("resolves defaults for a valid config", () => {
        const settings = resolvePipelineSettings({ escalation: { functionTimeoutSeconds: 10 } });

        assert.equal(settings.lanes.escalation.queue.visibilityTimeoutSeconds, 60);
        assert.equal(settings.logRetentionDays, 30);
        assert.deepEqual(settings.alarms, { emailEndpoints: [], httpsEndpoints: [] });
    });
});
