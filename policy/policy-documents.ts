import { describe, NamedResource } from "./messages";
import type { Reporter } from "./rule";
import { Reading } from "./unknown-values";

/**
 * IAM-style policy documents (queue policies, role policies) as resources carry them: a JSON
 * string or, when the program passes a PolicyDocument object, an object. Only the fields the
 * rules judge are read, so an unknown ARN in a `Resource` does not hide a wildcard `Action`.
 *
 * Not the program's `PolicyStatement` (pipeline/policy-documents.ts): that one is the strict shape
 * the component writes; this one is what any program's resource may carry, every field optional
 * and untrusted. The pack is a package of its own and imports nothing from the program it gates.
 */
export interface ParsedStatement {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Action?: string | readonly string[];
    readonly NotAction?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Principal?: unknown;
    readonly NotPrincipal?: unknown;
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export type ParsedDocument =
    { readonly ok: true; readonly statements: readonly ParsedStatement[] } | { readonly ok: false; readonly problem: string };

export function parsePolicyDocument(value: unknown): ParsedDocument {
    let document: unknown = value;
    if (typeof value === "string") {
        try {
            document = JSON.parse(value);
        } catch {
            return { ok: false, problem: "is not valid JSON" };
        }
    }
    if (typeof document !== "object" || document === null) {
        return { ok: false, problem: `must be a policy document object; found ${JSON.stringify(value)}` };
    }
    const statement = (document as { Statement?: unknown }).Statement;
    if (statement === undefined) {
        return { ok: true, statements: [] };
    }
    const statements = Array.isArray(statement) ? statement : [statement];
    return { ok: true, statements: statements as ParsedStatement[] };
}

/** A policy property left unset (the provider reports "" for some): no document, nothing to judge. */
export function isUnsetDocument(value: unknown): boolean {
    return value === undefined || value === "";
}

/**
 * The statements of the policy document `holder` carries, for a rule to judge. An unknown
 * document is reported as unknown, an invalid one as a violation on `holder`; both, like an
 * unset document, give no statements.
 */
export function statementsOrReport(report: Reporter, holder: NamedResource, document: Reading<unknown>): readonly ParsedStatement[] {
    const value = report.knownValue(holder, document);
    if (value === undefined || isUnsetDocument(value.value)) {
        return [];
    }
    const parsed = parsePolicyDocument(value.value);
    if (!parsed.ok) {
        report.violation(holder, `${describe(holder)} policy must be a valid policy document; it ${parsed.problem}.`);
        return [];
    }
    return parsed.statements;
}

function asList(value: string | readonly string[] | undefined): readonly string[] {
    if (value === undefined) {
        return [];
    }
    return typeof value === "string" ? [value] : value;
}

export function isAllow(statement: ParsedStatement): boolean {
    return statement.Effect === "Allow";
}

/** A wildcard over a whole service or over everything: "*", "sqs:*", "SQS:*", "s3:*". */
export function isWildcardAction(action: string): boolean {
    return action === "*" || action.endsWith(":*");
}

/**
 * The actions of a statement that grant a whole service. A `NotAction` in an Allow grants
 * everything except the listed actions, so it counts as a wildcard.
 */
export function wildcardActionsOf(statement: ParsedStatement): readonly string[] {
    const wildcards = asList(statement.Action).filter(isWildcardAction);
    return statement.NotAction === undefined ? wildcards : [...wildcards, `NotAction ${JSON.stringify(statement.NotAction)}`];
}

/**
 * Actions for which AWS offers no resource-level permissions, so `Resource: "*"` is the only
 * form that works: X-Ray's writes, CloudWatch PutMetricData, and the EC2 network-interface
 * calls a function in a VPC needs.
 */
const STAR_RESOURCE_ACTIONS =
    /^(xray:[A-Za-z]+|cloudwatch:PutMetricData|ec2:(Create|Describe|Delete|Assign|Unassign)NetworkInterfaces?|ec2:(Un)?[Aa]ssignPrivateIpAddresses)$/i;

/** The actions of an Allow statement granted on `Resource: "*"` that AWS does not require it for. */
export function starResourceActionsOf(statement: ParsedStatement): readonly string[] {
    if (!isAllow(statement) || !asList(statement.Resource).includes("*")) {
        return [];
    }
    return asList(statement.Action).filter((action) => !STAR_RESOURCE_ACTIONS.test(action));
}

/** The service principals of a statement ({"Service": "sns.amazonaws.com"}). */
export function servicePrincipalsOf(statement: ParsedStatement): readonly string[] {
    const principal = statement.Principal;
    if (typeof principal !== "object" || principal === null) {
        return [];
    }
    return asList((principal as { Service?: string | readonly string[] }).Service);
}

/** "*" or {"AWS": "*"} (or a list holding "*"): any principal of any account. */
export function hasWildcardPrincipal(statement: ParsedStatement): boolean {
    const principal = statement.Principal;
    if (principal === "*") {
        return true;
    }
    if (typeof principal !== "object" || principal === null) {
        return false;
    }
    const aws = (principal as { AWS?: string | readonly string[] }).AWS;
    return asList(aws).includes("*");
}

/**
 * Condition keys that pin the caller to fixed values: with one of them, `Principal: "*"` is not
 * public (AWS Config's sqs-queue-no-public-access draws the same line, and the @pulumi/aws
 * QueuePolicy example is exactly such a statement).
 */
const CALLER_KEYS: ReadonlySet<string> = new Set([
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:sourceorgid",
    "aws:sourceowner",
]);

/** Operators that hold only when the key is present and equal to (or like) the given values. */
const POSITIVE_OPERATORS: ReadonlySet<string> = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

/**
 * True when a condition of the statement pins the caller (SourceArn, SourceAccount,
 * PrincipalOrgID...) to fixed values: a positive operator, no "...IfExists", no "*" or "?"
 * in any value.
 */
export function restrictsCaller(statement: ParsedStatement): boolean {
    return Object.entries(statement.Condition ?? {}).some(
        ([operator, entries]) =>
            POSITIVE_OPERATORS.has(operator.toLowerCase()) &&
            Object.entries(entries ?? {}).some(([key, value]) => {
                const values = Array.isArray(value) ? value : [value];
                return (
                    CALLER_KEYS.has(key.toLowerCase()) &&
                    values.length > 0 &&
                    values.every((v) => typeof v === "string" && v !== "" && !/[*?]/.test(v))
                );
            }),
    );
}

/** A statement open to anyone: a wildcard principal with no condition pinning the caller. */
export function isPublicPrincipal(statement: ParsedStatement): boolean {
    return hasWildcardPrincipal(statement) && !restrictsCaller(statement);
}

function conditionValueIsFalse(value: unknown): boolean {
    const values = Array.isArray(value) ? value : [value];
    return values.length > 0 && values.every((v) => v === false || (typeof v === "string" && v.toLowerCase() === "false"));
}

/**
 * The statement the AWS guidance asks for: Deny every SQS action to every principal when
 * aws:SecureTransport is false (condition keys are case-insensitive in IAM).
 */
export function deniesInsecureTransport(statement: ParsedStatement): boolean {
    if (statement.Effect !== "Deny" || !hasWildcardPrincipal(statement)) {
        return false;
    }
    // Action names are case-insensitive in IAM: "SQS:*" covers every SQS action too.
    const coversAllSqs = asList(statement.Action).some((action) => action === "*" || action.toLowerCase() === "sqs:*");
    const bool = statement.Condition?.Bool ?? {};
    const secureTransport = Object.entries(bool).find(([key]) => key.toLowerCase() === "aws:securetransport");
    return coversAllSqs && secureTransport !== undefined && conditionValueIsFalse(secureTransport[1]);
}
