import path from "node:path";
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin } from "vite";

const CORE_SRC = path.resolve(import.meta.dirname, "..", "core", "src") + path.sep;
const SERVER_OUT = path.resolve(import.meta.dirname, "build", "server");

/**
 * The server build imports the core's modules instead of bundling copies of them: routes call
 * the very use cases, job definitions and error classes the process runs (the job registry,
 * for one, knows its definitions by identity). Imports are written relative to
 * build/server/index.js, so the build moves with the repository.
 */
function coreAsExternal(): Plugin {
  return {
    name: "giftloop-core-external",
    enforce: "pre",
    applyToEnvironment: (env) => env.name === "ssr",
    resolveId(source, importer, options) {
      if (!options.ssr || !importer || !source.startsWith(".")) return null;
      const abs = path.resolve(path.dirname(importer), source);
      if (!abs.startsWith(CORE_SRC)) return null;
      return { id: abs, external: "absolute" };
    },
  };
}

/** The embedded admin app's build: `build/server` is mounted into the core's HTTP app (server/mount.ts), `build/client` holds its hashed assets. */
export default defineConfig(({ isSsrBuild }) => ({
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
    rollupOptions: isSsrBuild
      ? { output: { paths: (id: string) => (id.startsWith(CORE_SRC) ? path.relative(SERVER_OUT, id) : id) } }
      : {},
  },
  logLevel: "warn",
}));
