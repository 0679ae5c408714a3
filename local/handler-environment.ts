/**
 * The environment each local consumer gets: the variables the component sets on the deployed
 * function (names from handlers/environment.ts, values from the shared settings), plus the SDK's
 * standard endpoint variables pointing at the emulators.
 */
import { HandlerEnvironment } from "../handlers/environment";
import { consumerEnvironment } from "../pipeline/consumer-environment";
import type { LaneSettings } from "../pipeline/lane-settings";
import type { LaneNames, PipelineNames } from "../pipeline/naming";
import type { PipelineSettings } from "../pipeline/pipeline-settings";
import type { ProvisionedLane, ProvisionedPipeline } from "./provision";

export const LOCAL_HANDLER_VERSION = "local";

export interface LaneEnvironmentInput {
    readonly settings: PipelineSettings;
    readonly lane: LaneSettings;
    readonly laneNames: LaneNames;
    readonly names: PipelineNames;
    readonly provisioned: ProvisionedLane;
    readonly pipeline: ProvisionedPipeline;
    /** Where the escalation consumer pages (the loopback PagerDuty). */
    readonly pagerDutyEventsUrl: string;
    /** AWS_ENDPOINT_URL_* and credentials for the emulators. */
    readonly emulatorEnvironment: Readonly<Record<string, string>>;
}

export function laneEnvironment(input: LaneEnvironmentInput): Record<string, string> {
    const { provisioned } = input;
    return {
        ...input.emulatorEnvironment,
        ...consumerEnvironment<string>({
            settings: input.lane,
            functionName: input.laneNames.function,
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
