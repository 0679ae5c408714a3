/**
 * The zod flavour the handlers use: `zod/mini`, the tree-shakeable functional API. The classic
 * `zod` import puts ~440 KiB into every bundle; mini keeps only what the schemas use (import this
 * module as a namespace, `import * as z from "./zod"`, and esbuild drops the rest). Mini loads no
 * error messages by default, so the English locale is configured here once: our errors quote
 * zod's message ("expected one of ...") to say what is allowed.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
