import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { EscalationPipeline } from "../../pipeline";
import { buildPipeline, ResourceTypes } from "../helpers/pipeline-fixture";
import { MockResource, MockStack, runWithMocks } from "../helpers/pulumi-mocks";

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

    it("looks up partition, region and account through the aws provider the component is given, not the default one", async () => {
        // A pipeline deployed to another account or region passes its own provider; ARNs built
        // from the default provider's answers would name the wrong account or region.
        const { stack } = await runWithMocks(() => {
            const provider = new aws.Provider("other-account", { region: "eu-central-1" });
            return new EscalationPipeline("main", {}, { providers: [provider] });
        });
        const provider = stack.named("other-account");
        const awsInvokes = stack.invokes.filter((invoke) => invoke.token.startsWith("aws:"));

        assert.deepEqual(awsInvokes.map((invoke) => invoke.token).sort(), [
            "aws:index/getCallerIdentity:getCallerIdentity",
            "aws:index/getPartition:getPartition",
            "aws:index/getRegion:getRegion",
        ]);
        for (const invoke of awsInvokes) {
            assert.equal(invoke.provider, `${provider.urn}::${provider.name}-id`, `${invoke.token} runs through the given provider`);
        }
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
