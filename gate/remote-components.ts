// Remote (multi-language) components, such as awsx.ec2.Vpc, are built by their provider: the
// program registers the component, and the engine creates its children out of the program's
// sight. Under the offline gate (and Pulumi's mocks) those children never exist, so no policy
// sees them; the gate names each such component instead of judging it silently.
import { RecordedStack } from "./recorded-stack";

/** "awsx:ec2:Vpc 'main' (index.ts:12)" for every remote component of the stack. */
export function remoteComponentsOf(stack: RecordedStack): string[] {
    return stack.resources
        .filter((r) => r.remote === true)
        .map(
            (r) => `${r.type} '${r.name}'${r.sourcePosition ? ` (constructed at ${r.sourcePosition.file}:${r.sourcePosition.line})` : ""}`,
        );
}
