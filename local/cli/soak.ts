/**
 * `npm run soak -- [--messages 10000]`: the reliability soak on the local runtime.
 *
 *   tsx local/cli/soak.ts [--messages N] [--scenario mixed|kill-restart] [--seed S]
 *                     [--function-timeout 5] [--concurrency 3] [--failure-rate 0.02]
 *
 * Prints every check and the figures; exits 1 if any check fails.
 */
import { integerFlag, numberFlag, parseCommandLine, runCommand, UsageError } from "./arguments";
import { LiveLine } from "./live-line";
import { progressLine } from "../progress";
import { runSoak, SOAK_TOOL_CALL_TIMEOUT_SECONDS, SoakScenario } from "../soak/run-soak";

const USAGE = `Usage: npm run soak -- [--messages N] [--scenario mixed|kill-restart] [--seed S]
                     [--function-timeout SECONDS] [--concurrency N] [--failure-rate R] [--max-wait SECONDS]

  --messages          messages to send (default 10000, at least 100)
  --scenario          mixed (default), or kill-restart: kill the consumers mid-batch and start them again
  --seed              seed of the message mix (default 1): the same seed sends the same messages
  --function-timeout  the tool-call consumer's timeout in seconds (default 5, as the escalation consumer's;
                      visibility = 6 x timeout; deployed consumers use 20 to 30 s)
  --concurrency       maximum concurrency of each lane (default 3)
  --failure-rate      share of PagerDuty/Slack requests followed by an injected 5xx (default 0.02)
  --max-wait          give up waiting for the queues to drain after this many seconds (default 600)`;

async function main(): Promise<number> {
    const { values } = parseCommandLine(process.argv.slice(2), {
        "messages": { type: "string" },
        "scenario": { type: "string", default: SoakScenario.mixed },
        "seed": { type: "string" },
        "function-timeout": { type: "string" },
        "concurrency": { type: "string" },
        "failure-rate": { type: "string" },
        "max-wait": { type: "string" },
    });
    const scenario = values.scenario as SoakScenario;
    if (!Object.values(SoakScenario).includes(scenario)) {
        throw new UsageError(
            `'--scenario' must be one of ${Object.values(SoakScenario).join(", ")}, ${JSON.stringify(values.scenario)} given`,
        );
    }
    const messages = integerFlag("messages", values.messages, { min: 100, max: 1_000_000 }, 10_000);
    const line = new LiveLine();
    console.log(`Soak (${scenario}): ${messages} messages...`);
    const result = await runSoak({
        messages,
        scenario,
        seed: integerFlag("seed", values.seed, { min: 1, max: 2 ** 31 - 1 }, 1),
        functionTimeoutSeconds: integerFlag(
            "function-timeout",
            values["function-timeout"],
            { min: 1, max: 900 },
            SOAK_TOOL_CALL_TIMEOUT_SECONDS,
        ),
        concurrency: integerFlag("concurrency", values.concurrency, { min: 2, max: 1000 }, 3),
        transientFailureRate: numberFlag("failure-rate", values["failure-rate"], { min: 0, max: 0.5 }, 0.02),
        maxWaitSeconds: integerFlag("max-wait", values["max-wait"], { min: 10, max: 86_400 }, 600),
        onProgress: (state) => line.update(progressLine(state)),
    });
    line.finish();

    const { plan } = result;
    console.log(
        `\nSent ${plan.total}: ${plan.escalations.length} escalations (+${plan.duplicateEscalations.length} duplicates), ${plan.malformedBodies.length} malformed, ` +
            `${plan.toolCalls.length} tool steps in ${new Set(plan.toolCalls.map((call) => call.callId)).size} FIFO groups (+${plan.duplicateToolCalls.length} duplicates), ` +
            `${plan.unknownToolCalls.length} unknown tools, ${plan.followUpEscalations.length} second escalations of a call; ` +
            `${result.injectedFaults} transient 5xx injected, ${result.slackRefusals} Slack posts refused after the page (replayed from the DLQ)` +
            (result.frozenMs > 0 ? `, the process frozen for ${(result.frozenMs / 1000).toFixed(1)} s.` : "."),
    );
    if (result.scenario === SoakScenario.killRestart) {
        console.log(`Killed the consumers with ${result.killedInvocations} invocation(s) running, then started them again.`);
    }
    for (const check of result.checks) {
        console.log(`${check.passed ? "PASS" : "FAIL"}  ${check.name}\n      ${check.detail}`);
    }
    console.log(
        `\nWall time ${(result.wallTimeMs / 1000).toFixed(1)} s, ${result.messagesPerSecond.toFixed(0)} messages/s; ` +
            `${result.final.retried} deliveries retried, ${result.final.timeouts} invocations timed out; ` +
            `invocation p50/p99: escalation ${result.invocationMs.escalation.p50}/${result.invocationMs.escalation.p99} ms, tool call ${result.invocationMs.toolCall.p50}/${result.invocationMs.toolCall.p99} ms.`,
    );
    console.log(result.passed ? "Soak passed: nothing lost." : "Soak FAILED.");
    return result.passed ? 0 : 1;
}

runCommand(main, USAGE);
