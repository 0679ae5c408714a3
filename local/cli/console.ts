/**
 * `npm run console -- --outputs <stack outputs json>`: the triage console against a deployed stack
 * (the SDK's default credentials) or any outputs file the local runtime wrote.
 *
 *   pulumi stack output --json > outputs.json
 *   npm run console -- --outputs outputs.json [--operator alice] [--port 8080] [--host 127.0.0.1]
 */
import * as path from "node:path";
import { integerFlag, parseCommandLine, runCommand } from "./arguments";
import { createDlqOperations, resolveDlqTargets } from "../dlq/dlq-client";
import { PROJECT_ROOT } from "../stack-config";
import { startConsoleServer } from "../console/server";

const USAGE = `Usage: npm run console -- [--outputs <file>] [--operator <name>] [--host 127.0.0.1] [--port 0] [--region <r>] [--endpoint <url>] [--audit-file <file>]

  --outputs     stack outputs JSON (pulumi stack output --json); default .local-runtime/stack-outputs.json
  --operator    the name recorded in the audit trail (default: the OS user)
  --host        address to listen on (default 127.0.0.1: only this machine can reach it)
  --port        port (default 0: any free one); the URL with its token is printed
  --audit-file  keep the audit trail in this JSONL file instead of the stack's CloudWatch Logs group`;

async function main(): Promise<number> {
    const { values } = parseCommandLine(process.argv.slice(2), {
        "outputs": { type: "string" },
        "operator": { type: "string" },
        "host": { type: "string", default: "127.0.0.1" },
        "port": { type: "string" },
        "region": { type: "string" },
        "endpoint": { type: "string" },
        "audit-file": { type: "string" },
    });
    const port = integerFlag("port", values.port, { min: 0, max: 65_535 }, 0);
    const targets = await resolveDlqTargets(
        { outputs: values.outputs, lane: "all", region: values.region, endpoint: values.endpoint },
        path.join(PROJECT_ROOT, ".local-runtime", "stack-outputs.json"),
    );
    const operations = createDlqOperations(targets, { operator: values.operator, auditFile: values["audit-file"] });
    const server = await startConsoleServer({ operations, host: values.host, port });
    console.log(`DLQ triage console: ${server.url}`);
    console.log(`  operator ${operations.operator}; audit trail: ${operations.audit.location}`);
    if (values.host !== "127.0.0.1" && values.host !== "::1" && values.host !== "localhost") {
        console.log(`  listening on ${values.host}: anyone who can reach it and has the URL can act on the DLQs`);
    }
    console.log("Ctrl-C stops.");
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    await server.close();
    targets.sqs.destroy();
    return 0;
}

runCommand(main, USAGE);
