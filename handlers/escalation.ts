import { createEscalationConsumer } from "./escalation-consumer";

// Module scope: settings, SDK clients, logger and secret cache live as long as the execution environment.
const consume = createEscalationConsumer();

/** Lambda entry point for the escalation (pager) consumer; `index.handler` in the bundle. */
export const handler = consume;
