// Errors the gate reports with exit code 2: the run could not be judged, as opposed to a run
// that was judged and failed (exit code 1). Each names what was wrong and where.

/** The command line or a file it names is wrong (missing directory, bad flag, bad config file). */
export class GateUsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "GateUsageError";
    }
}

/** The Pulumi program could not be run to completion under the preview mocks. */
export class ProgramRunError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProgramRunError";
    }
}

/** The policy pack failed to start, or failed while answering an Analyzer call. */
export class PolicyPackError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyPackError";
    }
}

/** The program called a provider function the offline gate cannot answer without a cloud account. */
export class UnknownInvokeError extends Error {
    constructor(
        readonly token: string,
        known: readonly string[],
    ) {
        super(
            `the offline gate cannot answer invoke '${token}': it has no cloud account; ` +
                `it answers only ${known.map((k) => `'${k}'`).join(", ")}. ` +
                "Build the value from config or from these invokes instead, or run a real `pulumi preview`.",
        );
        this.name = "UnknownInvokeError";
    }
}

/** The failure an `--invoke-answers` entry gives for its invoke, as the provider's error would read. */
export class AnsweredInvokeError extends Error {
    constructor(
        readonly token: string,
        message: string,
    ) {
        super(`${message} (answered by --invoke-answers)`);
        this.name = "AnsweredInvokeError";
    }
}
