/**
 * The alarm notifier as the local runtime runs it: the same factory `handlers/alarm-notifier.ts`
 * calls, with the secrets injected instead of read from SSM (the only difference).
 */
import { createAlarmNotifier } from "../../handlers/alarms";
import { inMemorySecretSource } from "../../handlers/secrets";
import { localHandlerInput } from "./handler-input";

const input = localHandlerInput();

export const handler = createAlarmNotifier({
    secrets: inMemorySecretSource(input.secrets),
    downstreamTimeoutMs: input.downstreamTimeoutMs,
});
