#!/usr/bin/env node
// Runs the Prisma CLI offline. Prisma would download Rust engines it does not use here
// (the client runs on driver adapters; the schema engine runs as WebAssembly); pointing
// these variables at an existing file stops the download attempt.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const placeholder = fileURLToPath(import.meta.url);
const env = {
  ...process.env,
  PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
  PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const r = spawnSync("prisma", process.argv.slice(2), { stdio: "inherit", env, shell: false });
process.exit(r.status ?? 1);
