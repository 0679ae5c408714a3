/**
 * The lane table: every fact of a lane, once. The component (its children, physical names and
 * outputs), the handlers' bundling (pipeline/handler-bundle.ts), the local runtime
 * (local/lambda/, local/stack-outputs.ts), the DLQ tools, the console and index.ts's stack
 * outputs all derive from it. A third lane is one entry here, its handler entry point
 * (handlers/<entryModule>) with its local twin (local/lambda/<localModule>), its options key
 * in pipeline/options.ts, and its message schema and event type (handlers/messages.ts: the handlers
 * are bundled alone, so what they read at run time stays on their side).
 *
 * It imports nothing, so the handlers' bundler, the gate and the local tools read it without
 * loading Pulumi.
 */

/** A standard lane (at-least-once, any order) or a FIFO lane (in order per message group). */
export const LaneKind = { standard: "standard", fifo: "fifo" } as const;
export type LaneKind = (typeof LaneKind)[keyof typeof LaneKind];

/** One lane's facts. */
export interface LaneFacts {
    readonly kind: LaneKind;
    /** The lane's child component under the pipeline: `<pipeline>-<logicalName>`. */
    readonly logicalName: string;
    /**
     * Parts of the physical names (pipeline/naming.ts): queue `<prefix>-<queue>` and DLQ
     * `<prefix>-<queue>-dlq` (with ".fifo" on a FIFO lane), function and role `<prefix>-<function>`,
     * alarms `<prefix>-<alarm>-<suffix>`.
     */
    readonly baseNames: { readonly queue: string; readonly function: string; readonly alarm: string };
    /** The Lambda entry point, under handlers/; it exports `handler`. */
    readonly entryModule: string;
    /** The module the local runtime loads instead, under local/lambda/ (secrets injected, not read from SSM). */
    readonly localModule: string;
}

/** The lanes, by the key used in config (`pipeline.<lane>`), stack outputs and `--lane`. */
export const Lanes = {
    escalation: {
        kind: LaneKind.standard,
        logicalName: "escalation",
        baseNames: { queue: "escalations", function: "escalation-pager", alarm: "escalation" },
        entryModule: "escalation.ts",
        localModule: "escalation-function.ts",
    },
    toolCall: {
        kind: LaneKind.fifo,
        logicalName: "tool-call",
        baseNames: { queue: "tool-calls", function: "tool-executor", alarm: "tool-call" },
        entryModule: "tool-call.ts",
        localModule: "tool-call-function.ts",
    },
} as const satisfies Readonly<Record<string, LaneFacts>>;
export type LaneName = keyof typeof Lanes;

/** Every lane's name, in the table's order. */
export const LANE_NAMES = Object.keys(Lanes) as LaneName[];

/** A record with one entry per lane, built by `build`. */
export function perLane<T>(build: (lane: LaneName) => T): Record<LaneName, T> {
    return Object.fromEntries(LANE_NAMES.map((lane) => [lane, build(lane)])) as Record<LaneName, T>;
}

/** The per-lane stack outputs index.ts exports, by field. */
export const LaneOutputFields = ["queueUrl", "queueArn", "deadLetterQueueUrl", "deadLetterQueueArn", "functionName"] as const;
export type LaneOutputField = (typeof LaneOutputFields)[number];

/** A lane's stack output key: the lane's name, then the field's, e.g. `toolCallDeadLetterQueueUrl`. */
export function laneOutputKey<L extends LaneName, F extends LaneOutputField>(lane: L, field: F): `${L}${Capitalize<F>}` {
    return `${lane}${field.charAt(0).toUpperCase()}${field.slice(1)}` as `${L}${Capitalize<F>}`;
}
