// Identifiers the AWS provider computes deterministically from what the program already knows:
// the name (given, or the auto-name Pulumi would give it: logical name + random suffix), the
// region, the account and the partition. A first `pulumi preview` leaves them unknown because
// the provider has not created anything yet; the offline gate runs the program itself, so it can
// fill them in and judge the values they feed (`pulumi.jsonStringify({ deadLetterTargetArn:
// dlq.arn, ... })`). Everything else a provider computes stays unknown (fail-closed).
import { createHash } from "node:crypto";
import { partitionOf, placeholderAccountId } from "./invoke-table";
import { unknownValue } from "./recorded-stack";

/** Where the identifiers live: region, account and partition of the stack. */
export interface AwsContext {
    readonly region: string;
    readonly account: string;
}

type Inputs = Readonly<Record<string, unknown>>;

/** What the provider would fill in for one resource: the checked `name` and the computed outputs. */
export interface ComputedIdentity {
    /** The auto-name, when the program set neither `name` nor `namePrefix`. */
    readonly autoName?: string;
    readonly id: string;
    readonly outputs: Readonly<Record<string, string>>;
}

// Pulumi's auto-name suffix is 7 random hex characters; the gate derives them from the URN's
// type and name so every run (and every test) sees the same name.
function suffixOf(type: string, logicalName: string): string {
    return createHash("sha256").update(`${type}::${logicalName}`).digest("hex").slice(0, 7);
}

// The AWS provider's `namePrefix` adds a 26-digit unique id (a timestamp and a counter).
function prefixedIdOf(type: string, logicalName: string): string {
    const digits = BigInt(`0x${createHash("sha256").update(`prefix::${type}::${logicalName}`).digest("hex").slice(0, 20)}`).toString();
    return digits.padStart(26, "0").slice(0, 26);
}

/** The name the provider would use, or undefined when it depends on something unknown. */
function physicalName(type: string, logicalName: string, inputs: Inputs, fifoSuffix: boolean): { name: string; auto: boolean } | undefined {
    const known = (value: unknown): value is string => typeof value === "string" && value !== unknownValue;
    if (inputs.name !== undefined) {
        return known(inputs.name) ? { name: inputs.name, auto: false } : undefined;
    }
    const fifo = fifoSuffix && (inputs.fifoQueue === true || inputs.fifoTopic === true) ? ".fifo" : "";
    if (inputs.namePrefix !== undefined) {
        return known(inputs.namePrefix)
            ? { name: `${inputs.namePrefix}${prefixedIdOf(type, logicalName)}${fifo}`, auto: false }
            : undefined;
    }
    return { name: `${logicalName}-${suffixOf(type, logicalName)}${fifo}`, auto: true };
}

type Model = (
    name: string,
    inputs: Inputs,
    aws: AwsContext & { partition: string; dnsSuffix: string },
) => { id: string; outputs: Record<string, string> };

/** The resource types whose identifiers follow from their name, and how (AWS's ARN formats). */
const models: Readonly<Record<string, { readonly fifoSuffix: boolean; readonly model: Model }>> = {
    "aws:sqs/queue:Queue": {
        fifoSuffix: true,
        model: (name, _inputs, aws) => {
            const url = `https://sqs.${aws.region}.${aws.dnsSuffix}/${aws.account}/${name}`;
            return { id: url, outputs: { name, url, arn: `arn:${aws.partition}:sqs:${aws.region}:${aws.account}:${name}` } };
        },
    },
    "aws:lambda/function:Function": {
        fifoSuffix: false,
        model: (name, _inputs, aws) => {
            const arn = `arn:${aws.partition}:lambda:${aws.region}:${aws.account}:function:${name}`;
            return {
                id: name,
                outputs: {
                    name,
                    arn,
                    qualifiedArn: `${arn}:$LATEST`,
                    invokeArn: `arn:${aws.partition}:apigateway:${aws.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                },
            };
        },
    },
    "aws:iam/role:Role": {
        fifoSuffix: false,
        model: (name, inputs, aws) => {
            const rolePath = typeof inputs.path === "string" ? inputs.path : "/";
            return { id: name, outputs: { name, arn: `arn:${aws.partition}:iam::${aws.account}:role${rolePath}${name}` } };
        },
    },
    "aws:sns/topic:Topic": {
        fifoSuffix: true,
        model: (name, _inputs, aws) => {
            const arn = `arn:${aws.partition}:sns:${aws.region}:${aws.account}:${name}`;
            return { id: arn, outputs: { name, arn } };
        },
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        fifoSuffix: false,
        model: (name, _inputs, aws) => ({
            id: name,
            outputs: { name, arn: `arn:${aws.partition}:logs:${aws.region}:${aws.account}:log-group:${name}` },
        }),
    },
};

/** Resource types whose identifiers the gate models. */
export const modelledTypes: readonly string[] = Object.keys(models);

/**
 * The identifiers of a new resource of a modelled type, or undefined (type not modelled, no
 * region configured, or a name that depends on an unknown value).
 */
export function computedIdentity(
    type: string,
    logicalName: string,
    inputs: Inputs,
    region: string | undefined,
): ComputedIdentity | undefined {
    const entry = models[type];
    if (entry === undefined || region === undefined) {
        return undefined;
    }
    const named = physicalName(type, logicalName, inputs, entry.fifoSuffix);
    if (named === undefined) {
        return undefined;
    }
    const { id, outputs } = entry.model(named.name, inputs, { region, account: placeholderAccountId, ...partitionOf(region) });
    return { autoName: named.auto ? named.name : undefined, id, outputs };
}
