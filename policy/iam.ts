import { PolicyResource } from "@pulumi/policy";
import { describe } from "./messages";
import { isAllow, isWildcardAction, starResourceActionsOf, statementsOrReport, wildcardActionsOf } from "./policy-documents";
import { policyNameFromArn } from "./references";
import {
    ManagedPolicyProps,
    propsOf,
    RolePolicyAttachmentProps,
    RolePolicyAttachmentsExclusiveProps,
    RolePolicyProps,
    RoleProps,
} from "./resource-props";
import { ResourceTypes } from "./resource-types";
import { Reporter, stackRule } from "./rule";
import { StackIndex } from "./stack-index";
import { Reading, readOutput } from "./unknown-values";

/**
 * AWS managed policies that grant whole services: every "*FullAccess" policy plus the two broad
 * job-function policies whose names do not say so.
 */
const BROAD_MANAGED_POLICY = /FullAccess$|^AdministratorAccess$|^PowerUserAccess$/;

/** A policy document granted to a role, with where it comes from for the message. */
interface Grant {
    readonly origin: string;
    readonly holder: PolicyResource;
    readonly document: Reading<unknown>;
}

function grantsOf(index: StackIndex, role: PolicyResource, report: Reporter): Grant[] {
    const grants: Grant[] = [];
    const inline = report.knownValue(
        role,
        readOutput(role, () => (propsOf<RoleProps>(role).inlinePolicies ?? []).map((p) => p.policy as unknown)),
    );
    inline?.value?.forEach((document, position) =>
        grants.push({
            origin: `inline policy ${position + 1}`,
            holder: role,
            document: { known: true, value: document },
        }),
    );
    const managed = report.knownValue(
        role,
        readOutput(role, () => propsOf<RoleProps>(role).managedPolicyArns),
    );
    for (const arn of managed?.value ?? []) {
        checkManagedPolicyArn(role, arn, "managedPolicyArns", report);
    }
    for (const holder of index.rolePolicies.byTarget.get(role.urn) ?? []) {
        if (holder.type === ResourceTypes.rolePolicyAttachmentsExclusive) {
            const grantOf = (customer: PolicyResource): Grant => ({
                origin: `${describe(customer)} via ${describe(holder)}`,
                holder: customer,
                document: readOutput(customer, () => propsOf<ManagedPolicyProps>(customer).policy as unknown),
            });
            const arns = readOutput(holder, () => propsOf<RolePolicyAttachmentsExclusiveProps>(holder).policyArns);
            if (!arns.known) {
                // A customer managed policy's ARN is unknown at preview; the engine records the
                // policies the list came from, so judge those, and say so if anything else fed it.
                const sources = holder.propertyDependencies?.policyArns ?? [];
                const customers = sources.filter((source) => source.type === ResourceTypes.managedPolicy);
                if (customers.length === 0 || customers.length < sources.length) {
                    report.unknown(holder, arns.path);
                }
                grants.push(...customers.map(grantOf));
                continue;
            }
            for (const arn of arns.value ?? []) {
                const customer = index.findManagedPolicy(arn);
                if (customer === undefined) {
                    checkManagedPolicyArn(role, arn, describe(holder), report);
                } else {
                    grants.push(grantOf(customer));
                }
            }
            continue;
        }
        if (holder.type === ResourceTypes.rolePolicy) {
            grants.push({
                origin: describe(holder),
                holder,
                document: readOutput(holder, () => propsOf<RolePolicyProps>(holder).policy as unknown),
            });
            continue;
        }
        const attachment = propsOf<RolePolicyAttachmentProps>(holder);
        const policyArn = readOutput(holder, () => attachment.policyArn);
        const customer = index.link(
            holder,
            "policyArn",
            ResourceTypes.managedPolicy,
            policyArn,
            (arn) => index.findManagedPolicy(arn) ?? "external",
        );
        if (customer.kind === "resource") {
            const document = readOutput(customer.resource, () => propsOf<ManagedPolicyProps>(customer.resource).policy as unknown);
            grants.push({ origin: `${describe(customer.resource)} via ${describe(holder)}`, holder: customer.resource, document });
        } else if (customer.kind === "unknown") {
            report.unknown(holder, customer.path);
        } else if (customer.kind === "external") {
            checkManagedPolicyArn(role, customer.reference, describe(holder), report);
        }
    }
    return grants;
}

function checkManagedPolicyArn(role: PolicyResource, arn: string, origin: string, report: Reporter): void {
    const name = policyNameFromArn(arn);
    if (BROAD_MANAGED_POLICY.test(name)) {
        report.violation(
            role,
            `${describe(role)} must not attach broad managed policies (*FullAccess, AdministratorAccess, ` +
                `PowerUserAccess); found ${name} in ${origin}.`,
        );
    }
}

function checkGrant(role: PolicyResource, grant: Grant, report: Reporter): void {
    const statements = statementsOrReport(report, grant.holder, grant.document).filter(isAllow);
    const wildcards = statements.flatMap(wildcardActionsOf);
    if (wildcards.length > 0) {
        report.violation(role, `${describe(role)} must not allow wildcard actions; found ${wildcards.join(", ")} in ${grant.origin}.`);
    }
    // Wildcard actions are reported above; here only named actions granted on every resource.
    const onEverything = statements.flatMap(starResourceActionsOf).filter((action) => !isWildcardAction(action));
    if (onEverything.length > 0) {
        report.violation(
            role,
            `${describe(role)} must not allow Resource "*" except for actions AWS requires it for (X-Ray, ` +
                `cloudwatch:PutMetricData, EC2 network interfaces); found ${onEverything.join(", ")} on "*" in ${grant.origin}.`,
        );
    }
}

/**
 * Mandatory: consumers process agent-written payloads; a wildcard grant turns one bad message or
 * one compromised dependency into account-wide damage.
 */
export const iamConsumerRoleLeastPrivilege = stackRule({
    name: "iam-consumer-role-least-privilege",
    description:
        'Roles of Lambda functions that consume SQS must not allow wildcard actions, Resource "*" (except where AWS requires it) or attach *FullAccess managed policies.',
    enforcementLevel: "mandatory",
    check: (index, report) => {
        const checkedRoles = new Set<string>();
        for (const fn of index.consumerFunctions) {
            report.forResource(fn, () => {
                const role = report.resourceOrReport(fn, "role", index.roleOf(fn));
                if (role === undefined || checkedRoles.has(role.urn)) {
                    return;
                }
                checkedRoles.add(role.urn);
                report.forResource(role, () => {
                    for (const grant of grantsOf(index, role, report)) {
                        report.forResource(grant.holder, () => checkGrant(role, grant, report));
                    }
                });
            });
        }
        // Policies whose role is unknown might grant a consumer role anything.
        if (index.consumerFunctions.length > 0) {
            report.unknownReferences(index.rolePolicies.unresolved);
        }
    },
});
