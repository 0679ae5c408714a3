/**
 * Thrown when pipeline options are invalid. It lists every problem at once (a user fixing a stack
 * file should not discover them one `pulumi preview` at a time), and it is thrown before any
 * resource is registered, so a bad config never leaves a half-built stack.
 */
export class PipelineConfigError extends Error {
    constructor(public readonly problems: readonly string[]) {
        super(
            problems.length === 1
                ? `Invalid pipeline configuration: ${problems[0]}`
                : `Invalid pipeline configuration (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
        );
        this.name = "PipelineConfigError";
    }
}
