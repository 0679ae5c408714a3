/**
 * Parsing of the references resources hold to each other (ARNs, queue URLs, names), used when no
 * property dependency links them: e.g. an ARN string written by hand or read from config.
 */

/** "arn:aws:sqs:eu-west-1:123456789012:orders-dlq" -> "orders-dlq"; undefined if not an SQS ARN. */
export function queueNameFromArn(arn: string): string | undefined {
    const parts = arn.split(":");
    return parts.length >= 6 && parts[0] === "arn" && parts[2] === "sqs" ? parts.slice(5).join(":") : undefined;
}

/** True for an ARN of another service (Kinesis, DynamoDB, MSK...): not an SQS event source. */
export function isNonSqsArn(reference: string): boolean {
    return reference.startsWith("arn:") && queueNameFromArn(reference) === undefined;
}

/** "https://sqs.eu-west-1.amazonaws.com/123456789012/orders" -> "orders". */
export function queueNameFromUrl(url: string): string | undefined {
    const last = url.split("/").filter((part) => part !== "").pop();
    return last !== undefined && url.includes("/") ? last : undefined;
}

/**
 * A Lambda function reference as event source mappings accept it: a name, a full ARN
 * "arn:aws:lambda:r:a:function:name[:qualifier]" or a partial "a:function:name" -> "name".
 */
export function functionNameFromReference(reference: string): string {
    const marker = ":function:";
    const at = reference.indexOf(marker);
    return at < 0 ? reference : reference.slice(at + marker.length).split(":")[0];
}

/** "arn:aws:iam::123456789012:role/service/pager-role" or "pager-role" -> "pager-role". */
export function roleNameFromReference(reference: string): string {
    return reference.startsWith("arn:") ? (reference.split("/").pop() ?? reference) : reference;
}

/** "arn:aws:iam::aws:policy/AmazonSQSFullAccess" -> "AmazonSQSFullAccess". */
export function policyNameFromArn(arn: string): string {
    return arn.split("/").pop() ?? arn;
}
