import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleHandler, type HandlerName } from "../../pipeline/handler-bundle";

/** Writes a handler's archive files to a fresh directory, as Lambda unpacks them into /var/task. */
export function unpackHandlerArchive(name: HandlerName): string {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), `bundle-${name}-`));
    for (const [relative, text] of Object.entries(bundleHandler(name).files)) {
        fs.mkdirSync(path.dirname(path.join(directory, relative)), { recursive: true });
        fs.writeFileSync(path.join(directory, relative), text);
    }
    return directory;
}
