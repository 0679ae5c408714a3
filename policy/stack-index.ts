import { PolicyResource } from "@pulumi/policy";
import {
    functionNameFromReference,
    isNonSqsArn,
    parseSqsArn,
    queueNameFromArn,
    queueNameFromUrl,
    regionAndAccountOf,
    roleNameFromReference,
} from "./references";
import { ParsedRedrive, ParsedRedriveAllow, parseRedriveAllowPolicy, parseRedrivePolicy, RedrivePermissions } from "./redrive";
import {
    AliasProps,
    EventSourceMappingProps,
    EventTargetProps,
    FunctionEventInvokeConfigProps,
    FunctionProps,
    MetricAlarmProps,
    PipeProps,
    PolicyAttachmentProps,
    propsOf,
    QueuePolicyProps,
    QueueProps,
    RedriveAllowPolicyProps,
    RedrivePolicyProps,
    ScheduleProps,
    TopicSubscriptionProps,
} from "./resource-props";
import { ResourceTypes } from "./resource-types";
import { known, read, Reading, readOutput, reportsPropertyDependencies } from "./unknown-values";

/**
 * Where a reference held by one resource leads:
 * - "resource": a resource of this stack;
 * - "external": a known reference to something this stack does not declare;
 * - "unknown": the value is unknown at preview and no dependency names the target (`path` says
 *   which value);
 * - "absent": no reference (or a reference of another kind, e.g. a Kinesis stream ARN where an
 *   SQS queue is looked for);
 * - "malformed": a known value where only an SQS queue ARN is valid (a redrive's
 *   deadLetterTargetArn) that is not one, e.g. "not-an-arn".
 */
export type Link =
    | { readonly kind: "resource"; readonly resource: PolicyResource }
    | { readonly kind: "external"; readonly reference: string }
    | { readonly kind: "unknown"; readonly path: string }
    | { readonly kind: "absent" }
    | { readonly kind: "malformed"; readonly reference: string };

type Match = PolicyResource | "external" | "absent" | "malformed";

const ABSENT: Link = { kind: "absent" };

/** One move of failed messages: from `source` to `deadLetter`, per the redrive `settings`. */
export interface RedriveEdge {
    /** The resource that carries the redrive JSON: the source queue itself or an aws.sqs.RedrivePolicy. */
    readonly holder: PolicyResource;
    readonly source: Link;
    readonly deadLetter: Link;
    readonly settings: Reading<ParsedRedrive>;
}

/** The kinds of reference that make an SQS queue a dead-letter (or failure) queue. */
export const DeadLetterKinds = {
    sqsRedrive: "an SQS redrivePolicy",
    lambdaDeadLetterConfig: "a Lambda function's deadLetterConfig",
    invokeConfigOnFailure: "a FunctionEventInvokeConfig on-failure destination",
    mappingOnFailure: "an event source mapping's destinationConfig.onFailure",
    snsSubscription: "an SNS subscription's redrivePolicy",
    eventBridgeTarget: "an EventBridge target's deadLetterConfig",
    schedulerSchedule: "a Scheduler schedule's deadLetterConfig",
    pipe: "an EventBridge pipe's deadLetterConfig",
    redriveAllowPolicy: "a redriveAllowPolicy (byQueue) naming its sources",
} as const;
export type DeadLetterKind = (typeof DeadLetterKinds)[keyof typeof DeadLetterKinds];

/** One reference that names a queue as somebody's dead-letter or failure queue. */
export interface DeadLetterReference {
    readonly kind: DeadLetterKind;
    /** The resource that holds the reference. */
    readonly holder: PolicyResource;
    readonly queue: Link;
}

/** A queue's redriveAllowPolicy, inline or from an aws.sqs.RedriveAllowPolicy. */
export interface RedriveAllow {
    readonly holder: PolicyResource;
    readonly settings: Reading<ParsedRedriveAllow>;
}

/** An event source mapping with the queue it reads and the function it invokes. */
export interface MappingLink {
    readonly mapping: PolicyResource;
    readonly queue: Link;
    readonly function: Link;
}

/** Resources grouped by the URN of the resource they point at, plus those whose target is unknown. */
export interface Grouped {
    readonly byTarget: ReadonlyMap<string, readonly PolicyResource[]>;
    /** Resources whose reference is unknown at preview; `path` names the unknown value. */
    readonly unresolved: readonly { readonly resource: PolicyResource; readonly path: string }[];
}

/** A mapping known to read an SQS queue, in this stack or outside it. */
export type SqsMappingLink = MappingLink & { queue: Link & { kind: "resource" | "external" } };

/** True when the mapping reads an SQS queue, in this stack or outside it. */
export function readsSqs(link: MappingLink): link is SqsMappingLink {
    return link.queue.kind === "resource" || link.queue.kind === "external";
}

/** Resources whose ARN, where a queue could also be named, means "not a queue": streams, topics, tables... */
const OTHER_KIND_ENDPOINTS: ReadonlySet<string> = new Set([
    "aws:kinesis/stream:Stream",
    "aws:dynamodb/table:Table",
    "aws:sns/topic:Topic",
    "aws:msk/cluster:Cluster",
    "aws:msk/serverlessCluster:ServerlessCluster",
    "aws:mq/broker:Broker",
    "aws:docdb/cluster:Cluster",
    "aws:cloudwatch/eventBus:EventBus",
    ResourceTypes.function,
]);

const DEPTH_METRIC = { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible" } as const;

/** The relations a StackIndex builds on first read: one typed field each. */
interface LazyRelations {
    redrives: readonly RedriveEdge[];
    deadLetterReferences: readonly DeadLetterReference[];
    deadLetterReferencesByQueue: ReadonlyMap<string, readonly DeadLetterReference[]>;
    redriveAllowPolicies: readonly (RedriveAllow & { readonly queue: Link })[];
    homes: { readonly regions: ReadonlySet<string>; readonly accounts: ReadonlySet<string> };
    redriveGroups: {
        readonly bySource: ReadonlyMap<string, readonly RedriveEdge[]>;
        readonly byDeadLetter: ReadonlyMap<string, readonly RedriveEdge[]>;
    };
    mappings: readonly MappingLink[];
    consumers: ReadonlyMap<string, readonly MappingLink[]>;
    consumerFunctions: readonly PolicyResource[];
    queuePolicies: Grouped;
    /** Alarms by `<namespace>#<metric name>`: one entry per metric a rule asks about. */
    alarmsByMetric: Map<string, Grouped>;
    rolePolicies: Grouped;
}

/**
 * Every lookup the rules need (maps by type, by physical name, by ARN, by URL, and each relation
 * both ways). Only the map by type is built up front, in the constructor; every other lookup is
 * built lazily, on its first read, in one pass over the resources it needs, and kept: a rule reads
 * only the relations it judges, so the rest are never built, and a rule costs O(1) per resource it
 * checks. The @pulumi/policy server hands every stack policy of a request a fresh resources array
 * built from the same request; `stackIndexOf` gives them all one index (see there).
 *
 * Links follow `propertyDependencies` first: the engine knows that a mapping's `eventSourceArn`
 * came from a given queue even when the ARN itself is unknown at preview. Only without such a
 * dependency are known values compared (an ARN's last segment against the queue's name...).
 */
export class StackIndex {
    private readonly byType = new Map<string, PolicyResource[]>();
    private readonly lookups = new Map<string, ReadonlyMap<string, PolicyResource>>();
    /** The relations built so far, each under its own typed field (see `lazily`). */
    private readonly built: Partial<LazyRelations> = {};

    constructor(readonly resources: readonly PolicyResource[]) {
        for (const resource of resources) {
            push(this.byType, resource.type, resource);
        }
    }

    ofType(type: string): readonly PolicyResource[] {
        return this.byType.get(type) ?? [];
    }

    // ---- lookups by known physical identifiers -------------------------------------------------

    findQueueByArn(arn: string): PolicyResource | undefined {
        const name = queueNameFromArn(arn);
        return this.lookup(ResourceTypes.queue, "arn").get(arn) ?? (name === undefined ? undefined : this.findQueueByName(name));
    }

    findQueueByUrl(url: string): PolicyResource | undefined {
        const name = queueNameFromUrl(url);
        return this.lookup(ResourceTypes.queue, "url").get(url) ?? (name === undefined ? undefined : this.findQueueByName(name));
    }

    findQueueByName(name: string): PolicyResource | undefined {
        return this.lookup(ResourceTypes.queue, "name").get(name);
    }

    findFunction(reference: string): PolicyResource | undefined {
        return (
            this.lookup(ResourceTypes.function, "arn").get(reference) ??
            this.lookup(ResourceTypes.function, "name").get(functionNameFromReference(reference))
        );
    }

    findRole(reference: string): PolicyResource | undefined {
        return (
            this.lookup(ResourceTypes.role, "arn").get(reference) ??
            this.lookup(ResourceTypes.role, "name").get(roleNameFromReference(reference))
        );
    }

    findLogGroup(name: string): PolicyResource | undefined {
        return this.lookup(ResourceTypes.logGroup, "name").get(name);
    }

    findManagedPolicy(arn: string): PolicyResource | undefined {
        return this.lookup(ResourceTypes.managedPolicy, "arn").get(arn);
    }

    /** A map from a known string property (name, arn, url) to the resource of `type` holding it. */
    private lookup(type: string, property: string): ReadonlyMap<string, PolicyResource> {
        const key = `${type}#${property}`;
        let map = this.lookups.get(key);
        if (map === undefined) {
            const built = new Map<string, PolicyResource>();
            for (const resource of this.ofType(type)) {
                const value = read(() => resource.props[property] as unknown);
                if (value.known && typeof value.value === "string" && !built.has(value.value)) {
                    built.set(value.value, resource);
                }
            }
            map = built;
            this.lookups.set(key, map);
        }
        return map;
    }

    /** The relation `key`, built by `build` on its first read and kept. */
    private lazily<K extends keyof LazyRelations>(key: K, build: () => LazyRelations[K]): LazyRelations[K] {
        return (this.built[key] ??= build());
    }

    // ---- links ---------------------------------------------------------------------------------

    /**
     * Follows the reference `holder` keeps in property `key` to a resource of `targetType`:
     * through the property's dependencies first, then by the reference's known value.
     */
    link(holder: PolicyResource, key: string, targetType: string, reference: Reading<unknown>, match: (reference: string) => Match): Link {
        const dependencies = holder.propertyDependencies?.[key] ?? [];
        const viaProperty = dependencies.filter((r) => r.type === targetType);
        if (viaProperty.length === 1) {
            return { kind: "resource", resource: viaProperty[0] };
        }
        // An unknown value that the engine says came only from event sources or destinations of
        // another kind (a Kinesis stream's ARN, an SNS topic's) is a reference of that kind, not
        // an unknown queue; a value from anything else (another stack, a role) stays unknown.
        if (
            !reference.known &&
            dependencies.length > 0 &&
            viaProperty.length === 0 &&
            dependencies.every((r) => OTHER_KIND_ENDPOINTS.has(r.type))
        ) {
            return ABSENT;
        }
        if (!reference.known) {
            // Without any property dependencies reported, a single dependency of the right type
            // is the best evidence left (older producers send only `dependencies`).
            const viaDependency = (holder.dependencies ?? []).filter((r) => r.type === targetType);
            return !reportsPropertyDependencies(holder) && viaDependency.length === 1
                ? { kind: "resource", resource: viaDependency[0] }
                : { kind: "unknown", path: reference.path };
        }
        if (typeof reference.value !== "string" || reference.value === "") {
            return ABSENT;
        }
        const found = match(reference.value);
        if (found === "malformed") {
            return { kind: "malformed", reference: reference.value };
        }
        if (found === "absent") {
            return ABSENT;
        }
        return found === "external" ? { kind: "external", reference: reference.value } : { kind: "resource", resource: found };
    }

    private queueByArn = (arn: string): Match => (isNonSqsArn(arn) ? "absent" : (this.findQueueByArn(arn) ?? "external"));
    /** A redrive's deadLetterTargetArn: SQS accepts nothing but a well-formed queue ARN there. */
    private deadLetterTargetByArn = (arn: string): Match =>
        this.lookup(ResourceTypes.queue, "arn").get(arn) ??
        (parseSqsArn(arn) === undefined ? "malformed" : (this.findQueueByArn(arn) ?? "external"));
    private queueByUrl = (url: string): Match => this.findQueueByUrl(url) ?? "external";
    private queueByName = (name: string): Match => this.findQueueByName(name) ?? "external";
    private functionByReference = (reference: string): Match => this.findFunction(reference) ?? "external";
    private roleByReference = (reference: string): Match => this.findRole(reference) ?? "external";

    // ---- redrive (queue -> dead-letter queue) --------------------------------------------------

    /** Every redrive in the stack: queues' own `redrivePolicy` and aws.sqs.RedrivePolicy resources. */
    get redrives(): readonly RedriveEdge[] {
        return this.lazily("redrives", () => {
            const edges: RedriveEdge[] = [];
            for (const queue of this.ofType(ResourceTypes.queue)) {
                const edge = this.redriveEdge(queue, { kind: "resource", resource: queue });
                if (edge !== undefined) {
                    edges.push(edge);
                }
            }
            for (const holder of this.ofType(ResourceTypes.redrivePolicy)) {
                const queueUrl = readOutput(holder, () => propsOf<RedrivePolicyProps>(holder).queueUrl);
                const edge = this.redriveEdge(holder, this.link(holder, "queueUrl", ResourceTypes.queue, queueUrl, this.queueByUrl));
                if (edge !== undefined) {
                    edges.push(edge);
                }
            }
            return edges;
        });
    }

    private redriveEdge(holder: PolicyResource, source: Link): RedriveEdge | undefined {
        const settings = readOutput(holder, () => parseRedrivePolicy(propsOf<QueueProps>(holder).redrivePolicy));
        if (settings.known && (settings.value === undefined || (settings.value.ok && settings.value.settings === undefined))) {
            return undefined;
        }
        const target: Reading<unknown> = settings.known
            ? known(settings.value?.ok ? settings.value.settings?.deadLetterTargetArn : undefined)
            : settings;
        const deadLetter = this.link(holder, "redrivePolicy", ResourceTypes.queue, target, this.deadLetterTargetByArn);
        return { holder, source, deadLetter, settings: settings as Reading<ParsedRedrive> };
    }

    /** Redrives whose source is `queue`. */
    redrivesFrom(queue: PolicyResource): readonly RedriveEdge[] {
        return this.redriveGroups.bySource.get(queue.urn) ?? [];
    }

    /** SQS redrives that move messages into `queue`. */
    redrivesInto(queue: PolicyResource): readonly RedriveEdge[] {
        return this.redriveGroups.byDeadLetter.get(queue.urn) ?? [];
    }

    // ---- dead-letter queues: one notion, fed by every reference kind ---------------------------

    /**
     * Every reference in the stack that names a queue as a dead-letter or failure queue: SQS
     * redrives, Lambda deadLetterConfig, FunctionEventInvokeConfig and stream-mapping on-failure
     * destinations, SNS subscription redrive policies, EventBridge target, Scheduler and Pipe
     * dead-letter configs, and redriveAllowPolicy byQueue (inline or aws.sqs.RedriveAllowPolicy).
     * References to something other than an SQS queue (an SNS topic, a Kafka topic) lead nowhere.
     */
    get deadLetterReferences(): readonly DeadLetterReference[] {
        return this.lazily("deadLetterReferences", () => {
            const references: DeadLetterReference[] = this.redrives.map((edge) => ({
                kind: DeadLetterKinds.sqsRedrive,
                holder: edge.holder,
                queue: edge.deadLetter,
            }));
            const add = (kind: DeadLetterKind, type: string, key: string, get: (holder: PolicyResource) => unknown) => {
                for (const holder of this.ofType(type)) {
                    const value = readOutput(holder, () => get(holder));
                    const queue = this.link(holder, key, ResourceTypes.queue, value, this.queueByArn);
                    if (queue.kind !== "absent") {
                        references.push({ kind, holder, queue });
                    }
                }
            };
            add(
                DeadLetterKinds.lambdaDeadLetterConfig,
                ResourceTypes.function,
                "deadLetterConfig",
                (fn) => propsOf<FunctionProps>(fn).deadLetterConfig?.targetArn,
            );
            add(
                DeadLetterKinds.invokeConfigOnFailure,
                ResourceTypes.functionEventInvokeConfig,
                "destinationConfig",
                (config) => propsOf<FunctionEventInvokeConfigProps>(config).destinationConfig?.onFailure?.destination,
            );
            add(
                DeadLetterKinds.mappingOnFailure,
                ResourceTypes.eventSourceMapping,
                "destinationConfig",
                (mapping) => propsOf<EventSourceMappingProps>(mapping).destinationConfig?.onFailure?.destinationArn,
            );
            add(DeadLetterKinds.snsSubscription, ResourceTypes.topicSubscription, "redrivePolicy", (subscription) =>
                deadLetterTargetOf(propsOf<TopicSubscriptionProps>(subscription).redrivePolicy),
            );
            add(
                DeadLetterKinds.eventBridgeTarget,
                ResourceTypes.eventTarget,
                "deadLetterConfig",
                (target) => propsOf<EventTargetProps>(target).deadLetterConfig?.arn,
            );
            add(
                DeadLetterKinds.schedulerSchedule,
                ResourceTypes.schedule,
                "target",
                (schedule) => propsOf<ScheduleProps>(schedule).target?.deadLetterConfig?.arn,
            );
            add(DeadLetterKinds.pipe, ResourceTypes.pipe, "sourceParameters", (pipe) => {
                const source = propsOf<PipeProps>(pipe).sourceParameters;
                return source?.kinesisStreamParameters?.deadLetterConfig?.arn ?? source?.dynamodbStreamParameters?.deadLetterConfig?.arn;
            });
            for (const { holder, queue, settings } of this.redriveAllowPolicies) {
                if (!settings.known) {
                    // Unknown: it may or may not name sources; only a known byQueue makes a DLQ.
                    continue;
                }
                if (
                    settings.value.ok &&
                    settings.value.settings?.permission === RedrivePermissions.byQueue &&
                    settings.value.settings.sourceQueueArns.length > 0
                ) {
                    references.push({ kind: DeadLetterKinds.redriveAllowPolicy, holder, queue });
                }
            }
            return references;
        });
    }

    /** References that name `queue` a dead-letter queue: non-empty means it is one. */
    deadLetterReferencesTo(queue: PolicyResource): readonly DeadLetterReference[] {
        return (
            this.lazily("deadLetterReferencesByQueue", () => {
                const byQueue = new Map<string, DeadLetterReference[]>();
                for (const reference of this.deadLetterReferences) {
                    if (reference.queue.kind === "resource") {
                        push(byQueue, reference.queue.resource.urn, reference);
                    }
                }
                return byQueue;
            }).get(queue.urn) ?? []
        );
    }

    isDeadLetterQueue(queue: PolicyResource): boolean {
        return this.deadLetterReferencesTo(queue).length > 0;
    }

    /** Every queue of the stack that something names as its dead-letter or failure queue. */
    get deadLetterQueues(): readonly PolicyResource[] {
        return this.ofType(ResourceTypes.queue).filter((queue) => this.isDeadLetterQueue(queue));
    }

    /** Dead-letter references whose queue is unknown at preview: each might name a queue. */
    get unresolvedDeadLetterReferences(): readonly { readonly resource: PolicyResource; readonly path: string }[] {
        return this.deadLetterReferences.flatMap((reference) =>
            reference.queue.kind === "unknown" ? [{ resource: reference.holder, path: reference.queue.path }] : [],
        );
    }

    /** Every redriveAllowPolicy with the queue it governs (the queue's own, or an aws.sqs.RedriveAllowPolicy's). */
    get redriveAllowPolicies(): readonly (RedriveAllow & { readonly queue: Link })[] {
        return this.lazily("redriveAllowPolicies", () => {
            const policies: (RedriveAllow & { queue: Link })[] = [];
            for (const queue of this.ofType(ResourceTypes.queue)) {
                const settings = readRedriveAllow(queue, () => propsOf<QueueProps>(queue).redriveAllowPolicy);
                if (!settings.known || settings.value.ok !== true || settings.value.settings !== undefined) {
                    policies.push({ holder: queue, queue: { kind: "resource", resource: queue }, settings });
                }
            }
            for (const holder of this.ofType(ResourceTypes.redriveAllowPolicy)) {
                const props = propsOf<RedriveAllowPolicyProps>(holder);
                const queue = this.link(
                    holder,
                    "queueUrl",
                    ResourceTypes.queue,
                    readOutput(holder, () => props.queueUrl),
                    this.queueByUrl,
                );
                const settings = readRedriveAllow(holder, () => props.redriveAllowPolicy);
                policies.push({ holder, queue, settings });
            }
            return policies;
        });
    }

    /** The redriveAllowPolicies that govern `queue` (more than one: the last write wins in AWS). */
    redriveAllowOf(queue: PolicyResource): readonly RedriveAllow[] {
        return this.redriveAllowPolicies.filter((policy) => policy.queue.kind === "resource" && policy.queue.resource.urn === queue.urn);
    }

    /**
     * Where a reference outside the stack points, for a message: "in account 999999999999" or
     * "in region us-east-1" when its ARN names another account or region than every known ARN
     * of this stack; undefined when it looks like this stack's own account and region.
     */
    elsewhere(reference: string): string | undefined {
        const target = regionAndAccountOf(reference);
        if (target === undefined) {
            return undefined;
        }
        const { regions, accounts } = this.lazily("homes", () => {
            const found = { regions: new Set<string>(), accounts: new Set<string>() };
            for (const resource of [...this.ofType(ResourceTypes.queue), ...this.ofType(ResourceTypes.function)]) {
                const arn = read(() => resource.props.arn as unknown);
                const home = arn.known && typeof arn.value === "string" ? regionAndAccountOf(arn.value) : undefined;
                if (home !== undefined) {
                    found.regions.add(home.region);
                    found.accounts.add(home.account);
                }
            }
            return found;
        });
        const places: string[] = [];
        if (accounts.size > 0 && !accounts.has(target.account)) {
            places.push(`in account ${target.account}, not this stack's ${[...accounts].join(", ")}`);
        }
        if (regions.size > 0 && !regions.has(target.region)) {
            places.push(`in region ${target.region}, not this stack's ${[...regions].join(", ")}`);
        }
        return places.length === 0 ? undefined : places.join(" and ");
    }

    private get redriveGroups(): LazyRelations["redriveGroups"] {
        return this.lazily("redriveGroups", () => {
            const bySource = new Map<string, RedriveEdge[]>();
            const byDeadLetter = new Map<string, RedriveEdge[]>();
            for (const edge of this.redrives) {
                if (edge.source.kind === "resource") {
                    push(bySource, edge.source.resource.urn, edge);
                }
                if (edge.deadLetter.kind === "resource") {
                    push(byDeadLetter, edge.deadLetter.resource.urn, edge);
                }
            }
            return { bySource, byDeadLetter };
        });
    }

    // ---- event source mappings (queue -> function) ---------------------------------------------

    get mappings(): readonly MappingLink[] {
        return this.lazily("mappings", () =>
            this.ofType(ResourceTypes.eventSourceMapping).map((mapping) => {
                const props = propsOf<EventSourceMappingProps>(mapping);
                const source = readOutput(mapping, () => props.eventSourceArn);
                const target = readOutput(mapping, () => props.functionName);
                return {
                    mapping,
                    queue: this.link(mapping, "eventSourceArn", ResourceTypes.queue, source, this.queueByArn),
                    function: this.functionReferencedBy(mapping, "functionName", target),
                };
            }),
        );
    }

    /**
     * The function `holder` names in property `key` (a mapping's functionName, a permission's
     * function): a name, a "name:qualifier", a (partial) ARN, or an aws.lambda.Alias's ARN,
     * unknown at preview; the engine then records the alias as the dependency, and the alias leads
     * on to its function (a known "name:qualifier" or alias ARN is parsed by
     * functionNameFromReference).
     */
    functionReferencedBy(holder: PolicyResource, key: string, target: Reading<unknown>): Link {
        const aliases = (holder.propertyDependencies?.[key] ?? []).filter((r) => r.type === ResourceTypes.alias);
        const direct = this.link(holder, key, ResourceTypes.function, target, this.functionByReference);
        if (target.known || direct.kind === "resource" || aliases.length !== 1) {
            return direct;
        }
        const alias = aliases[0];
        return this.link(
            alias,
            "functionName",
            ResourceTypes.function,
            readOutput(alias, () => propsOf<AliasProps>(alias).functionName),
            this.functionByReference,
        );
    }

    /** Mappings that read `queue`. */
    consumersOf(queue: PolicyResource): readonly MappingLink[] {
        return (
            this.lazily("consumers", () => {
                const byQueue = new Map<string, MappingLink[]>();
                for (const link of this.mappings) {
                    if (link.queue.kind === "resource") {
                        push(byQueue, link.queue.resource.urn, link);
                    }
                }
                return byQueue;
            }).get(queue.urn) ?? []
        );
    }

    /** Functions invoked by a mapping that reads an SQS queue (in this stack or not). */
    get consumerFunctions(): readonly PolicyResource[] {
        return this.lazily("consumerFunctions", () => {
            const functions = new Map<string, PolicyResource>();
            for (const link of this.mappings) {
                if (readsSqs(link) && link.function.kind === "resource") {
                    functions.set(link.function.resource.urn, link.function.resource);
                }
            }
            return [...functions.values()];
        });
    }

    // ---- queue policies, alarms ----------------------------------------------------------------

    get queuePolicies(): Grouped {
        return this.lazily("queuePolicies", () =>
            group(
                this.ofType(ResourceTypes.queuePolicy).map((policy) => ({
                    item: policy,
                    link: this.link(
                        policy,
                        "queueUrl",
                        ResourceTypes.queue,
                        readOutput(policy, () => propsOf<QueuePolicyProps>(policy).queueUrl),
                        this.queueByUrl,
                    ),
                })),
            ),
        );
    }

    /**
     * Alarms on the depth of a queue (AWS/SQS ApproximateNumberOfMessagesVisible by QueueName),
     * as a plain metric alarm or as a metric query. Alarms whose metric is unknown at preview are
     * unresolved: they might be the depth alarm a rule looks for.
     */
    get depthAlarms(): Grouped {
        return this.alarmsOn(DEPTH_METRIC.namespace, DEPTH_METRIC.metricName, "QueueName", ResourceTypes.queue, this.queueByName);
    }

    /** Alarms on a Lambda function's metric (AWS/Lambda `metricName` by FunctionName). */
    functionAlarms(metricName: string): Grouped {
        return this.alarmsOn("AWS/Lambda", metricName, "FunctionName", ResourceTypes.function, this.functionByReference);
    }

    private alarmsOn(
        namespace: string,
        metricName: string,
        dimension: string,
        targetType: string,
        match: (reference: string) => Match,
    ): Grouped {
        const byMetric = this.lazily("alarmsByMetric", () => new Map<string, Grouped>());
        const key = `${namespace}#${metricName}`;
        let alarms = byMetric.get(key);
        if (alarms === undefined) {
            alarms = group(
                this.ofType(ResourceTypes.metricAlarm).flatMap((alarm) =>
                    this.alarmLinks(alarm, namespace, metricName, dimension, targetType, match).map((link) => ({ item: alarm, link })),
                ),
            );
            byMetric.set(key, alarms);
        }
        return alarms;
    }

    private alarmLinks(
        alarm: PolicyResource,
        namespace: string,
        metricName: string,
        dimension: string,
        targetType: string,
        match: (reference: string) => Match,
    ): Link[] {
        const props = propsOf<MetricAlarmProps>(alarm);
        const metrics = readOutput(alarm, () => {
            const queries = (props.metricQueries ?? []).map((query) => ({
                key: "metricQueries",
                metric: query.metric,
            }));
            return [{ key: "dimensions", metric: props }, ...queries];
        });
        if (!metrics.known) {
            return [{ kind: "unknown", path: metrics.path }];
        }
        const links: Link[] = [];
        for (const { key, metric } of metrics.value ?? []) {
            const identity = readOutput(alarm, () => [metric?.namespace, metric?.metricName] as const);
            if (!identity.known) {
                links.push({ kind: "unknown", path: identity.path });
                continue;
            }
            const [foundNamespace, foundMetric] = identity.value ?? [];
            if (foundNamespace !== namespace || foundMetric !== metricName) {
                continue;
            }
            const value = readOutput(alarm, () => metric?.dimensions?.[dimension]);
            links.push(this.link(alarm, key, targetType, value, match));
        }
        return links;
    }

    // ---- functions: log group, role ------------------------------------------------------------

    /**
     * The log group a function writes to: `loggingConfig.logGroup` when set, otherwise the one
     * Lambda creates, "/aws/lambda/<function name>", if the stack declares it.
     */
    logGroupOf(fn: PolicyResource): Link {
        const props = propsOf<FunctionProps>(fn);
        const configured = readOutput(fn, () => props.loggingConfig?.logGroup);
        const link = this.link(fn, "loggingConfig", ResourceTypes.logGroup, configured, (name) => this.findLogGroup(name) ?? "external");
        if (link.kind !== "absent") {
            return link;
        }
        const name = readOutput(fn, () => props.name);
        if (!name.known) {
            return { kind: "unknown", path: name.path };
        }
        const defaultGroup = name.value === undefined ? undefined : this.findLogGroup(`/aws/lambda/${name.value}`);
        return defaultGroup === undefined ? ABSENT : { kind: "resource", resource: defaultGroup };
    }

    roleOf(fn: PolicyResource): Link {
        return this.link(
            fn,
            "role",
            ResourceTypes.role,
            readOutput(fn, () => propsOf<FunctionProps>(fn).role),
            this.roleByReference,
        );
    }

    /**
     * Everything that grants a role a policy, by the role it attaches to: aws.iam.RolePolicy,
     * aws.iam.RolePolicyAttachment, aws.iam.RolePolicyAttachmentsExclusive (`roleName`) and
     * aws.iam.PolicyAttachment (`roles`, a list: one entry per role).
     */
    get rolePolicies(): Grouped {
        return this.lazily("rolePolicies", () => {
            const entries: { item: PolicyResource; link: Link }[] = [];
            const byRoleProperty = (type: string, key: string) => {
                for (const holder of this.ofType(type)) {
                    const reference = readOutput(holder, () => (holder.props as Record<string, unknown>)[key]);
                    entries.push({ item: holder, link: this.link(holder, key, ResourceTypes.role, reference, this.roleByReference) });
                }
            };
            byRoleProperty(ResourceTypes.rolePolicy, "role");
            byRoleProperty(ResourceTypes.rolePolicyAttachment, "role");
            byRoleProperty(ResourceTypes.rolePolicyAttachmentsExclusive, "roleName");
            for (const holder of this.ofType(ResourceTypes.policyAttachment)) {
                const viaProperty = (holder.propertyDependencies?.roles ?? []).filter((r) => r.type === ResourceTypes.role);
                for (const role of viaProperty) {
                    entries.push({ item: holder, link: { kind: "resource", resource: role } });
                }
                if (viaProperty.length > 0) {
                    continue;
                }
                const roles = readOutput(holder, () => [...(propsOf<PolicyAttachmentProps>(holder).roles ?? [])]);
                if (!roles.known) {
                    entries.push({ item: holder, link: this.link(holder, "roles", ResourceTypes.role, roles, this.roleByReference) });
                    continue;
                }
                for (const role of roles.value ?? []) {
                    entries.push({ item: holder, link: this.link(holder, "roles", ResourceTypes.role, known(role), this.roleByReference) });
                }
            }
            return group(entries);
        });
    }
}

/**
 * A redriveAllowPolicy as `holder` carries it. readOutput gives a known `undefined` for one the
 * program left unset (a first preview leaves the provider's computed output unknown): no policy,
 * as parsing an absent value says.
 */
function readRedriveAllow(holder: PolicyResource, get: () => unknown): Reading<ParsedRedriveAllow> {
    const reading = readOutput(holder, () => parseRedriveAllowPolicy(get()));
    return reading.known ? known(reading.value ?? parseRedriveAllowPolicy(undefined)) : reading;
}

function deadLetterTargetOf(redrivePolicy: string | undefined): string | undefined {
    const parsed = parseRedrivePolicy(redrivePolicy);
    return parsed.ok ? parsed.settings?.deadLetterTargetArn : undefined;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
    const list = map.get(key);
    if (list === undefined) {
        map.set(key, [value]);
    } else {
        list.push(value);
    }
}

function group(entries: readonly { readonly item: PolicyResource; readonly link: Link }[]): Grouped {
    const byTarget = new Map<string, PolicyResource[]>();
    const unresolved: { resource: PolicyResource; path: string }[] = [];
    for (const { item, link } of entries) {
        if (link.kind === "resource") {
            push(byTarget, link.resource.urn, item);
        } else if (link.kind === "unknown") {
            unresolved.push({ resource: item, path: link.path });
        }
    }
    return { byTarget, unresolved };
}

// The proxy @pulumi/policy wraps properties in answers this key with the object it wraps
// (proxy.js getSpecialProxyTarget, exported at runtime but not declared).
const proxyTargetKey = "__getSpecialProxyTarget";

/** The object behind a resource's properties proxy (the properties themselves when not proxied). */
function propsIdentity(resource: PolicyResource): unknown {
    const props = resource.props as Record<string, unknown>;
    return props[proxyTargetKey] ?? props;
}

function sameStack(a: readonly PolicyResource[], b: readonly PolicyResource[]): boolean {
    if (a.length !== b.length) {
        return false;
    }
    for (let i = 0; i < a.length; i++) {
        if (a[i].urn !== b[i].urn || propsIdentity(a[i]) !== propsIdentity(b[i])) {
            return false;
        }
    }
    return true;
}

// Indexes by the properties object of their first resource; an entry goes with its request.
const indexes = new WeakMap<object, StackIndex>();

/**
 * The index of a stack policy's resources, shared by every stack policy of one AnalyzeStack
 * request. The server rebuilds the resource objects for each policy, but with the pack's shared
 * deserialization (shared-deserialization.ts) each resource's properties are the same object for
 * every policy of a request and a new one for the next request: when every resource, in order,
 * has the URN and the properties object of an index already built, that index is the same stack
 * and is reused (its relations depend on the resources alone). Otherwise (another request, or
 * properties not shared, as in tests of the bare server) a new index is built.
 */
export function stackIndexOf(resources: readonly PolicyResource[]): StackIndex {
    const key = resources.length > 0 ? propsIdentity(resources[0]) : undefined;
    if (typeof key !== "object" || key === null) {
        return new StackIndex(resources);
    }
    const known = indexes.get(key);
    // The pack's AnalyzeStack handler (shared-stack-analysis.ts) hands every stack policy of a
    // request the same list, which needs no comparison of 10,000 resources through their proxies.
    if (known !== undefined && (known.resources === resources || sameStack(known.resources, resources))) {
        return known;
    }
    const index = new StackIndex(resources);
    indexes.set(key, index);
    return index;
}
