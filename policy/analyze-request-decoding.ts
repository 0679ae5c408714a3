/**
 * The pack's own decoders of Analyze and AnalyzeStack requests (grpc-js `requestDeserialize`),
 * for the two costs of decoding them with google-protobuf that grow with the stack
 * (bench/gate-scale.ts, profiled on 10,002 resources):
 *
 * - Every resource carries its provider (field 6, an AnalyzerProviderResource: type, URN, name and
 *   its configuration as a Struct), and a stack has few providers: the same default provider was
 *   decoded 10,002 times per round. Each distinct provider message is decoded once: its bytes are
 *   the key, so two providers share a message only when every byte (URN, name, configuration) is
 *   the same. The shared message, and its Struct, are seen by the policies of every request of that
 *   provider; that is safe for the reason given in policy/shared-deserialization.ts (no rule writes
 *   to what it is given).
 * - The resource's properties (field 2) were built three times (see policy/struct-decoding.ts).
 *   They are decoded straight to the values the handler needs when that decoder can (else
 *   google-protobuf decodes them as before); the handler takes them from `decodedPropertiesOf`,
 *   and the message decodes its Struct only if something reads the field.
 *
 * Both fields are found in the message's bytes and cut out; google-protobuf decodes the rest.
 * AnalyzeStack's resources are AnalyzerResource messages, whose properties and provider are fields
 * 2 and 6 too, so each is decoded the same way. What the handler sees reads exactly as
 * google-protobuf's decoding of the same bytes (tests/policy/analyze-request-decoding.test.ts,
 * tests/policy/struct-decoding.test.ts). Anything not expected (a field given twice, which
 * google-protobuf settles; a malformed or unknown wire type; a field AnalyzeStackRequest does not
 * have) is left to google-protobuf whole, so its errors stay its own.
 */
import type * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import type { Struct as StructMessage } from "google-protobuf/google/protobuf/struct_pb";
import { createRequire } from "node:module";
import { decodeProperties } from "./struct-decoding";

// The message classes server.js itself loads, so the classes grpc-js and server.js check are the same.
const policyRequire = createRequire(require.resolve("@pulumi/policy/server"));
const analyzerMessages = policyRequire("@pulumi/pulumi/proto/analyzer_pb") as typeof analyzerProto;
const { Struct } = policyRequire("google-protobuf/google/protobuf/struct_pb") as { Struct: typeof StructMessage };

const PROPERTIES_FIELD = 2; // AnalyzeRequest.properties and AnalyzerResource.properties (analyzer.proto)
const PROVIDER_FIELD = 6; // AnalyzeRequest.provider and AnalyzerResource.provider
const STACK_RESOURCES_FIELD = 1; // AnalyzeStackRequest.resources
const LENGTH_DELIMITED = 2;
// A stack has a handful of providers; a bound keeps a long-lived pack's memo small all the same.
const MAX_PROVIDERS = 64;

/** Where a field lies in a message's bytes: from its tag, its payload, its end. */
interface Span {
    readonly start: number;
    readonly payload: number;
    readonly end: number;
}

/** The varint at `pos` and the position after it; undefined past the end or beyond 28 bits (then google-protobuf decides). */
function readVarint(bytes: Uint8Array, pos: number): { value: number; next: number } | undefined {
    let value = 0;
    for (let shift = 0, at = pos; at < bytes.length && shift < 28; shift += 7, at++) {
        value |= (bytes[at] & 0x7f) << shift;
        if ((bytes[at] & 0x80) === 0) {
            return { value, next: at + 1 };
        }
    }
    return undefined;
}

/**
 * Calls `each` with the number and span of every top-level field of `bytes`, in order; false when
 * the bytes hold anything but well-formed length-delimited fields (every field of AnalyzeRequest,
 * AnalyzerResource and AnalyzeStackRequest is a string or a message), which go to google-protobuf.
 */
function scanFields(bytes: Uint8Array, begin: number, finish: number, each: (field: number, span: Span) => void): boolean {
    let pos = begin;
    while (pos < finish) {
        const start = pos;
        const tag = readVarint(bytes, pos);
        if (tag === undefined || (tag.value & 7) !== LENGTH_DELIMITED) {
            return false;
        }
        const length = readVarint(bytes, tag.next);
        if (length === undefined || length.next + length.value > finish) {
            return false;
        }
        pos = length.next + length.value;
        each(tag.value >>> 3, { start, payload: length.next, end: pos });
    }
    return true;
}

/** The fields this decoder handles itself, or "unexpected" when google-protobuf decodes the message whole. */
function resourceSpans(bytes: Uint8Array, begin: number, finish: number): { properties?: Span; provider?: Span } | "unexpected" {
    const found: { properties?: Span; provider?: Span } = {};
    let repeated = false;
    const wellFormed = scanFields(bytes, begin, finish, (field, span) => {
        // A message field given twice is google-protobuf's to settle (it keeps the last).
        if (field === PROPERTIES_FIELD) {
            repeated ||= found.properties !== undefined;
            found.properties = span;
        } else if (field === PROVIDER_FIELD) {
            repeated ||= found.provider !== undefined;
            found.provider = span;
        }
    });
    return wellFormed && !repeated ? found : "unexpected";
}

/** A message of a resource: an Analyze request or one resource of an AnalyzeStack request. */
interface ResourceMessage {
    getProperties(): StructMessage | undefined;
    setProperties(value?: StructMessage): unknown;
    hasProperties(): boolean;
    setProvider(value?: analyzerProto.AnalyzerProviderResource): unknown;
}

/** google-protobuf's reader, which the generated `deserializeBinaryFromReader` functions take. */
type BinaryReader = new (bytes: Uint8Array) => unknown;
const { BinaryReader } = policyRequire("google-protobuf") as { BinaryReader: BinaryReader };

/** A generated message class: its constructor and its static decoder into a given message. */
interface MessageClass<M extends ResourceMessage> {
    new (): M;
    deserializeBinary(bytes: Uint8Array): M;
    deserializeBinaryFromReader(message: M, reader: unknown): M;
}

/** Messages of this module whose properties were decoded to values; their Struct is decoded when first read. */
interface DecodedMessage {
    decodedProperties?: Record<string, unknown>;
    pendingStruct?: Uint8Array;
}

/**
 * The properties of a message this module decoded, as `deserializeProperties(message.getProperties(),
 * false)` would give them, or undefined (then that call gives them).
 */
export function decodedPropertiesOf(message: object): Record<string, unknown> | undefined {
    return (message as DecodedMessage).decodedProperties;
}

/**
 * A subclass of a generated message class whose properties field holds the Struct's bytes until
 * something reads it: the generated getters, toObject and serializeBinary (which read the field
 * through getProperties) then see the Struct google-protobuf would have decoded.
 */
function withPendingStruct<M extends ResourceMessage>(base: MessageClass<M>): new () => M & DecodedMessage {
    const Base = base as unknown as new () => ResourceMessage;
    class WithPendingStruct extends Base implements DecodedMessage {
        decodedProperties?: Record<string, unknown>;
        pendingStruct?: Uint8Array;

        private materialize(): void {
            if (this.pendingStruct !== undefined) {
                const bytes = this.pendingStruct;
                this.pendingStruct = undefined;
                super.setProperties(Struct.deserializeBinary(bytes));
            }
        }

        override getProperties(): StructMessage | undefined {
            this.materialize();
            return super.getProperties();
        }

        override hasProperties(): boolean {
            return this.pendingStruct !== undefined || super.hasProperties();
        }

        override setProperties(value?: StructMessage): unknown {
            this.pendingStruct = undefined;
            this.decodedProperties = undefined;
            return super.setProperties(value);
        }
    }
    return WithPendingStruct as unknown as new () => M & DecodedMessage;
}

/** Decodes resource messages of one class, with each distinct provider decoded once. */
class ResourceDecoder<M extends ResourceMessage> {
    private readonly providers = new Map<string, analyzerProto.AnalyzerProviderResource>();
    private readonly decodedClass: new () => M & DecodedMessage;

    constructor(private readonly messageClass: MessageClass<M>) {
        this.decodedClass = withPendingStruct(messageClass);
    }

    /** The message in `bytes[begin, finish)`; `bytes` is the caller's own copy, which the message may keep. */
    decode(bytes: Uint8Array, begin = 0, finish = bytes.length): M {
        const spans = resourceSpans(bytes, begin, finish);
        if (spans === "unexpected") {
            return this.messageClass.deserializeBinary(bytes.subarray(begin, finish));
        }
        const { properties: propertiesSpan, provider: providerSpan } = spans;
        const structBytes = propertiesSpan && bytes.subarray(propertiesSpan.payload, propertiesSpan.end);
        const properties = structBytes && decodeProperties(structBytes);
        // The fields decoded here are cut out; google-protobuf decodes the rest.
        const cut: Span[] = [];
        for (const span of [propertiesSpan, providerSpan]) {
            if (span !== undefined && (span === providerSpan || properties !== undefined)) {
                cut.push(span);
            }
        }
        if (cut.length === 2 && cut[1].start < cut[0].start) {
            cut.reverse();
        }
        const message = new this.decodedClass();
        this.messageClass.deserializeBinaryFromReader(message, new BinaryReader(withoutSpans(bytes, begin, finish, cut)));
        if (providerSpan !== undefined) {
            message.setProvider(this.provider(bytes.subarray(providerSpan.payload, providerSpan.end)));
        }
        if (properties !== undefined) {
            message.decodedProperties = properties;
            message.pendingStruct = structBytes;
        }
        return message;
    }

    private provider(payload: Uint8Array): analyzerProto.AnalyzerProviderResource {
        const key = Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString("latin1");
        let provider = this.providers.get(key);
        if (provider === undefined) {
            provider = analyzerMessages.AnalyzerProviderResource.deserializeBinary(payload.slice());
            if (this.providers.size >= MAX_PROVIDERS) {
                this.providers.clear();
            }
            this.providers.set(key, provider);
        }
        return provider;
    }
}

/** `bytes[begin, finish)` without the given spans (in order, inside the range). */
function withoutSpans(bytes: Uint8Array, begin: number, finish: number, spans: readonly Span[]): Uint8Array {
    if (spans.length === 0) {
        return bytes.subarray(begin, finish);
    }
    const rest = new Uint8Array(finish - begin - spans.reduce((n, span) => n + span.end - span.start, 0));
    let from = begin;
    let to = 0;
    for (const span of spans) {
        rest.set(bytes.subarray(from, span.start), to);
        to += span.start - from;
        from = span.end;
    }
    rest.set(bytes.subarray(from, finish), to);
    return rest;
}

/** A requestDeserialize for Analyze: each distinct provider decoded once, properties straight to values. */
export function analyzeRequestDecoder(): (buffer: Buffer) => analyzerProto.AnalyzeRequest {
    const decoder = new ResourceDecoder(analyzerMessages.AnalyzeRequest);
    return (buffer) => decoder.decode(new Uint8Array(buffer)); // a copy, as the stock deserializer makes
}

/** A requestDeserialize for AnalyzeStack: every resource decoded as an Analyze request is. */
export function analyzeStackRequestDecoder(): (buffer: Buffer) => analyzerProto.AnalyzeStackRequest {
    const decoder = new ResourceDecoder(analyzerMessages.AnalyzerResource);
    return (buffer) => {
        const bytes = new Uint8Array(buffer);
        const spans: Span[] = [];
        let onlyResources = true;
        const wellFormed = scanFields(bytes, 0, bytes.length, (field, span) => {
            onlyResources &&= field === STACK_RESOURCES_FIELD;
            spans.push(span);
        });
        if (!wellFormed || !onlyResources) {
            return analyzerMessages.AnalyzeStackRequest.deserializeBinary(bytes);
        }
        return new analyzerMessages.AnalyzeStackRequest().setResourcesList(
            spans.map((span) => decoder.decode(bytes, span.payload, span.end)),
        );
    };
}
