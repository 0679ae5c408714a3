/** Issue 12: fixed, overridable emulator ports with a clear error when one is taken (tests still use port 0). */
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { startEmulators } from "../../local/emulators";

describe("local emulator ports", function () {
    this.timeout(30_000);

    it("listens on the ports it is given", async () => {
        // Prepare: a port the system picked and released
        const free = await new Promise<number>((resolve) => {
            const probe = net.createServer().listen(0, "127.0.0.1", () => {
                const { port } = probe.address() as net.AddressInfo;
                probe.close(() => resolve(port));
            });
        });

        // Act
        const emulators = await startEmulators({ ports: { dynamoDb: free } });
        await emulators.stop();

        // Assess
        assert.equal(emulators.dynamoDbEndpoint, `http://127.0.0.1:${free}`);
    });

    it("refuses a taken port, naming the service, the port and the flag that moves it", async () => {
        // Prepare
        const taken = net.createServer();
        await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
        const { port } = taken.address() as net.AddressInfo;

        // Act
        const started = startEmulators({ ports: { sqs: port } });

        // Assess
        await assert.rejects(started, {
            name: "PortInUseError",
            message: `port ${port} (SQS + S3) on 127.0.0.1 is already in use, perhaps by another 'npm start'; stop it or pass '--sqs-port <port>' (0 lets the system pick a free one)`,
        });
        taken.close();
    });
});
