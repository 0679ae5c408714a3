/**
 * The escalation consumer as the local runtime runs it: the same factory `handlers/escalation.ts`
 * calls, with the secrets injected instead of read from SSM (the only difference).
 */
import { createEscalationConsumer } from "../../handlers/escalation-consumer";
import { inMemorySecretSource } from "../../handlers/secrets";
import { localHandlerInput } from "./handler-input";

const input = localHandlerInput();

export const handler = createEscalationConsumer({
    secrets: inMemorySecretSource(input.secrets),
    downstreamTimeoutMs: input.downstreamTimeoutMs,
});
