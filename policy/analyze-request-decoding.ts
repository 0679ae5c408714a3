// Every Analyze request carries the resource's provider (field 6, an AnalyzerProviderResource: type, URN,
// name and its configuration as a Struct), and a stack has few providers: for 10,002 resources
// the bench's pack decoded the same default provider 10,002 times with google-protobuf (about
// 0.3 s of its CPU, profiled), then deserialized its properties once per request. This decoder
// decodes each distinct provider message once: it finds field 6 in the request's bytes, looks the
// bytes up, and decodes the rest of the request with google-protobuf as before, then sets the
// provider it found. The bytes are the key, so two providers share a message only when every byte
// (URN, name, configuration) is the same; the request the handler sees reads exactly as the one
// google-protobuf would decode (tests/policy/analyze-request-decoding.test.ts). Anything it does
// not expect (a provider given twice, which protobuf merges; a malformed or unknown wire type)
// is left to google-protobuf whole, so its errors stay its own.
// The shared provider message, and its Struct, are seen by the policies of every request of that
// provider; that is safe for the reason given in policy/shared-deserialization.ts (no rule writes
// to what it is given).
import type * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { createRequire } from "node:module";

// The message classes server.js itself loads, so the classes grpc-js and server.js check are the same.
const policyRequire = createRequire(require.resolve("@pulumi/policy/server"));
const analyzerMessages = policyRequire("@pulumi/pulumi/proto/analyzer_pb") as typeof analyzerProto;

const PROVIDER_FIELD = 6; // AnalyzeRequest.provider (analyzer.proto)
const LENGTH_DELIMITED = 2;
// A stack has a handful of providers; a bound keeps a long-lived pack's memo small all the same.
const MAX_PROVIDERS = 64;

/** Where field 6 lies in the request's bytes (its tag included), or why the bytes go to google-protobuf. */
type ProviderSpan = { readonly start: number; readonly payload: number; readonly end: number } | "none" | "unexpected";

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

/** Scans the request's top-level fields for the one provider field. */
function providerSpan(bytes: Uint8Array): ProviderSpan {
    let span: ProviderSpan = "none";
    let pos = 0;
    while (pos < bytes.length) {
        const start = pos;
        const tag = readVarint(bytes, pos);
        if (tag === undefined) {
            return "unexpected";
        }
        pos = tag.next;
        const wireType = tag.value & 7;
        if (wireType !== LENGTH_DELIMITED) {
            // AnalyzeRequest's fields are all strings and messages; anything else goes to google-protobuf.
            return "unexpected";
        }
        const length = readVarint(bytes, pos);
        if (length === undefined || length.next + length.value > bytes.length) {
            return "unexpected";
        }
        pos = length.next + length.value;
        if (tag.value >>> 3 === PROVIDER_FIELD) {
            if (span !== "none") {
                return "unexpected"; // a second occurrence is merged into the first by protobuf
            }
            span = { start, payload: length.next, end: pos };
        }
    }
    return span;
}

/** A requestDeserialize for Analyze that decodes each distinct provider message once. */
export function analyzeRequestDecoder(): (buffer: Buffer) => analyzerProto.AnalyzeRequest {
    const providers = new Map<string, analyzerProto.AnalyzerProviderResource>();
    return (buffer) => {
        const bytes = new Uint8Array(buffer); // a copy, as the stock deserializer makes
        const span = providerSpan(bytes);
        if (typeof span === "string") {
            return analyzerMessages.AnalyzeRequest.deserializeBinary(bytes);
        }
        const payload = bytes.subarray(span.payload, span.end);
        const key = Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString("latin1");
        let provider = providers.get(key);
        if (provider === undefined) {
            provider = analyzerMessages.AnalyzerProviderResource.deserializeBinary(payload);
            if (providers.size >= MAX_PROVIDERS) {
                providers.clear();
            }
            providers.set(key, provider);
        }
        const rest = new Uint8Array(bytes.length - (span.end - span.start));
        rest.set(bytes.subarray(0, span.start));
        rest.set(bytes.subarray(span.end), span.start);
        return analyzerMessages.AnalyzeRequest.deserializeBinary(rest).setProvider(provider);
    };
}
