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

/** The message for a value a rule needs but cannot read at preview. */
export function unknownValueMessage(resource: NamedResource, what: string): string {
    return `${describe(resource)} ${what} is unknown at preview; it must be known so this rule can be checked.`;
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
