import * as assert from "node:assert/strict";
import { buildPipeline, ResourceTypes } from "../helpers/pipeline-fixture";
import { MockResource, MockStack } from "../helpers/pulumi-mocks";

/** The role policy that grants the permissions of the role a function runs as (its `role` input is the role's ARN). */
function rolePolicyOf(stack: MockStack, fn: MockResource): MockResource {
    const policies = stack
        .ofType(ResourceTypes.rolePolicy)
        .filter((policy) => String(fn.inputs.role).endsWith(`:role/${policy.inputs.role}`));
    assert.equal(policies.length, 1, `${fn.name}: one role policy for its role`);
    return policies[0];
}

describe("EscalationPipeline resource tree and creation order", () => {
    it("registers every resource under the component, so each URN carries the component's and a rename keeps them apart", async () => {
        const { stack } = await buildPipeline();

        // The engine's default provider is registered on its own, outside any component.
        const withoutParent = stack.resources
            .filter((resource) => resource.parentUrn === undefined && !resource.type.startsWith("pulumi:providers:"))
            .map((resource) => resource.name);

        assert.deepEqual(withoutParent, ["main"]);
    });

    it("creates each function only after its role's permissions (Lambda checks them when it validates the mapping)", async () => {
        const { stack } = await buildPipeline();
        const functions = stack.ofType(ResourceTypes.function);

        assert.equal(functions.length, 3);
        for (const fn of functions) {
            assert.ok(fn.dependencyUrns.includes(rolePolicyOf(stack, fn).urn), `${fn.name} waits for its role policy`);
        }
    });

    it("configures the notifier's on-failure destination only after its role may send to the DLQ", async () => {
        const { stack } = await buildPipeline();
        const [invokeConfig] = stack.ofType(ResourceTypes.functionEventInvokeConfig);

        assert.ok(invokeConfig.dependencyUrns.includes(rolePolicyOf(stack, stack.named("main-alarm-notifier-function")).urn));
    });

    it("subscribes the notifier to the alarm topic only after SNS may invoke it", async () => {
        const { stack } = await buildPipeline();
        const subscription = stack.named("main-alarm-notifier-subscription");
        const [permission] = stack.ofType(ResourceTypes.permission);

        assert.ok(subscription.dependencyUrns.includes(permission.urn));
    });
});
