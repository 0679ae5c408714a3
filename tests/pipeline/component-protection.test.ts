import * as assert from "node:assert/strict";
import { buildPipeline, ResourceTypes } from "../helpers/pipeline-fixture";
import { MockStack } from "../helpers/pulumi-mocks";

const PREFIX = "escalation-pipeline-test-main";

/** The physical name of a resource, whichever input the provider takes it from. */
function physicalName(resource: MockStack["resources"][number]): unknown {
    return resource.type === ResourceTypes.bucket ? resource.inputs.bucket : resource.inputs.name;
}

describe("EscalationPipeline data protection", () => {
    it("protects the table and the payload bucket by default", async () => {
        const { stack } = await buildPipeline();

        assert.deepEqual(stack.ofType(ResourceTypes.table)[0].options, { protect: true, retainOnDelete: false });
        assert.deepEqual(stack.ofType(ResourceTypes.bucket)[0].options, { protect: true, retainOnDelete: false });
    });

    it("keeps the table's deletion protection when Pulumi only retains it on delete", async () => {
        const { stack } = await buildPipeline({ options: { dataProtection: "retainOnDelete" } });
        const [table] = stack.ofType(ResourceTypes.table);

        assert.deepEqual(table.options, { protect: false, retainOnDelete: true });
        assert.equal(table.inputs.deletionProtectionEnabled, true);
    });

    it("guards nothing on a disposable stack (dataProtection none): destroy empties the bucket and deletes the table", async () => {
        const { stack } = await buildPipeline({ options: { dataProtection: "none" } });
        const [table] = stack.ofType(ResourceTypes.table);
        const [bucket] = stack.ofType(ResourceTypes.bucket);

        assert.deepEqual(
            [table.options, bucket.options],
            [
                { protect: false, retainOnDelete: false },
                { protect: false, retainOnDelete: false },
            ],
        );
        assert.equal(table.inputs.deletionProtectionEnabled, false);
        assert.equal(bucket.inputs.forceDestroy, true);
    });

    it("never lets destroy delete a protected bucket that still has objects", async () => {
        const { stack } = await buildPipeline();

        assert.equal(stack.ofType(ResourceTypes.bucket)[0].inputs.forceDestroy, undefined);
    });
});

describe("EscalationPipeline physical names", () => {
    it("derives every named resource from the prefix", async () => {
        const { stack } = await buildPipeline({ options: { encryption: "stackKey" }, pagerDutyRoutingKey: "R0UT1NGKEY" });
        const named = stack.resources.filter((resource) => typeof physicalName(resource) === "string");
        // Log groups live under /aws/lambda/, aliases under alias/, parameters under /<prefix>/.
        const derived = new RegExp(`^(/aws/lambda/|alias/|/)?${PREFIX}([-/]|$)`);
        const notPrefixed = named.filter((resource) => !derived.test(String(physicalName(resource))));

        // Every type that takes a name is here: a resource left to auto-naming would be missing.
        assert.deepEqual(
            [...new Set(named.map((r) => r.type))].sort(),
            [
                ResourceTypes.logGroup,
                ResourceTypes.metricAlarm,
                ResourceTypes.role,
                ResourceTypes.rolePolicy,
                ResourceTypes.table,
                ResourceTypes.kmsAlias,
                ResourceTypes.function,
                ResourceTypes.bucket,
                ResourceTypes.topic,
                ResourceTypes.queue,
                ResourceTypes.parameter,
            ].sort(),
        );
        assert.deepEqual(
            notPrefixed.map((r) => `${r.type} ${String(physicalName(r))}`),
            [],
        );
    });
});
