import * as path from "node:path";

/**
 * The Lambda entry points, one per consumer. Each file exports `handler`.
 * The component bundles these; `npm run build:handlers` bundles the same list.
 */
export const HandlerEntryPoints = {
    escalation: path.join(__dirname, "escalation.ts"),
    toolCall: path.join(__dirname, "tool-call.ts"),
    alarmNotifier: path.join(__dirname, "alarm-notifier.ts"),
} as const;

export type HandlerName = keyof typeof HandlerEntryPoints;
