import type { Context } from "aws-lambda";

export interface InvocationIdentity {
    readonly functionName: string;
    readonly logGroupName: string;
    readonly memorySizeMb: number;
    readonly region: string;
    readonly awsRequestId: string;
    /** Epoch milliseconds at which the invocation times out. */
    readonly deadlineMs: number;
    readonly logStreamName: string;
    /** The X-Ray trace header Lambda puts in `_X_AMZN_TRACE_ID` for this invocation. */
    readonly traceId: string;
}

/** The account id the emulators use (fauxqs builds every ARN and queue URL with it). */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** A Lambda `Context` whose remaining time counts down to the invocation's real deadline. */
export function createLambdaContext(identity: InvocationIdentity): Context {
    const unsupported = (name: string) => () => {
        throw new Error(`context.${name}() is deprecated and not supported by the local runtime; return a value or a promise instead`);
    };
    return {
        callbackWaitsForEmptyEventLoop: true,
        functionName: identity.functionName,
        functionVersion: "$LATEST",
        invokedFunctionArn: `arn:aws:lambda:${identity.region}:${LOCAL_ACCOUNT_ID}:function:${identity.functionName}`,
        memoryLimitInMB: String(identity.memorySizeMb),
        awsRequestId: identity.awsRequestId,
        logGroupName: identity.logGroupName,
        logStreamName: identity.logStreamName,
        getRemainingTimeInMillis: () => Math.max(0, identity.deadlineMs - Date.now()),
        done: unsupported("done"),
        fail: unsupported("fail"),
        succeed: unsupported("succeed"),
    };
}
