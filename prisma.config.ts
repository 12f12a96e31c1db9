import { defineConfig } from "prisma/config";

// The Prisma CLI is used for `prisma generate` and `prisma migrate diff` (authoring a
// migration needs no database). Migrations are applied by core's own runner
// (core/src/platform/db/migrate.ts) on both PGlite and PostgreSQL. The adapter below only
// lets the CLI run its WebAssembly schema engine offline; it is an in-memory PGlite.
export default defineConfig({
  experimental: { adapter: true },
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  engine: "js",
  async adapter() {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    unrefPgliteIdleTimers();
    return new PrismaPGlite(new PGlite());
  },
});

/**
 * PGlite's PostgreSQL arms a 10-second timer each time it goes idle (its statistics flush,
 * which no setting turns off), and nothing closes the CLI's PGlite: every `migrate diff`
 * (`npm run db:new-migration`) waited 10 s after printing its answer, more than half its
 * time. Those timers, and only those, no longer keep this CLI process alive. This file is
 * read by the Prisma CLI only, never by the product.
 */
function unrefPgliteIdleTimers(): void {
  const original = globalThis.setTimeout;
  const patched = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = original(fn, ms, ...args);
    if ((ms ?? 0) >= 5_000 && new Error().stack?.includes("pglite")) timer.unref();
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = Object.assign(patched, original);
}
