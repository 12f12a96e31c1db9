import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin } from "vite";

/**
 * The server build imports the core's modules instead of bundling copies of them: routes call
 * the very use cases, job definitions and error classes the process runs (the job registry,
 * for one, knows its definitions by identity). They stay `@giftloop/core/...` imports in
 * build/server/index.js, resolved through the core package's exports map at run time.
 */
function coreAsExternal(): Plugin {
  return {
    name: "giftloop-core-external",
    enforce: "pre",
    applyToEnvironment: (env) => env.name === "ssr",
    resolveId(source, _importer, options) {
      if (!options.ssr || !source.startsWith("@giftloop/core/")) return null;
      return { id: source, external: true };
    },
  };
}

/** The embedded admin app's build: `build/server` is mounted into the core's HTTP app (server/mount.ts), `build/client` holds its hashed assets. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    coreAsExternal(),
    remix({
      appDirectory: "app",
      buildDirectory: "build",
      ignoredRouteFiles: ["**/*.test.{ts,tsx}", "**/.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: false,
        v3_singleFetch: false,
        v3_routeConfig: false,
      },
    }),
  ],
  build: {
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  logLevel: "warn",
});
