import * as assert from "node:assert/strict";
import { NoSuchKey, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { PayloadMissingError, TransientError } from "../../handlers/errors";
import { fetchPointedPayload } from "../../handlers/messages";

/**
 * Why the consumer role has s3:ListBucket on the payload bucket: S3 answers a GetObject for a
 * missing key with 404 NoSuchKey only to a caller that may list the bucket, and with 403
 * AccessDenied to one that may not. These are the errors the SDK raises for each answer.
 */
function s3Answering(error: Error): S3Client {
    return { send: async () => Promise.reject(error) } as unknown as S3Client;
}

const pointer = { s3BucketName: "escalation-pipeline-test-main-payloads-123456789012", s3Key: "expired/one.json" };

describe("a missing payload, as S3 reports it to the consumer role", () => {
    it("is poison (dead-lettered at once) when S3 says 404 NoSuchKey, as it does with s3:ListBucket", async () => {
        const notFound = new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });

        await assert.rejects(fetchPointedPayload(s3Answering(notFound), pointer), PayloadMissingError);
    });

    it("would be retried as transient when S3 says 403 AccessDenied, as it does without s3:ListBucket", async () => {
        const denied = new S3ServiceException({
            name: "AccessDenied",
            $fault: "client",
            message: "Access Denied",
            $metadata: { httpStatusCode: 403 },
        });

        await assert.rejects(fetchPointedPayload(s3Answering(denied), pointer), TransientError);
    });
});
