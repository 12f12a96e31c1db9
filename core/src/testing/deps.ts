import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { parseConfig, type Config } from "../platform/config.ts";
import { buildDeps } from "../platform/build-deps.ts";
import type { Deps } from "../platform/deps.ts";
import { createLogger } from "../platform/logger.ts";
import type { JobRegistry } from "../jobs/registry.ts";
import { platformContext, vendorContext, type PlatformContext, type VendorContext } from "../platform/use-case.ts";
import { testDatabase, type TestDatabase } from "./db.ts";

/** Captured JSON log lines, for tests that assert on logging. */
export class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    for (const line of chunk.toString().split("\n")) if (line.trim()) this.lines.push(JSON.parse(line));
    cb();
  }
}

export interface TestDeps extends Deps {
  db: TestDatabase;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * Real dependencies for a test file: a fresh migrated database (PGlite, or PostgreSQL under
 * test:stack), local file storage and local-key secrets in a temp folder, logs captured.
 */
export async function testDeps(
  opts: { env?: Record<string, string | undefined>; registry?: JobRegistry; db?: TestDatabase } = {},
): Promise<TestDeps> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-test-"));
  const config: Config = parseConfig({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    LOG_LEVEL: "debug",
    ...opts.env,
  });
  const db = opts.db ?? (await testDatabase());
  const logs = new LogCapture();
  const deps = await buildDeps(config, {
    db,
    log: createLogger(config.LOG_LEVEL, logs),
    ...(opts.registry ? { registry: opts.registry } : {}),
  });
  return { ...deps, db, logs, close: () => db.close() };
}

/** A brand's use-case context in tests (the brand-bound database; the actor "test" unless named). */
export function brandContext(deps: Pick<Deps, "db" | "log">, vendorId: string, actor = "test"): VendorContext {
  return vendorContext({ db: deps.db, vendorId, actor, log: deps.log });
}

/** The platform's context in tests (staff, operators and jobs: across tenants; the actor "test" unless named). */
export function asPlatform(deps: Pick<Deps, "db" | "log">, actor = "test"): PlatformContext {
  return platformContext({ db: deps.db, actor, log: deps.log });
}
