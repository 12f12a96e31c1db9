import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{core,sandbox,shopify-app,storefront,extensions,bench}/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "**/build/**", "**/dist/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default"],
  },
});
