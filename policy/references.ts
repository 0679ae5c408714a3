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
    const last = url
        .split("/")
        .filter((part) => part !== "")
        .pop();
    return last !== undefined && url.includes("/") ? last : undefined;
}

/**
 * A Lambda function reference as event source mappings accept it: a name "name[:qualifier]", a
 * full ARN "arn:aws:lambda:r:a:function:name[:qualifier]" or a partial "a:function:name" -> "name".
 */
export function functionNameFromReference(reference: string): string {
    const marker = ":function:";
    const at = reference.indexOf(marker);
    // Lambda accepts "name:qualifier" too (an alias or version); the function is the name.
    return (at < 0 ? reference : reference.slice(at + marker.length)).split(":")[0];
}

/** "arn:aws:iam::123456789012:role/service/pager-role" or "pager-role" -> "pager-role". */
export function roleNameFromReference(reference: string): string {
    return reference.startsWith("arn:") ? (reference.split("/").pop() ?? reference) : reference;
}

/** "arn:aws:iam::aws:policy/AmazonSQSFullAccess" -> "AmazonSQSFullAccess". */
export function policyNameFromArn(arn: string): string {
    return arn.split("/").pop() ?? arn;
}

/**
 * The parts of a well-formed SQS queue ARN (arn:<partition>:sqs:<region>:<12-digit account>:<name>,
 * name 1..80 characters of letters, digits, '-' and '_', with ".fifo" for FIFO queues), or
 * undefined for anything else: the one form SQS accepts as a deadLetterTargetArn.
 */
export function parseSqsArn(reference: string): { readonly region: string; readonly account: string; readonly name: string } | undefined {
    const match = /^arn:aws(?:-[a-z]+)*:sqs:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):([A-Za-z0-9_-]{1,75}(?:\.fifo)?)$/.exec(reference);
    if (match === null || match[3].length > 80) {
        return undefined;
    }
    return { region: match[1], account: match[2], name: match[3] };
}

/** The region and account of an ARN ("arn:aws:lambda:eu-west-1:123456789012:..."), when it names both. */
export function regionAndAccountOf(arn: string): { readonly region: string; readonly account: string } | undefined {
    const parts = arn.split(":");
    return parts.length >= 6 && parts[0] === "arn" && parts[3] !== "" && /^\d{12}$/.test(parts[4])
        ? { region: parts[3], account: parts[4] }
        : undefined;
}

/** What JSON.stringify gives for a Pulumi Output: a sign the program serialised an Output by mistake. */
const STRINGIFIED_OUTPUT = "Calling [toJSON] on an [Output<T>] is not supported";

/** Why `reference` is not an SQS queue ARN, for a message that quotes it. */
export function whyNotSqsArn(reference: string): string {
    if (reference.includes(STRINGIFIED_OUTPUT)) {
        return "it is the text JSON.stringify gives for a Pulumi Output (build the JSON with pulumi.jsonStringify or inside .apply)";
    }
    if (!reference.startsWith("arn:")) {
        return "it is not an ARN";
    }
    return queueNameFromArn(reference) === undefined
        ? "it is the ARN of another service, not of an SQS queue"
        : "it is not a well-formed SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue name>)";
}
