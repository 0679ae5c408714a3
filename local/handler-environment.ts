/**
 * The environment each local consumer gets: the variables the component sets on the deployed
 * function (names from handlers/environment.ts, values from the shared settings), plus the SDK's
 * standard endpoint variables pointing at the emulators.
 */
import { HandlerEnvironment } from "../handlers/environment";
import { consumerEnvironment } from "../pipeline/consumer-environment";
import type { PipelineNames } from "../pipeline/naming";
import type { LaneName, PipelineSettings } from "../pipeline/pipeline-settings";
import type { ProvisionedPipeline } from "./provision";

export const LOCAL_HANDLER_VERSION = "local";

export interface LaneEnvironmentInput {
    /** The lane whose consumer this is; its settings, names and queues are taken from the three below. */
    readonly laneName: LaneName;
    readonly settings: PipelineSettings;
    readonly names: PipelineNames;
    readonly pipeline: ProvisionedPipeline;
    /** Where the escalation consumer pages (the loopback PagerDuty). */
    readonly pagerDutyEventsUrl: string;
    /** AWS_ENDPOINT_URL_* and credentials for the emulators. */
    readonly emulatorEnvironment: Readonly<Record<string, string>>;
}

export function laneEnvironment(input: LaneEnvironmentInput): Record<string, string> {
    const provisioned = input.pipeline.lanes[input.laneName];
    return {
        ...input.emulatorEnvironment,
        ...consumerEnvironment<string>({
            settings: input.settings.lanes[input.laneName],
            functionName: input.names.lanes[input.laneName].function,
            logLevel: input.settings.logLevel,
            handlerVersion: LOCAL_HANDLER_VERSION,
            queueUrl: provisioned.queueUrl,
            deadLetterQueueUrl: provisioned.deadLetterQueueUrl,
            idempotencyTableName: input.pipeline.idempotencyTableName,
            payloadBucketName: input.pipeline.payloadBucketName,
        }),
        [HandlerEnvironment.pagerDutyEventsUrl]: input.pagerDutyEventsUrl,
        [HandlerEnvironment.pagerDutyRoutingKeyParameter]: input.names.pagerDutyRoutingKeyParameter,
        [HandlerEnvironment.slackWebhookUrlParameter]: input.names.slackWebhookUrlParameter,
    };
}
