// The pack decodes each Analyze request's provider once per distinct provider bytes, and its
// properties straight to values (policy/analyze-request-decoding.ts); what the handler sees must
// read as google-protobuf's own decoding of the same bytes.
import * as assert from "node:assert/strict";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { syntheticIdentity, syntheticLaneStack } from "../../bench/gate-lanes";
import { analyzeRequestOf, MessageCache } from "../../gate/analyzer-requests";
import { addDefaultProviders } from "../../gate/default-providers";
import { analyzeRequestDecoder, decodedPropertiesOf } from "../../policy/analyze-request-decoding";
import { originalDeserializeProperties } from "../../policy/shared-deserialization";

/** The Analyze requests the gate sends for the synthetic lanes, as bytes. */
function syntheticRequests(lanes: number): Buffer[] {
    const { resources, providerOf } = addDefaultProviders(syntheticLaneStack(lanes), syntheticIdentity.config);
    const cache = new MessageCache();
    return resources.map((r) => Buffer.from(analyzeRequestOf(r, providerOf.get(r.urn), cache).serializeBinary()));
}

function stock(buffer: Buffer): analyzerProto.AnalyzeRequest {
    return analyzerProto.AnalyzeRequest.deserializeBinary(new Uint8Array(buffer));
}

function providerMessage(urn: string, region: string): analyzerProto.AnalyzerProviderResource {
    return new analyzerProto.AnalyzerProviderResource()
        .setType("pulumi:providers:aws")
        .setName("default")
        .setUrn(urn)
        .setProperties(Struct.fromJavaScript({ region }));
}

describe("Analyze requests decoded with each provider decoded once", () => {
    it("reads every Analyze request of the gate's synthetic lanes as google-protobuf decodes it", () => {
        const decode = analyzeRequestDecoder();
        const requests = syntheticRequests(3);

        for (const buffer of requests) {
            assert.deepEqual(decode(buffer).toObject(), stock(buffer).toObject());
            assert.deepEqual(decode(buffer).serializeBinary(), stock(buffer).serializeBinary());
            // The properties are decoded to values for the handler; the Struct only when read.
            const decoded = decode(buffer);
            assert.deepEqual(decodedPropertiesOf(decoded), originalDeserializeProperties(stock(buffer).getProperties()!, false));
            assert.equal(decoded.hasProperties(), true);
            assert.deepEqual(decoded.getProperties()?.toJavaScript(), stock(buffer).getProperties()?.toJavaScript());
        }
        assert.ok(
            requests.some((b) => stock(b).getProvider() !== undefined),
            "the lanes' requests carry providers",
        );
    });

    it("decodes the same provider bytes once and different ones apart", () => {
        const decode = analyzeRequestDecoder();
        const request = (name: string, provider: analyzerProto.AnalyzerProviderResource): Buffer =>
            Buffer.from(
                new analyzerProto.AnalyzeRequest().setType("aws:sqs/queue:Queue").setName(name).setProvider(provider).serializeBinary(),
            );
        const east = providerMessage("urn:pulumi:prod::p::pulumi:providers:aws::default", "us-east-1");
        const west = providerMessage("urn:pulumi:prod::p::pulumi:providers:aws::default", "us-west-2");

        const [a, b, c] = [request("a", east), request("b", east), request("c", west)].map(decode);

        assert.equal(a.getProvider(), b.getProvider());
        assert.notEqual(a.getProvider(), c.getProvider());
        assert.equal(c.getProvider()?.getProperties()?.toJavaScript().region, "us-west-2");
        assert.deepEqual([a.getName(), b.getName(), c.getName()], ["a", "b", "c"]);
    });

    it("leaves to google-protobuf a request without a provider, a provider given twice, and malformed bytes", () => {
        const decode = analyzeRequestDecoder();
        const without = Buffer.from(new analyzerProto.AnalyzeRequest().setType("t").setUrn("u").serializeBinary());
        const twice = Buffer.concat([
            Buffer.from(new analyzerProto.AnalyzeRequest().setProvider(providerMessage("urn:a", "us-east-1")).serializeBinary()),
            Buffer.from(
                new analyzerProto.AnalyzeRequest()
                    .setProvider(new analyzerProto.AnalyzerProviderResource().setName("second"))
                    .serializeBinary(),
            ),
        ]);
        const malformed = Buffer.from([0x32, 0x7f, 0x01]);

        assert.deepEqual(decode(without).toObject(), stock(without).toObject());
        assert.deepEqual(decode(twice).toObject(), stock(twice).toObject());
        assert.equal(decode(twice).getProvider()?.getName(), "second");
        assert.throws(() => stock(malformed));
        assert.throws(() => decode(malformed));
    });
});
