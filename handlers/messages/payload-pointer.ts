import type { S3Client } from "@aws-sdk/client-s3";
import { s3Module } from "../aws/s3-module";
import { InvalidMessageError, PayloadMissingError, TransientError } from "../failures/errors";

/**
 * The extended client pattern: a payload too large for SQS is stored in S3 and the message body
 * becomes a pointer. The body format is the one the AWS SQS Extended Client libraries (Java,
 * Python) write, so large messages stay readable across languages.
 */
const POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer";

export interface PayloadPointer {
    readonly s3BucketName: string;
    readonly s3Key: string;
}

export function encodePayloadPointer(pointer: PayloadPointer): string {
    return JSON.stringify([POINTER_CLASS, { s3BucketName: pointer.s3BucketName, s3Key: pointer.s3Key }]);
}

/** Reads a pointer body; a malformed one is poison (it will not parse better next time). */
export function decodePayloadPointer(body: string): PayloadPointer {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        parsed = undefined;
    }
    if (Array.isArray(parsed) && parsed[0] === POINTER_CLASS && typeof parsed[1] === "object" && parsed[1] !== null) {
        const { s3BucketName, s3Key } = parsed[1] as Record<string, unknown>;
        if (typeof s3BucketName === "string" && s3BucketName !== "" && typeof s3Key === "string" && s3Key !== "") {
            return { s3BucketName, s3Key };
        }
    }
    throw new InvalidMessageError(`message is marked as an S3 pointer but its body is not one: ${body.slice(0, 120)}`);
}

/** Fetches the payload a pointer names. A missing object is poison; other S3 errors are transient. */
export async function fetchPointedPayload(s3: S3Client, pointer: PayloadPointer): Promise<string> {
    const { GetObjectCommand, NoSuchKey } = s3Module();
    try {
        const object = await s3.send(new GetObjectCommand({ Bucket: pointer.s3BucketName, Key: pointer.s3Key }));
        if (object.Body === undefined) {
            throw new PayloadMissingError(pointer.s3BucketName, pointer.s3Key);
        }
        return await object.Body.transformToString("utf8");
    } catch (error) {
        if (error instanceof PayloadMissingError) {
            throw error;
        }
        if (error instanceof NoSuchKey || (error as Error).name === "NoSuchKey") {
            throw new PayloadMissingError(pointer.s3BucketName, pointer.s3Key, { cause: error });
        }
        throw new TransientError(`reading payload s3://${pointer.s3BucketName}/${pointer.s3Key} failed: ${(error as Error).message}`, {
            cause: error,
        });
    }
}
