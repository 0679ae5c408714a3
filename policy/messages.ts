import { ResourceLabels, ResourceType } from "./resource-types";
import type { Link } from "./stack-index";

/** The parts of a resource a message names. */
export interface NamedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
}

/** "SQS queue 'orders'": the resource kind and its Pulumi name, as every message starts. */
export function describe(resource: NamedResource): string {
    const label = ResourceLabels[resource.type as ResourceType] ?? resource.type;
    return `${label} '${resource.name}'`;
}

/**
 * What a first preview cannot know, and the remedy: the second line of every unknown-value message.
 * A later preview reads the resources' outputs from the stack's state, so it knows ARNs, URLs and
 * ids of resources that already exist; a value built from names is known in every preview.
 */
export const unknownValueRemedy =
    "A first `pulumi preview` cannot know values the provider computes when it creates a resource (ARNs, URLs, ids) " +
    "or values from other stacks; build the value from names and the region, account and partition invokes " +
    "(as the pipeline component builds its ARNs), or run the offline gate, which knows identifiers computed from names.";

/** The message for a value a rule needs but cannot read at preview. */
export function unknownValueMessage(resource: NamedResource, what: string): string {
    return `${describe(resource)} ${what} is unknown at preview; it must be known so this rule can be checked.\n${unknownValueRemedy}`;
}

/** "30 s" */
export function seconds(value: number): string {
    return `${value} s`;
}

/** The message for a resource that points outside the stack, where a rule cannot follow it. */
export function outsideStackMessage(resource: NamedResource, what: string, reference: string): string {
    return `${describe(resource)} ${what} must be declared in this stack so this rule can check it; found '${reference}'.`;
}

/** A link's target: "SQS queue 'pager'" in the stack, or the quoted reference outside it. */
export function describeTarget(link: Link & { kind: "resource" | "external" }): string {
    return link.kind === "resource" ? describe(link.resource) : `'${link.reference}'`;
}
