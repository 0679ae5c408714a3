import { describe } from "./messages";
import { stackRule } from "./rule";

/**
 * Mandatory: a message in a DLQ is an escalation that failed; without an alarm on the DLQ's
 * depth nobody learns of it, which for this pipeline is the same as losing it.
 */
export const cloudwatchDlqDepthAlarm = stackRule({
    name: "cloudwatch-dlq-depth-alarm",
    description: "Every dead-letter queue must have a CloudWatch alarm on its depth (AWS/SQS ApproximateNumberOfMessagesVisible).",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        let someDlqUnwatched = false;
        for (const dlq of index.deadLetterQueues) {
            report.forResource(dlq, () => {
                if ((index.depthAlarms.byTarget.get(dlq.urn) ?? []).length > 0) {
                    return;
                }
                someDlqUnwatched = true;
                report.violation(dlq, `${describe(dlq)} is a dead-letter queue and must have a CloudWatch alarm on AWS/SQS ` +
                    "ApproximateNumberOfMessagesVisible with dimension QueueName; found none.");
            });
        }
        // An alarm whose metric or queue is unknown might be the missing one: say so.
        if (someDlqUnwatched) {
            report.unknownReferences(index.depthAlarms.unresolved);
        }
    },
});
