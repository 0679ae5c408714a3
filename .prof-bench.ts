import * as path from "path";
const cp = require("child_process");
const spawn = cp.spawn;
cp.spawn = (cmd: string, args: string[], opts: object) =>
    spawn(cmd, args.some((a) => a.includes("run-policy-pack")) ? ["-r", "/tmp/gs/exit-on-term.js", "--cpu-prof", "--cpu-prof-dir=/tmp/gs-an", ...args] : args, opts);
import { PolicyGateSession } from "./gate/analysis";
import { loadPolicyPackProject } from "./gate/pack-process";
import { readPolicyConfigFile } from "./gate/policy-config";
import { syntheticIdentity, syntheticLaneStack } from "./bench/gate-lanes";
async function main() {
    const session = await PolicyGateSession.open({ policyPack: loadPolicyPackProject(path.resolve("policy")), policyConfig: readPolicyConfigFile(path.resolve("policy/config/prod.json")), identity: syntheticIdentity });
    await session.analyze(syntheticLaneStack(100));
    const stack = syntheticLaneStack(1000);
    const t = Date.now();
    const r = await session.analyze(stack);
    console.log("1000 lanes", Date.now() - t, "ms", r.resourceCount, r.violations.length);
    await session.close();
}
main();
