/**
 * Where an alarm goes. `page`: PagerDuty (the on-call is woken) and Slack. `slack`: a Slack post
 * only, for alarms that need a look during working hours but must not wake anyone.
 */
export const AlarmRoute = { page: "page", slack: "slack" } as const;
export type AlarmRoute = (typeof AlarmRoute)[keyof typeof AlarmRoute];

/** The route of each alarm the pipeline owns, by alarm name (the notifier's ALARM_ROUTES variable). */
export type AlarmRoutes = Readonly<Record<string, AlarmRoute>>;

/**
 * An alarm missing from the table pages: the table is built from the same settings as the alarms,
 * so an unknown name is an alarm someone added by hand to the topic, and silence is the worse mistake.
 */
export const DEFAULT_ALARM_ROUTE: AlarmRoute = AlarmRoute.page;

const ROUTES: readonly string[] = Object.values(AlarmRoute);

/** Parses ALARM_ROUTES; returns the problems instead of throwing so the caller can report them all. */
export function parseAlarmRoutes(text: string | undefined, variable: string, problems: string[]): AlarmRoutes {
    if (text === undefined) {
        return {};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text) as unknown;
    } catch {
        problems.push(`'${variable}' must be a JSON object of alarm name -> "page" or "slack", ${JSON.stringify(text.slice(0, 80))} given`);
        return {};
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        problems.push(`'${variable}' must be a JSON object of alarm name -> "page" or "slack", ${JSON.stringify(text.slice(0, 80))} given`);
        return {};
    }
    const routes: Record<string, AlarmRoute> = {};
    for (const [name, route] of Object.entries(parsed)) {
        if (typeof route !== "string" || !ROUTES.includes(route)) {
            problems.push(`'${variable}' entry '${name}' must be "page" or "slack", ${JSON.stringify(route)} given`);
            continue;
        }
        routes[name] = route as AlarmRoute;
    }
    return routes;
}
