/**
 * `npm run alarm`: fires a synthetic CloudWatch alarm through the alarm notifier on this machine,
 * so the whole on-call path is visible: notifier -> loopback PagerDuty (incident opened, then
 * resolved) and loopback Slack (alarm, then recovered).
 *
 *   tsx local/cli/alarm.ts --lane escalation [--alarm deadLetterQueueDepth] [--stack Pulumi.dev.yaml] [--no-recover]
 */
import { resolvePipelineSettings, Lanes, type LaneName } from "../../pipeline/pipeline-settings";
import { LaneAlarmKinds, type LaneAlarmKind } from "../../pipeline/options";
import { parseCommandLine, runCommand, UsageError } from "./arguments";
import { describePage } from "../page-log";
import { startLocalRuntime } from "../runtime";
import { readStackConfig } from "../stack-config";
import { fireSyntheticAlarm, startLocalAlarmNotifier } from "../synthetic-alarm";

const USAGE = `Usage: npm run alarm -- --lane <${Object.keys(Lanes).join("|")}> [--alarm <kind>] [--stack <Pulumi.<stack>.yaml>] [--no-recover]

  --lane        the lane whose alarm fires
  --alarm       ${LaneAlarmKinds.join(", ")} (default deadLetterQueueDepth)
  --stack       stack file whose 'pipeline' config (routes, names) to use (default Pulumi.dev.yaml)
  --no-recover  leave the alarm firing (no OK notification, the incident stays open)`;

async function main(): Promise<number> {
    const { values } = parseCommandLine(process.argv.slice(2), {
        "lane": { type: "string" },
        "alarm": { type: "string", default: "deadLetterQueueDepth" },
        "stack": { type: "string" },
        "no-recover": { type: "boolean", default: false },
    });
    const lane = values.lane;
    if (lane === undefined || !(lane in Lanes)) {
        throw new UsageError(`'--lane' must be one of ${Object.keys(Lanes).join(", ")}, ${JSON.stringify(lane ?? null)} given`);
    }
    const kind = values.alarm;
    if (!(LaneAlarmKinds as readonly string[]).includes(kind)) {
        throw new UsageError(`'--alarm' must be one of ${LaneAlarmKinds.join(", ")}, ${JSON.stringify(kind)} given`);
    }
    const stack = readStackConfig({ stack: values.stack });
    const settings = resolvePipelineSettings(stack.options);
    const route = settings.lanes[lane as LaneName].alarms.routes[kind as LaneAlarmKind];
    console.log(`Starting the local runtime (stack ${stack.stack}); the ${lane} lane's ${kind} alarm is routed to '${route}'.`);

    const runtime = await startLocalRuntime({
        settings,
        namePrefix: stack.namePrefix,
        startConsumers: false,
        onReceiverRequest: (request) => {
            const action = (request.json as { event_action?: string } | undefined)?.event_action;
            console.log(`  ${describePage(request)}${action !== undefined && action !== "trigger" ? ` (${action})` : ""}`);
        },
    });
    const notifier = startLocalAlarmNotifier(runtime);
    try {
        console.log("CloudWatch -> SNS -> alarm notifier: ALARM");
        console.log("(then, unless --no-recover, the same alarm back to OK)");
        const run = await fireSyntheticAlarm(runtime, notifier, {
            lane: lane as LaneName,
            kind: kind as LaneAlarmKind,
            recover: !values["no-recover"],
        });
        if (run.fired.kind !== "success") {
            console.log(
                `The notifier failed (${JSON.stringify(run.fired)}); on AWS, Lambda would retry twice and then put the event in ${runtime.names.alarmNotifier.deadLetterQueue}.`,
            );
            return 1;
        }
        const incident = runtime.receivers.pagerDuty.incidents.get(run.alarmArn);
        console.log(`\nAlarm ${run.alarmName}`);
        console.log(
            `  PagerDuty incident (dedup_key = alarm ARN): ${incident === undefined ? "none (this alarm only posts to Slack)" : incident.status}`,
        );
        console.log(`  Slack posts: ${runtime.receivers.slack.requests.length}`);
        return run.recovered === undefined || run.recovered.kind === "success" ? 0 : 1;
    } finally {
        await notifier.stop();
        await runtime.stop();
    }
}

runCommand(main, USAGE);
