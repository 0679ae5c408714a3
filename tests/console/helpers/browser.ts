/**
 * The system Chromium (Debian's `chromium` package) driven by puppeteer-core, which downloads no
 * browser. When none is found the browser tests fail with this message: a console nobody has
 * seen working in a browser is not tested.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

export class NoBrowserError extends Error {
    constructor(looked: readonly string[]) {
        super(
            `No Chromium for the console's browser tests: looked at ${looked.join(", ")}. Install Debian's chromium (apt-get install -y chromium; .ci/run does this) or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
        );
        this.name = "NoBrowserError";
    }
}

export function findChromium(environment: NodeJS.ProcessEnv = process.env): string {
    const looked = environment.CHROMIUM_PATH !== undefined ? [environment.CHROMIUM_PATH] : CANDIDATES;
    const found = looked.find((candidate) => fs.existsSync(candidate));
    if (found === undefined) {
        throw new NoBrowserError(looked);
    }
    return found;
}

export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "console-chromium-"));
    const browser = await puppeteer.launch({
        executablePath: findChromium(),
        headless: true,
        userDataDir,
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"],
    });
    return {
        browser,
        async close() {
            await browser.close();
            fs.rmSync(userDataDir, { recursive: true, force: true });
        },
    };
}
