/**
 * SQS tells a FIFO queue by its name: it requires a FIFO queue's name to end in ".fifo" and
 * refuses that ending on a standard queue. So a queue's name, URL or ARN alone says its type,
 * and every place that needs the type (the component's names and policies, the handlers'
 * dead-letter copies, the local runtime and the DLQ tools) asks this one module.
 * The policy pack keeps its own copy (policy/queue-settings.ts): it is a package of its own
 * and imports nothing from the program it gates.
 */
export const FIFO_QUEUE_SUFFIX = ".fifo";

/** Whether the queue named by `nameUrlOrArn` (a queue name, URL or ARN) is a FIFO queue. */
export function isFifoQueue(nameUrlOrArn: string): boolean {
    return nameUrlOrArn.endsWith(FIFO_QUEUE_SUFFIX);
}
