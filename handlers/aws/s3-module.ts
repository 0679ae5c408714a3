import type * as S3Module from "@aws-sdk/client-s3";

let loaded: typeof S3Module | undefined;

/**
 * The S3 client module, loaded on first use. Consumers touch S3 only for payloads too large for
 * SQS, and initialising the S3 client's module costs about a third of a cold start
 * (`npm run bench:handlers`), so it is required here, lazily, instead of imported at the top.
 * esbuild keeps a `require`d module in a lazy wrapper, so the bundle pays only when S3 is needed.
 */
export function s3Module(): typeof S3Module {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded ??= require("@aws-sdk/client-s3") as typeof S3Module;
    return loaded;
}
