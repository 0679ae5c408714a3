// Writes policy/config/schema.json from the policies' own settings (npm run policy:schema);
// tests/policy/publish.test.ts fails when the committed file differs.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packConfigSchema } from "../policy/config-schema";
import { policies } from "../policy/policies";

writeFileSync(join(__dirname, "..", "policy", "config", "schema.json"), `${JSON.stringify(packConfigSchema(policies), null, 4)}\n`);
