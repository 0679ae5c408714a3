import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// Only assembles the pack: constructing it starts the analyzer gRPC server and prints its port.
new PolicyPack("escalation-pipeline", {
    policies,
    enforcementLevel: "mandatory",
});
