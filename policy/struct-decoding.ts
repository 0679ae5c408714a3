/**
 * A resource's properties straight from the bytes of their google.protobuf.Struct, to the value
 * @pulumi/policy's `deserializeProperties(struct, false)` makes of the Struct google-protobuf
 * decodes. The stock path builds each property three times: google-protobuf's Struct and Value
 * messages, `toJavaScript()`'s plain copy, then deserializeProperties' copy of that; for a
 * 10,002-resource stack, decoding and copying were the largest part of the pack's CPU and most of
 * its garbage (bench/gate-scale.ts, profiled). This makes the last copy alone.
 *
 * It decodes only what it can make exactly as the stock path does: JSON values with keys in the
 * order google-protobuf's map gives them (sorted as strings). Anything else makes it give up
 * (`undefined`) so the caller takes the stock path, whose result or error stays its own: an
 * asset, archive or secret (an object holding Pulumi's signature key), a `__proto__` key (which
 * toJavaScript assigns as a prototype), a Value with no kind or a map entry with no value (the
 * stock path throws "Unexpected struct type"), an unknown field or wire type, a string that is no
 * valid UTF-8, a varint longer than 32 bits, or bytes that end early.
 * tests/policy/struct-decoding.test.ts compares both on every fixture stack and on edge cases.
 */

/** @pulumi/pulumi's `specialSigKey` (runtime/rpc): an object holding it is an asset, archive or secret. */
const SPECIAL_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

/** Thrown inside the decoder to give up; never leaves this module. */
class NotDecodable extends Error {}
const notDecodable = new NotDecodable();

/** Reads one Struct's bytes; `pos` walks forward, each read checks it stays inside `end`. */
class StructReader {
    private pos = 0;
    private readonly view: DataView;

    constructor(private readonly bytes: Buffer) {
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    }

    struct(end: number): Record<string, unknown> {
        const entries = new Map<string, unknown>(); // a later duplicate key wins, as in google-protobuf's map
        while (this.pos < end) {
            const tag = this.varint32();
            if (tag !== ((1 << 3) | LENGTH_DELIMITED)) {
                throw notDecodable; // Struct.fields is its only field
            }
            const entryEnd = this.lengthEnd(end);
            let key = "";
            let value: unknown;
            let hasValue = false;
            while (this.pos < entryEnd) {
                const entryTag = this.varint32();
                if (entryTag === ((1 << 3) | LENGTH_DELIMITED)) {
                    key = this.string(this.lengthEnd(entryEnd));
                } else if (entryTag === ((2 << 3) | LENGTH_DELIMITED)) {
                    value = this.value(this.lengthEnd(entryEnd));
                    hasValue = true;
                } else {
                    throw notDecodable;
                }
            }
            if (!hasValue || key === "__proto__" || key === SPECIAL_SIGNATURE_KEY) {
                throw notDecodable;
            }
            entries.set(key, value);
        }
        const result: Record<string, unknown> = {};
        for (const key of [...entries.keys()].sort()) {
            result[key] = entries.get(key);
        }
        return result;
    }

    private value(end: number): unknown {
        let value: unknown;
        let hasKind = false;
        // Value.kind is a oneof: the last of its fields on the wire is the one google-protobuf keeps.
        while (this.pos < end) {
            const tag = this.varint32();
            hasKind = true;
            switch (tag) {
                case (1 << 3) | VARINT: // null_value
                    this.varint32();
                    value = null;
                    break;
                case (2 << 3) | FIXED64: // number_value
                    if (this.pos + 8 > end) {
                        throw notDecodable;
                    }
                    value = this.view.getFloat64(this.pos, true);
                    this.pos += 8;
                    break;
                case (3 << 3) | LENGTH_DELIMITED: // string_value
                    value = this.string(this.lengthEnd(end));
                    break;
                case (4 << 3) | VARINT: // bool_value
                    value = this.varint32() !== 0;
                    break;
                case (5 << 3) | LENGTH_DELIMITED: // struct_value
                    value = this.struct(this.lengthEnd(end));
                    break;
                case (6 << 3) | LENGTH_DELIMITED: // list_value
                    value = this.list(this.lengthEnd(end));
                    break;
                default:
                    throw notDecodable;
            }
        }
        if (!hasKind) {
            throw notDecodable;
        }
        return value;
    }

    private list(end: number): unknown[] {
        const values: unknown[] = [];
        while (this.pos < end) {
            if (this.varint32() !== ((1 << 3) | LENGTH_DELIMITED)) {
                throw notDecodable; // ListValue.values is its only field
            }
            values.push(this.value(this.lengthEnd(end)));
        }
        return values;
    }

    /** A varint of at most 32 bits (5 bytes), as an unsigned number. */
    private varint32(): number {
        let value = 0;
        for (let shift = 0; shift < 35; shift += 7) {
            if (this.pos >= this.bytes.length) {
                throw notDecodable;
            }
            const byte = this.bytes[this.pos++];
            value += (byte & 0x7f) * 2 ** shift;
            if ((byte & 0x80) === 0) {
                if (value > 0xffffffff) {
                    throw notDecodable;
                }
                return value;
            }
        }
        throw notDecodable;
    }

    /** Reads a length and returns where the field it prefixes ends, inside `end`. */
    private lengthEnd(end: number): number {
        const length = this.varint32();
        const fieldEnd = this.pos + length;
        if (fieldEnd > end) {
            throw notDecodable;
        }
        return fieldEnd;
    }

    private string(end: number): string {
        const start = this.pos;
        this.pos = end;
        let ascii = true;
        for (let i = start; i < end; i++) {
            if (this.bytes[i] >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return this.bytes.toString("latin1", start, end);
        }
        try {
            return utf8.decode(this.bytes.subarray(start, end));
        } catch {
            throw notDecodable;
        }
    }
}

// fatal: invalid UTF-8 gives up rather than guess what google-protobuf's own decoder makes of it;
// ignoreBOM: a leading U+FEFF is part of the string, as google-protobuf keeps it.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The properties in `bytes` (a Struct's encoding), as `deserializeProperties(struct, false)` would
 * give them, or `undefined` when only the stock path can say (see above).
 */
export function decodeProperties(bytes: Uint8Array): Record<string, unknown> | undefined {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    try {
        return new StructReader(buffer).struct(buffer.length);
    } catch (e) {
        if (e === notDecodable) {
            return undefined;
        }
        throw e;
    }
}
