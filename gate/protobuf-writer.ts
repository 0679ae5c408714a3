// A protobuf encoder for the gate's Analyzer requests, written straight to bytes. A stack of
// 10,000 resources is 10,000 Analyze calls and an AnalyzeStack of every resource again; building
// them as google-protobuf objects (a Value object per property, a Map per Struct, a BinaryWriter's
// blocks) cost the gate about 2 s of CPU and as much again in garbage (bench/gate-scale.ts,
// profiled). The bytes are google-protobuf's own, field for field: same field order, Struct and map
// keys sorted as jspb.Map sorts them, strings encoded per UTF-16 unit as jspb does (lone surrogates
// as it writes them, not U+FFFD), zero and empty values written where its generated code writes
// them (tests/gate/protobuf-writer.test.ts compares every message byte for byte).

// Wire types (protobuf encoding spec).
const varintWire = 0;
const fixed64Wire = 1;
const delimitedWire = 2;

/** Bytes a varint of `value` (0 to 2^32 - 1) takes. */
function varintSize(value: number): number {
    let size = 1;
    while (value > 127) {
        value >>>= 7;
        size++;
    }
    return size;
}

/** A growing buffer of protobuf fields; field numbers and lengths stay below 2^29 and 2^32. */
export class ProtoWriter {
    private buffer = Buffer.allocUnsafe(64 * 1024);
    private position = 0;

    private ensure(bytes: number): void {
        if (this.position + bytes > this.buffer.length) {
            const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
            this.buffer.copy(grown, 0, 0, this.position);
            this.buffer = grown;
        }
    }

    private varint(value: number): void {
        this.ensure(5);
        while (value > 127) {
            this.buffer[this.position++] = (value & 127) | 128;
            value >>>= 7;
        }
        this.buffer[this.position++] = value;
    }

    private tag(field: number, wireType: number): void {
        this.varint((field << 3) | wireType);
    }

    /**
     * Starts a length-delimited field; its content follows, then `end` with what this returns.
     * One byte is kept for the length (most messages are under 128 bytes); `end` moves the content
     * up when the length needs more.
     */
    begin(field: number): number {
        this.tag(field, delimitedWire);
        this.ensure(1);
        return this.position++;
    }

    end(lengthAt: number): void {
        const length = this.position - lengthAt - 1;
        const size = varintSize(length);
        if (size > 1) {
            this.ensure(size - 1);
            this.buffer.copyWithin(lengthAt + size, lengthAt + 1, this.position);
            this.position += size - 1;
        }
        const content = this.position;
        this.position = lengthAt;
        this.varint(length);
        this.position = content;
    }

    /** A string field, written even when empty (as google-protobuf writes repeated and map strings). */
    string(field: number, value: string): void {
        const at = this.begin(field);
        this.ensure(value.length * 3);
        const buffer = this.buffer;
        let p = this.position;
        for (let i = 0; i < value.length; i++) {
            let c = value.charCodeAt(i);
            if (c < 0x80) {
                buffer[p++] = c;
            } else if (c < 0x800) {
                buffer[p++] = 0xc0 | (c >> 6);
                buffer[p++] = 0x80 | (c & 63);
            } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
                // jspb's BinaryEncoder.writeString: a pair becomes 4 bytes; a high surrogate
                // followed by anything else is dropped (it never reaches its 3-byte branch).
                const low = value.charCodeAt(i + 1);
                if (low >= 0xdc00 && low <= 0xdfff) {
                    i++;
                    c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                    buffer[p++] = 0xf0 | (c >> 18);
                    buffer[p++] = 0x80 | ((c >> 12) & 63);
                    buffer[p++] = 0x80 | ((c >> 6) & 63);
                    buffer[p++] = 0x80 | (c & 63);
                }
            } else {
                buffer[p++] = 0xe0 | (c >> 12);
                buffer[p++] = 0x80 | ((c >> 6) & 63);
                buffer[p++] = 0x80 | (c & 63);
            }
        }
        this.position = p;
        this.end(at);
    }

    /** A proto3 string field: left out when empty, as the generated code does. */
    optionalString(field: number, value: string): void {
        if (value.length > 0) {
            this.string(field, value);
        }
    }

    /** A message field whose encoding is already made. */
    message(field: number, encoded: Uint8Array): void {
        this.tag(field, delimitedWire);
        this.varint(encoded.length);
        this.ensure(encoded.length);
        this.buffer.set(encoded, this.position);
        this.position += encoded.length;
    }

    double(field: number, value: number): void {
        this.tag(field, fixed64Wire);
        this.ensure(8);
        if (Number.isNaN(value)) {
            // jspb.utils.splitFloat64 writes NaN as all mantissa bits set, not V8's quiet NaN.
            this.buffer.writeUInt32LE(0xffffffff, this.position);
            this.buffer.writeUInt32LE(0x7fffffff, this.position + 4);
        } else {
            this.buffer.writeDoubleLE(value, this.position);
        }
        this.position += 8;
    }

    uint(field: number, value: number): void {
        this.tag(field, varintWire);
        this.varint(value);
    }

    /** The bytes written, copied out of the writer's buffer. */
    finish(): Uint8Array {
        return Uint8Array.prototype.slice.call(this.buffer, 0, this.position);
    }

    /** Empties the writer, keeping its buffer. */
    reset(): void {
        this.position = 0;
    }
}

// google.protobuf.Value's fields (struct.proto).
const valueFields = { null: 1, number: 2, string: 3, bool: 4, struct: 5, list: 6 } as const;

function writeValue(writer: ProtoWriter, value: unknown): void {
    switch (typeof value) {
        case "string":
            writer.string(valueFields.string, value);
            return;
        case "number":
            writer.double(valueFields.number, value);
            return;
        case "boolean":
            writer.uint(valueFields.bool, value ? 1 : 0);
            return;
        case "object": {
            if (value === null) {
                writer.uint(valueFields.null, 0);
            } else if (Array.isArray(value)) {
                const at = writer.begin(valueFields.list);
                for (const item of value) {
                    const itemAt = writer.begin(1); // ListValue.values
                    writeValue(writer, item);
                    writer.end(itemAt);
                }
                writer.end(at);
            } else {
                const at = writer.begin(valueFields.struct);
                writeStructFields(writer, value as Record<string, unknown>);
                writer.end(at);
            }
            return;
        }
        default:
            // Struct.fromJavaScript's refusal (undefined, functions, bigints, symbols).
            throw new Error("Unexpected struct type.");
    }
}

/** A Struct's content (its `fields` map, one entry per key in sorted order) for a plain object. */
export function writeStructFields(writer: ProtoWriter, object: Readonly<Record<string, unknown>>): void {
    for (const key of Object.keys(object).sort()) {
        const entryAt = writer.begin(1); // Struct.fields
        writer.string(1, key); // map entry key
        const valueAt = writer.begin(2); // map entry value
        writeValue(writer, object[key]);
        writer.end(valueAt);
        writer.end(entryAt);
    }
}

// One buffer for every small message, reused: a fresh 64 KB per Struct would be garbage again.
const scratch = new ProtoWriter();

/** `Struct.fromJavaScript(object).serializeBinary()`, without the objects. */
export function encodeStruct(object: Readonly<Record<string, unknown>>): Uint8Array {
    scratch.reset(); // after a refused value, what was written of it
    writeStructFields(scratch, object);
    return scratch.finish();
}
