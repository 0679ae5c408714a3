/**
 * The pack decodes resources' properties straight from their Struct bytes (policy/struct-decoding.ts);
 * what it gives must be what @pulumi/policy's deserializeProperties makes of google-protobuf's
 * Struct of the same bytes, key order included, and where it cannot say it must give up, so the
 * stock path answers (or fails) as before.
 */
import * as assert from "node:assert/strict";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { syntheticIdentity, syntheticLaneStack } from "../../bench/gate-lanes";
import { analyzeStackRequestOf, MessageCache } from "../../gate/analyzer-requests";
import { addDefaultProviders } from "../../gate/default-providers";
import { ProtoWriter, encodeStruct } from "../../gate/protobuf-writer";
import { analyzeStackRequestDecoder, decodedPropertiesOf } from "../../policy/analyze-request-decoding";
import { originalDeserializeProperties } from "../../policy/shared-deserialization";
import { decodeProperties } from "../../policy/struct-decoding";

/** What the stock path makes of the bytes: google-protobuf's Struct, then deserializeProperties. */
function stock(bytes: Uint8Array): Record<string, unknown> {
    return originalDeserializeProperties(Struct.deserializeBinary(bytes), false);
}

/** Deep equality that also compares the order of every object's keys. */
function assertSameValue(actual: unknown, expected: unknown, where = "properties"): void {
    assert.deepEqual(actual, expected, where);
    if (typeof expected === "object" && expected !== null) {
        assert.deepEqual(Object.keys(actual as object), Object.keys(expected), `${where}: key order`);
        for (const key of Object.keys(expected)) {
            assertSameValue((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${where}.${key}`);
        }
    }
}

function assertDecodesAsStock(bytes: Uint8Array): void {
    const decoded = decodeProperties(bytes);
    assert.notEqual(decoded, undefined, "decoded by the pack itself");
    assertSameValue(decoded, stock(bytes));
}

// Raw wire pieces, for shapes google-protobuf's own writer never makes.
const field = (number: number, payload: Uint8Array): Uint8Array => {
    const writer = new ProtoWriter();
    writer.message(number, payload);
    return writer.finish();
};
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
/** A map entry's key field. */
const keyField = (text: string): Uint8Array => {
    const writer = new ProtoWriter();
    writer.string(1, text);
    return writer.finish();
};
const entry = (key: Uint8Array | undefined, value: Uint8Array | undefined): Uint8Array =>
    field(1, concat(...(key ? [key] : []), ...(value ? [field(2, value)] : [])));
const valueOf = (js: unknown): Uint8Array =>
    Struct.fromJavaScript({ v: js as never })
        .getFieldsMap()
        .get("v")!
        .serializeBinary();

/** A deterministic generator of JSON-like values, for the comparison over many shapes. */
function* randomValues(seed: number, count: number): Generator<Record<string, unknown>> {
    let state = seed;
    const next = (): number => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state / 2147483648;
    };
    const texts = ["", "a", "é", "中文", "😀 emoji", "\uFEFFbom", "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "10", "9", "__x", "Zeta", "zeta"];
    const numbers = [0, -0, 1, -1, 0.5, 1e308, -1e-308, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 123456789.125];
    const value = (depth: number): unknown => {
        const pick = Math.floor(next() * (depth > 3 ? 4 : 6));
        switch (pick) {
            case 0:
                return texts[Math.floor(next() * texts.length)];
            case 1:
                return numbers[Math.floor(next() * numbers.length)];
            case 2:
                return next() < 0.5;
            case 3:
                return null;
            case 4:
                return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
            default:
                return object(depth + 1);
        }
    };
    const object = (depth: number): Record<string, unknown> =>
        Object.fromEntries(
            Array.from({ length: Math.floor(next() * 5) }, () => [texts[Math.floor(next() * texts.length)] + "k", value(depth)]),
        );
    for (let i = 0; i < count; i++) {
        yield object(0);
    }
}

describe("properties decoded straight from their Struct bytes", () => {
    it("decodes every resource of the gate's synthetic lanes as the stock path does", () => {
        const { resources, providerOf } = addDefaultProviders(syntheticLaneStack(3), syntheticIdentity.config);
        const bytes = analyzeStackRequestOf(resources, providerOf, new MessageCache()).serializeBinary();
        const messages = analyzerProto.AnalyzeStackRequest.deserializeBinary(bytes).getResourcesList();

        assert.ok(messages.length > 20);
        for (const message of messages) {
            assertDecodesAsStock(message.getProperties()!.serializeBinary());
        }
    });

    it("decodes 500 generated values (unicode, -0, large numbers, nesting, number-like keys) as the stock path does", () => {
        for (const value of randomValues(7, 500)) {
            assertDecodesAsStock(encodeStruct(value));
        }
    });

    it("keeps keys in google-protobuf's sorted order whatever order the wire gives", () => {
        const bytes = concat(entry(keyField("b"), valueOf(1)), entry(keyField("a"), valueOf(2)), entry(keyField("B"), valueOf(3)));

        assertDecodesAsStock(bytes);
        assert.deepEqual(Object.keys(decodeProperties(bytes)!), ["B", "a", "b"]);
    });

    it("keeps the last of a key given twice and the last kind of a Value given two", () => {
        const twoKinds = concat(valueOf("first"), valueOf(42));
        const bytes = concat(entry(keyField("k"), valueOf(1)), entry(keyField("k"), valueOf(2)), entry(keyField("v"), twoKinds));

        assertDecodesAsStock(bytes);
        assert.deepEqual(decodeProperties(bytes), { k: 2, v: 42 });
    });

    it("reads any non-zero bool_value as true and any null_value as null, as google-protobuf does", () => {
        const bool2 = new Uint8Array([0x20, 0x02]); // bool_value = 2
        const null7 = new Uint8Array([0x08, 0x07]); // null_value = 7
        const bytes = concat(entry(keyField("flag"), bool2), entry(keyField("nothing"), null7));

        assertDecodesAsStock(bytes);
        assert.deepEqual(decodeProperties(bytes), { flag: true, nothing: null });
    });

    it("reads an entry with no key as the empty key, and an empty Struct as no properties", () => {
        assertDecodesAsStock(entry(undefined, valueOf("x")));
        assertDecodesAsStock(new Uint8Array(0));
    });

    it("gives up on assets, archives and secrets, which the stock path builds", () => {
        const signature = "4dabf18193072939515e22adb298388d";
        const secret = encodeStruct({ password: { [signature]: "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" } });
        const asset = encodeStruct({ code: { [signature]: "c44067f5952c0a294b673a41bacd8c17", text: "exports.handler = 1" } });

        assert.equal(decodeProperties(secret), undefined);
        assert.equal(decodeProperties(asset), undefined);
        assert.deepEqual(stock(secret), { password: "hunter2" });
    });

    it("gives up on a __proto__ key, which toJavaScript assigns as a prototype", () => {
        const bytes = entry(keyField("__proto__"), valueOf({ polluted: true }));

        assert.equal(decodeProperties(bytes), undefined);
    });

    it("gives up where the stock path throws: a Value of no kind, an entry with no value", () => {
        const noKind = entry(keyField("k"), new Uint8Array(0));
        const noValue = entry(keyField("k"), undefined);

        for (const bytes of [noKind, noValue]) {
            assert.equal(decodeProperties(bytes), undefined);
            assert.throws(() => stock(bytes), /Unexpected struct type/);
        }
    });

    it("gives up on unknown fields, invalid UTF-8, long varints and bytes that end early", () => {
        const unknownField = concat(entry(keyField("k"), valueOf(1)), field(9, new Uint8Array([1])));
        const invalidUtf8 = entry(new Uint8Array([0x0a, 0x02, 0xc3, 0x28]), valueOf(1));
        const longVarint = entry(keyField("k"), new Uint8Array([0x20, 0x81, 0x80, 0x80, 0x80, 0x80, 0x01])); // a bool_value varint of 36 bits
        const whole = encodeStruct({ name: "queue", count: 4 });

        for (const bytes of [unknownField, invalidUtf8, longVarint, whole.subarray(0, whole.length - 3)]) {
            assert.equal(decodeProperties(bytes), undefined);
        }
    });
});

describe("AnalyzeStack requests decoded by the pack", () => {
    const stackBytes = (): Buffer => {
        const { resources, providerOf } = addDefaultProviders(syntheticLaneStack(2), syntheticIdentity.config);
        return Buffer.from(analyzeStackRequestOf(resources, providerOf, new MessageCache()).serializeBinary());
    };

    it("reads as google-protobuf's decoding of the same bytes, whole and resource by resource", () => {
        const bytes = stackBytes();
        const expected = analyzerProto.AnalyzeStackRequest.deserializeBinary(new Uint8Array(bytes));
        const decoded = analyzeStackRequestDecoder()(bytes);
        const expectedResources = expected.getResourcesList();
        const resources = decoded.getResourcesList();

        assert.equal(resources.length, expectedResources.length);
        resources.forEach((resource, i) => {
            const properties = decodedPropertiesOf(resource);
            assert.notEqual(properties, undefined, "decoded by the pack itself");
            assertSameValue(properties, stock(expectedResources[i].getProperties()!.serializeBinary()));
        });
        // Reading the messages whole makes them decode their Structs, as google-protobuf would have.
        assert.deepEqual(decoded.toObject(), expected.toObject());
        assert.deepEqual(analyzeStackRequestDecoder()(bytes).serializeBinary(), expected.serializeBinary());
    });

    it("hands every resource of one provider the same provider message", () => {
        const resources = analyzeStackRequestDecoder()(stackBytes()).getResourcesList();
        const providers = new Set(resources.map((r) => r.getProvider()).filter((p) => p !== undefined));

        assert.equal(providers.size, 1);
    });

    it("leaves to google-protobuf a request with a field it does not expect", () => {
        const bytes = Buffer.concat([stackBytes(), Buffer.from(field(5, new Uint8Array([0x0a, 0x00])))]);
        const decoded = analyzeStackRequestDecoder()(bytes);

        assert.deepEqual(decoded.toObject(), analyzerProto.AnalyzeStackRequest.deserializeBinary(new Uint8Array(bytes)).toObject());
        assert.equal(decodedPropertiesOf(decoded.getResourcesList()[0]), undefined);
    });
});
