import { PolicyResource } from "@pulumi/policy";
import { describe } from "./messages";
import {
    deniesInsecureTransport,
    isAllow,
    isPublicPrincipal,
    restrictsCaller,
    servicePrincipalsOf,
    isUnsetDocument,
    parsePolicyDocument,
    ParsedStatement,
    statementsOrReport,
    wildcardActionsOf,
} from "./policy-documents";
import { propsOf, QueuePolicyProps } from "./resource-props";
import { ResourceTypes } from "./resource-types";
import { Reporter, stackRule } from "./rule";
import { StackIndex } from "./stack-index";
import { Reading, readOutput } from "./unknown-values";

/** A queue's access policy: an aws.sqs.QueuePolicy's `policy`, or the queue's own `policy`. */
function accessPolicyOf(holder: PolicyResource): Reading<unknown> {
    return readOutput(holder, () => propsOf<QueuePolicyProps>(holder).policy as unknown);
}

/** The queue policy documents that apply to `queue`, each with the resource that holds it. */
function documentsFor(index: StackIndex, queue: PolicyResource): { holder: PolicyResource; document: Reading<unknown> }[] {
    const holders = [queue, ...(index.queuePolicies.byTarget.get(queue.urn) ?? [])];
    return holders
        .map((holder) => ({ holder, document: accessPolicyOf(holder) }))
        .filter(({ document }) => !document.known || !isUnsetDocument(document.value));
}

/**
 * Calls `visit` with each statement of each queue access policy in the stack, on the resource that
 * holds it (a queue's own `policy` or an aws.sqs.QueuePolicy); statementsOrReport reports a document
 * it cannot read on its holder instead.
 */
function forEachAccessStatement(
    index: StackIndex,
    report: Reporter,
    visit: (holder: PolicyResource, statement: ParsedStatement, position: number) => void,
): void {
    for (const holder of [...index.ofType(ResourceTypes.queue), ...index.ofType(ResourceTypes.queuePolicy)]) {
        report.forResource(holder, () => {
            statementsOrReport(report, holder, accessPolicyOf(holder)).forEach((statement, position) => visit(holder, statement, position));
        });
    }
}

function statementLabel(statement: ParsedStatement, position: number): string {
    return statement.Sid === undefined ? `statement ${position + 1}` : `statement '${statement.Sid}'`;
}

/**
 * Advisory by default: AWS SDKs already use HTTPS, so the Deny is defence in depth against a
 * misconfigured client rather than a gap an attacker can use today. prod.json makes it mandatory.
 */
export const sqsQueuePolicyDeniesInsecureTransport = stackRule({
    name: "sqs-queue-policy-denies-insecure-transport",
    description: "Every SQS queue must have a queue policy that denies requests made without TLS (aws:SecureTransport false).",
    enforcementLevel: "advisory",
    check: (index, report) => {
        let someQueueUnprotected = false;
        for (const queue of index.ofType(ResourceTypes.queue)) {
            report.forResource(queue, () => {
                const documents = documentsFor(index, queue);
                const unknownDocuments = documents.filter(({ document }) => !document.known);
                // Every document must deny: when two write the one Policy attribute, the last write
                // wins, and which one that is the program does not say (sqs-queue-one-access-policy).
                const denies =
                    documents.length > 0 &&
                    documents.every(({ document }) => {
                        const parsed = document.known ? parsePolicyDocument(document.value) : undefined;
                        return parsed?.ok === true && parsed.statements.some(deniesInsecureTransport);
                    });
                if (denies) {
                    return;
                }
                if (unknownDocuments.length > 0) {
                    for (const { holder, document } of unknownDocuments) {
                        report.knownValue(holder, document);
                    }
                    return;
                }
                someQueueUnprotected = true;
                const found =
                    documents.length === 0
                        ? "found no queue policy"
                        : `found no such statement in ${documents.map(({ holder }) => describe(holder)).join(", ")}`;
                report.violation(
                    queue,
                    `${describe(queue)} must have a queue policy that denies all SQS actions ` +
                        `when aws:SecureTransport is false; ${found}.`,
                );
            });
        }
        // Queue policies whose queue is unknown at preview might be the ones a queue lacks.
        if (someQueueUnprotected) {
            report.unknownReferences(index.queuePolicies.unresolved);
        }
    },
});

/**
 * Mandatory: a wildcard principal lets any AWS account send or read escalations, and a wildcard
 * action lets a grantee purge the queue or change its redrive; both are real exposures.
 * `Principal: "*"` pinned by aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID to fixed
 * values is not public and passes; an Allow with NotPrincipal or NotAction counts as a wildcard.
 */
export const sqsQueuePolicyNoWildcards = stackRule({
    name: "sqs-queue-policy-no-wildcards",
    description: "SQS queue policies must not allow a wildcard principal or wildcard actions.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        forEachAccessStatement(index, report, (holder, statement, position) => {
            if (!isAllow(statement)) {
                return;
            }
            const where = statementLabel(statement, position);
            if (isPublicPrincipal(statement)) {
                report.violation(
                    holder,
                    `${describe(holder)} must not allow a wildcard principal; found ` +
                        `Principal ${JSON.stringify(statement.Principal)} in ${where}.`,
                );
            }
            if (statement.NotPrincipal !== undefined) {
                report.violation(
                    holder,
                    `${describe(holder)} must not allow with NotPrincipal (it grants every principal ` +
                        `but those listed); found it in ${where}.`,
                );
            }
            const wildcards = wildcardActionsOf(statement);
            if (wildcards.length > 0) {
                report.violation(
                    holder,
                    `${describe(holder)} must not allow wildcard actions; found ` + `${wildcards.join(", ")} in ${where}.`,
                );
            }
        });
    },
});

/**
 * Mandatory: a queue has one Policy attribute. The queue's own `policy` and every
 * aws.sqs.QueuePolicy on it all write that attribute, and the last write wins, so with two the
 * policy in force is whichever the engine happened to apply last: a TLS deny or a narrow grant
 * in one of them proves nothing.
 */
export const sqsQueueOneAccessPolicy = stackRule({
    name: "sqs-queue-one-access-policy",
    description: "An SQS queue must have at most one access policy (its own policy or one aws.sqs.QueuePolicy).",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        for (const queue of index.ofType(ResourceTypes.queue)) {
            report.forResource(queue, () => {
                const documents = documentsFor(index, queue);
                if (documents.length <= 1) {
                    return;
                }
                const holders = documents.map(({ holder }) => (holder === queue ? "its own policy" : describe(holder)));
                report.violation(
                    queue,
                    `${describe(queue)} has ${documents.length} access policies (${holders.join(", ")}), but SQS ` +
                        "keeps one: the last write wins; keep exactly one.",
                );
            });
        }
    },
});

/**
 * Mandatory: a service principal (sns.amazonaws.com, events.amazonaws.com...) without
 * aws:SourceArn or aws:SourceAccount lets that service send on behalf of any customer's resource
 * (the confused deputy AWS's SQS guide warns of): anyone's topic could feed the pager.
 */
export const sqsQueuePolicyServicePrincipalScoped = stackRule({
    name: "sqs-queue-policy-service-principal-scoped",
    description: "SQS queue policies that allow a service principal must scope it with aws:SourceArn or aws:SourceAccount.",
    enforcementLevel: "mandatory",
    check: (index, report) => {
        forEachAccessStatement(index, report, (holder, statement, position) => {
            const services = isAllow(statement) ? servicePrincipalsOf(statement) : [];
            if (services.length === 0 || restrictsCaller(statement)) {
                return;
            }
            report.violation(
                holder,
                `${describe(holder)} must scope service principal ${services.join(", ")} with aws:SourceArn or ` +
                    `aws:SourceAccount; found none in ${statementLabel(statement, position)}.`,
            );
        });
    },
});
