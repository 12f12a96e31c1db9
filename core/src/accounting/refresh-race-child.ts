/**
 * A worker process for the refresh race test: waits for "go" on stdin, then refreshes the
 * platform's Xero tokens (forced, as after a 401) and prints the refresh token it ends with.
 */
import { loadConfig } from "../platform/config.ts";
import { buildDeps } from "../platform/build-deps.ts";
import { loadConnection, refreshTokens } from "./xero-connection.ts";

const deps = await buildDeps(loadConfig());
const row = await loadConnection(deps.db.prisma);
process.stdout.write("ready\n");
process.stdin.once("data", async () => {
  try {
    const t = await refreshTokens(deps, { seenVersion: row?.tokenVersion ?? 0, force: true });
    process.stdout.write(`refresh-token ${t.refreshToken}\n`);
  } catch (err) {
    process.stdout.write(`failed ${String(err)}\n`);
  }
  await deps.db.close();
  process.exit(0);
});
