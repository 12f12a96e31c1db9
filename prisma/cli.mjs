#!/usr/bin/env node
// Runs the Prisma CLI offline. Prisma would download Rust engines it does not use here
// (the client runs on driver adapters; the schema engine runs as WebAssembly); pointing
// these variables at an existing file stops the download attempt.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// Any existing, non-executable file will do (never this script: it would run itself).
const placeholder = fileURLToPath(new URL("./schema/base.prisma", import.meta.url));
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const env = {
  ...process.env,
  PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
  PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const r = spawnSync(process.execPath, [prismaCli, ...process.argv.slice(2)], { stdio: "inherit", env });
if (r.error) console.error(r.error.message);
process.exit(r.status ?? 1);
