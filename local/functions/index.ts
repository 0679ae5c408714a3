import * as path from "node:path";
import type { HandlerName } from "../../handlers/entry-points";

/** The module the local runtime loads for each handler (see each file for how it differs from the Lambda entry point). */
export const LocalHandlerModules: Readonly<Record<HandlerName, string>> = {
    escalation: path.join(__dirname, "escalation-function.ts"),
    toolCall: path.join(__dirname, "tool-call-function.ts"),
    alarmNotifier: path.join(__dirname, "alarm-notifier-function.ts"),
};
