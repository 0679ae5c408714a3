// URNs built the way the engine builds them (sdk/go/common/resource/urn.go): the type part is the
// parent's full qualified type, a '$', then the resource's own type, except under the root stack.
// The SDK's MockMonitor only keeps the parent's last type and prefixes the stack's type too, so
// the gate computes URNs itself to match what a policy would see in a real preview.
import { rootStackType } from "./recorded-stack";

const urnPrefix = "urn:pulumi:";

export interface ParsedUrn {
    readonly stack: string;
    readonly project: string;
    /** `parentType$...$type`. */
    readonly qualifiedType: string;
    /** The resource's own type (last part of the qualified type). */
    readonly type: string;
    readonly name: string;
}

export function parseUrn(urn: string): ParsedUrn {
    if (!urn.startsWith(urnPrefix)) {
        throw new Error(`'${urn}' is not a Pulumi URN (must start with '${urnPrefix}')`);
    }
    const parts = urn.slice(urnPrefix.length).split("::");
    if (parts.length < 4) {
        throw new Error(`'${urn}' is not a Pulumi URN (needs stack::project::type::name)`);
    }
    const [stack, project, qualifiedType, ...nameParts] = parts;
    const types = qualifiedType.split("$");
    return { stack, project, qualifiedType, type: types[types.length - 1], name: nameParts.join("::") };
}

export function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    let qualifiedType = type;
    if (parentUrn) {
        const parentType = parseUrn(parentUrn).qualifiedType;
        if (parentType !== rootStackType) {
            qualifiedType = `${parentType}$${type}`;
        }
    }
    return `${urnPrefix}${stack}::${project}::${qualifiedType}::${name}`;
}

/** The engine's reference to a provider: `<urn>::<id>`; the URN itself may contain '::'. */
export function providerUrnOf(providerRef: string): string {
    const cut = providerRef.lastIndexOf("::");
    return cut < 0 ? providerRef : providerRef.slice(0, cut);
}
