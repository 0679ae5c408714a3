import { createAlarmNotifier } from "./alarms";

// Module scope: settings, logger and secret cache live as long as the execution environment.
const notify = createAlarmNotifier();

/** Lambda entry point for the alarm notifier (SNS subscription); `index.handler` in the bundle. */
export const handler = notify;
