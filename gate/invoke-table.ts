// Answers for the provider functions a program may call during a preview. Offline there is no AWS
// account, so only invokes whose answer follows from config are answered; anything else stops the
// run with an error naming the token, rather than inventing data a policy might then trust.
import { AnsweredInvokeError, UnknownInvokeError } from "./errors";

/** The account id every ARN built offline carries (AWS's documentation placeholder). */
export const placeholderAccountId = "123456789012";

export type InvokeResult = Record<string, unknown>;
type InvokeAnswer = (inputs: Record<string, unknown>) => InvokeResult;

// Partition and DNS suffix follow from the region name, as in AWS's own partition table.
export function partitionOf(region: string): { partition: string; dnsSuffix: string } {
    if (region.startsWith("cn-")) {
        return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" };
    }
    if (region.startsWith("us-gov-")) {
        return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com" };
    }
    return { partition: "aws", dnsSuffix: "amazonaws.com" };
}

/** Region from `aws:region`, else the AWS_REGION / AWS_DEFAULT_REGION the provider would read. */
export function configuredRegion(config: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): string | undefined {
    return config["aws:region"] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

/** Builds the invoke table for one stack's config. */
export function createInvokeTable(
    config: Readonly<Record<string, string>>,
    env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<string, InvokeAnswer>> {
    const region = (): string => {
        const value = configuredRegion(config, env);
        if (value === undefined) {
            throw new Error("getRegion needs the stack config 'aws:region' (or AWS_REGION); none is set");
        }
        return value;
    };
    return {
        "aws:index/getRegion:getRegion": (inputs) => {
            const name = typeof inputs.region === "string" ? inputs.region : region();
            return { id: name, name, region: name, endpoint: `ec2.${name}.${partitionOf(name).dnsSuffix}`, description: name };
        },
        "aws:index/getCallerIdentity:getCallerIdentity": () => ({
            id: placeholderAccountId,
            accountId: placeholderAccountId,
            arn: `arn:${partitionOf(region()).partition}:iam::${placeholderAccountId}:user/offline-gate`,
            userId: "AIDAOFFLINEGATE",
        }),
        "aws:index/getPartition:getPartition": () => {
            const { partition, dnsSuffix } = partitionOf(configuredRegion(config, env) ?? "us-east-1");
            return { id: partition, partition, dnsSuffix, reverseDnsPrefix: dnsSuffix.split(".").reverse().join(".") };
        },
    };
}

/** One invoke the gate refused to answer: its token and the arguments the program passed. */
export interface RefusedInvoke {
    readonly token: string;
    readonly args: Readonly<Record<string, unknown>>;
}

/** One canned answer from `--invoke-answers`: for `token` (and `args`, when given), `result`. */
interface InvokeAnswerMatch {
    readonly token: string;
    /** Matches when every key given here equals the invoke's argument; omitted: any arguments. */
    readonly args?: Readonly<Record<string, unknown>>;
}

/**
 * One `--invoke-answers` entry: the invoke's outputs, or the error the provider would give (so a
 * program's "does not exist" branch can be chosen and judged; such an invoke is answered, not refused).
 */
export type InvokeAnswerEntry = InvokeAnswerMatch &
    ({ readonly result: InvokeResult; readonly error?: undefined } | { readonly error: string; readonly result?: undefined });

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function matches(entry: InvokeAnswerEntry, token: string, inputs: Readonly<Record<string, unknown>>): boolean {
    return entry.token === token && Object.entries(entry.args ?? {}).every(([key, value]) => sameJson(inputs[key], value));
}

/**
 * Answers one invoke: the user's canned answers first (the first entry that matches), then the
 * table; otherwise records the refusal in `refused` and throws UnknownInvokeError naming the token.
 */
export function answerInvoke(
    table: Readonly<Record<string, InvokeAnswer>>,
    token: string,
    inputs: Record<string, unknown>,
    answers: readonly InvokeAnswerEntry[] = [],
    refused: RefusedInvoke[] = [],
): InvokeResult {
    const canned = answers.find((entry) => matches(entry, token, inputs));
    if (canned?.error !== undefined) {
        throw new AnsweredInvokeError(token, canned.error);
    }
    if (canned !== undefined) {
        return canned.result;
    }
    const answer = table[token];
    if (answer === undefined) {
        refused.push({ token, args: inputs });
        throw new UnknownInvokeError(token, Object.keys(table));
    }
    return answer(inputs);
}
