// Imported first by the gate's entry: V8's on-disk compile cache (Node >= 22.1) for the gate's
// own start-up, next to the one its children get (node-process.ts childEnv). Older Node has no
// such cache and runs as before.
import Module from "node:module";
import * as path from "node:path";
import { cacheDirFor } from "./cache-dir";

const enable = (Module as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
enable?.(path.join(cacheDirFor(__dirname), "v8"));
