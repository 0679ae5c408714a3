import type { S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { JsonlAuditTrail } from "../../../local/dlq/audit";
import { DlqOperations } from "../../../local/dlq/operations";
import { FauxqsQueueAgeReader } from "../../../local/dlq/queue-age";
import type { SqsFixture, TestQueue } from "./sqs-fixture";

/** DlqOperations over one test queue pair as lane `lane`, auditing to a fresh JSONL file. */
export function operationsFor(
    fixture: SqsFixture,
    queue: TestQueue,
    lane = "escalation",
    s3?: () => S3Client,
): { operations: DlqOperations; audit: JsonlAuditTrail } {
    const audit = new JsonlAuditTrail(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dlq-audit-")), "dlq-audit.jsonl"));
    const operations = new DlqOperations({
        sqs: fixture.sqs,
        lanes: [
            {
                lane,
                queueUrl: queue.url,
                queueArn: queue.arn,
                deadLetterQueueUrl: queue.deadLetterUrl,
                deadLetterQueueArn: queue.deadLetterArn,
            },
        ],
        audit,
        operator: "test-operator",
        ages: new FauxqsQueueAgeReader(fixture.emulators.sqsEndpoint),
        s3,
    });
    return { operations, audit };
}

/** A valid escalation body for the escalation lane's schema. */
export const escalationBody = (callId: string, reason = "Caller asks for a human"): string =>
    JSON.stringify({ callId, reason, severity: "critical" });
