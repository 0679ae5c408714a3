import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Powertools packages share state through @aws-lambda-powertools/commons (the invoke store, the
 * user agent, environment helpers); with mixed versions npm nests several copies of it and each
 * package talks to its own. The project pins one version for all of them.
 */
const ROOT = join(__dirname, "..", "..");
const SCOPE = "@aws-lambda-powertools";

interface Manifest {
    readonly version: string;
    readonly dependencies?: Record<string, string>;
}

function readManifest(path: string): Manifest {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

/** Every installed copy of a Powertools package, nested ones included, as "name@version at path". */
function installedPowertools(directory: string, found: string[] = []): string[] {
    const modules = join(directory, "node_modules");
    if (!existsSync(modules)) {
        return found;
    }
    for (const entry of readdirSync(modules)) {
        const packages = entry.startsWith("@") ? readdirSync(join(modules, entry)).map((name) => join(entry, name)) : [entry];
        for (const name of packages) {
            const path = join(modules, name);
            if (!existsSync(join(path, "package.json"))) {
                continue;
            }
            if (name.startsWith(`${SCOPE}/`)) {
                found.push(`${name}@${readManifest(join(path, "package.json")).version} at ${path.slice(ROOT.length + 1)}`);
            }
            installedPowertools(path, found);
        }
    }
    return found;
}

describe("Powertools versions", () => {
    it("pins every @aws-lambda-powertools package in package.json to one exact version", () => {
        const pinned = Object.entries(readManifest(join(ROOT, "package.json")).dependencies ?? {}).filter(([name]) =>
            name.startsWith(`${SCOPE}/`),
        );
        assert.deepEqual(
            [...new Set(pinned.map(([, version]) => version))].length,
            1,
            `mixed versions: ${pinned.map(([name, version]) => `${name}@${version}`).join(", ")}`,
        );
    });

    it("installs exactly one copy of each Powertools package, commons included", () => {
        const copies = installedPowertools(ROOT);
        const names = copies.map((copy) => copy.slice(0, copy.lastIndexOf("@")));
        assert.deepEqual(
            [
                names.filter((name, index) => names.indexOf(name) !== index),
                copies.filter((copy) => copy.startsWith(`${SCOPE}/commons@`)).length,
            ],
            [[], 1],
            copies.join("\n"),
        );
    });
});
