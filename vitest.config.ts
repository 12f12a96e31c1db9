import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{core,sandbox,shopify-app,storefront,extensions,bench,server}/**/*.test.{ts,tsx}"],
    // `*.stack.test.ts` need the real stack (PostgreSQL shared by worker processes): they run in
    // `npm run test:stack`, which sets TEST_PG_ADMIN_URL, and are not part of `npm test`.
    exclude: ["**/node_modules/**", "**/build/**", "**/dist/**", ...(process.env.TEST_PG_ADMIN_URL ? [] : ["**/*.stack.test.ts"])],
    // Ceilings, not expectations: a test waits on its conditions, and a busy 2-core CI box can
    // make a migration or a browser step take many times its usual time.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default"],
  },
});
