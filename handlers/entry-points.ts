import * as path from "node:path";
import { type LaneName, Lanes, perLane } from "../pipeline/lanes";

/** A handler: each lane's consumer (named after its lane, see pipeline/lanes.ts) and the alarm notifier. */
export type HandlerName = LaneName | "alarmNotifier";

/**
 * The Lambda entry points, one per consumer. Each file exports `handler`.
 * The component bundles these; `npm run build:handlers` bundles the same list.
 */
export const HandlerEntryPoints: Readonly<Record<HandlerName, string>> = {
    ...perLane((lane) => path.join(__dirname, Lanes[lane].entryModule)),
    alarmNotifier: path.join(__dirname, "alarm-notifier.ts"),
};
