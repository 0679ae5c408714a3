import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";
// Makes the server deserialize each resource once per request, not once per stack policy (see there).
import "./shared-deserialization";
// Serves AnalyzeStack reading each resource message once per request, not once per stack policy (see there).
import "./shared-stack-analysis";

// Only assembles the pack: constructing it starts the analyzer gRPC server and prints its port.
new PolicyPack("escalation-pipeline", {
    policies,
    enforcementLevel: "mandatory",
});
