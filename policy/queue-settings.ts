import { PolicyResource } from "@pulumi/policy";
import { AwsDefaults } from "./aws-facts";
import { queueNameFromArn } from "./references";
import { propsOf, QueueProps } from "./resource-props";
import { Link } from "./stack-index";
import { known, orDefault, Reading, readOutput } from "./unknown-values";

const FIFO_SUFFIX = ".fifo";

/**
 * Whether the queue a link leads to is FIFO: a queue of the stack by its `fifoQueue` (AWS also
 * requires the ".fifo" name suffix, so either one marks it), a queue outside it by its ARN.
 */
export function isFifoQueue(link: Link & { kind: "resource" | "external" }): Reading<boolean> {
    if (link.kind === "external") {
        return known((queueNameFromArn(link.reference) ?? link.reference).endsWith(FIFO_SUFFIX));
    }
    const props = propsOf<QueueProps>(link.resource);
    const fifoQueue = readOutput(link.resource, () => props.fifoQueue);
    if (!fifoQueue.known) {
        return fifoQueue;
    }
    const name = readOutput(link.resource, () => props.name);
    return known(fifoQueue.value === true || (name.known && (name.value ?? "").endsWith(FIFO_SUFFIX)));
}

/** messageRetentionSeconds, AWS's 4 days when unset. */
export function retentionSecondsOf(queue: PolicyResource): Reading<number> {
    return orDefault(
        readOutput(queue, () => propsOf<QueueProps>(queue).messageRetentionSeconds),
        AwsDefaults.messageRetentionSeconds,
    );
}

/** maxMessageSize in bytes, AWS's 256 KiB when unset. */
export function maxMessageSizeOf(queue: PolicyResource): Reading<number> {
    return orDefault(
        readOutput(queue, () => propsOf<QueueProps>(queue).maxMessageSize),
        AwsDefaults.maximumMessageSizeBytes,
    );
}

/** visibilityTimeoutSeconds, AWS's 30 s when unset. */
export function visibilityTimeoutOf(queue: PolicyResource): Reading<number> {
    return orDefault(
        readOutput(queue, () => propsOf<QueueProps>(queue).visibilityTimeoutSeconds),
        AwsDefaults.visibilityTimeoutSeconds,
    );
}

/** The queue kind for messages: "FIFO" or "standard". */
export function queueKind(fifo: boolean): string {
    return fifo ? "FIFO" : "standard";
}
