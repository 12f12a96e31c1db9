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
    return new PrismaPGlite(new PGlite());
  },
});
