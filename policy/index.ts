import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";
import { shareDeserialization } from "./shared-deserialization";

// The server deserializes every resource once per stack policy unless told to share (see there).
shareDeserialization();

// Only assembles the pack: constructing it starts the analyzer gRPC server and prints its port.
new PolicyPack("escalation-pipeline", {
    policies,
    enforcementLevel: "mandatory",
});
