import { createToolCallConsumer } from "./tool-call-consumer";

// Module scope: settings, SDK clients, logger and the tool registry live as long as the execution environment.
const consume = createToolCallConsumer();

/** Lambda entry point for the tool-call (FIFO) consumer; `index.handler` in the bundle. */
export const handler = consume;
