import * as path from "node:path";
import type { HandlerName } from "../../pipeline/handler-bundle";
import { Lanes, perLane } from "../../pipeline/lanes";

/** The module the local runtime loads for each handler (see each file for how it differs from the Lambda entry point). */
export const LocalHandlerModules: Readonly<Record<HandlerName, string>> = {
    ...perLane((lane) => path.join(__dirname, Lanes[lane].localModule)),
    alarmNotifier: path.join(__dirname, "alarm-notifier-function.ts"),
};
