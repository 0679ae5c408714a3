import { EnvironmentReader, HandlerConfigError, type EnvironmentSource } from "../config/handler-config";
import { DEFAULT_PAGERDUTY_EVENTS_URL, HandlerEnvironment } from "../environment";

/** Where the escalation consumer delivers, and the names (never values) of its secrets. */
export interface EscalationTargets {
    readonly pagerDutyEventsUrl: string;
    readonly pagerDutyRoutingKeyParameter: string;
    readonly slackWebhookUrlParameter: string;
}

export function readEscalationTargets(environment: EnvironmentSource): EscalationTargets {
    const problems: string[] = [];
    const read = new EnvironmentReader(environment, problems);
    const targets = {
        pagerDutyEventsUrl: read.optional(HandlerEnvironment.pagerDutyEventsUrl) ?? DEFAULT_PAGERDUTY_EVENTS_URL,
        pagerDutyRoutingKeyParameter: read.required(HandlerEnvironment.pagerDutyRoutingKeyParameter),
        slackWebhookUrlParameter: read.required(HandlerEnvironment.slackWebhookUrlParameter),
    };
    if (!URL.canParse(targets.pagerDutyEventsUrl)) {
        problems.push(
            `'${HandlerEnvironment.pagerDutyEventsUrl}' must be an absolute URL, ${JSON.stringify(targets.pagerDutyEventsUrl)} given`,
        );
    }
    if (problems.length > 0) {
        throw new HandlerConfigError(`invalid handler environment: ${problems.join("; ")}`);
    }
    return targets;
}
