/**
 * Builds the embedded app when its build is missing or older than its sources (the app's
 * own files or the core modules it bundles), so `npm start`, browser tests and benchmarks
 * never serve a stale admin. Concurrent callers (parallel test files) share one build.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { APP_ROOT, DEFAULT_BUILD_DIR } from "./mount.ts";

const REPO = path.resolve(APP_ROOT, "..");
const SOURCES = [path.join(APP_ROOT, "app"), path.join(APP_ROOT, "vite.config.ts"), path.join(REPO, "core", "src")];
const LOCK = path.join(APP_ROOT, ".build-lock");

function newest(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(p)) if (e !== "node_modules") max = Math.max(max, newest(path.join(p, e)));
  return max;
}

export function buildIsCurrent(buildDir = DEFAULT_BUILD_DIR): boolean {
  let built: number;
  try {
    built = statSync(path.join(buildDir, "server", "index.js")).mtimeMs;
  } catch {
    return false;
  }
  return SOURCES.every((s) => newest(s) <= built);
}

async function lock(timeoutMs: number): Promise<() => void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // A lock older than the longest build belongs to a process that died.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 180_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone already
      }
      if (Date.now() > end) throw new Error("timed out waiting for another build of the Shopify app");
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Runs `remix vite:build` unless the build is current. Returns whether it built. */
export async function ensureAppBuild(opts: { log?: (line: string) => void; timeoutMs?: number } = {}): Promise<boolean> {
  if (buildIsCurrent()) return false;
  const release = await lock(opts.timeoutMs ?? 240_000);
  try {
    if (buildIsCurrent()) return false; // built by whoever held the lock
    opts.log?.("building the embedded Shopify app (remix vite:build)…");
    const remixCli = path.join(REPO, "node_modules", "@remix-run", "dev", "dist", "cli.js");
    await new Promise<void>((resolve, reject) => {
      // This process's Node (22), whatever `node` is first on PATH.
      // NODE_ENV=production whatever the caller runs under (tests set "test", which would
      // give the browser React's development build).
      const p = spawn(process.execPath, [remixCli, "vite:build"], {
        cwd: APP_ROOT,
        env: { ...process.env, NODE_ENV: "production" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (out += d));
      p.on("error", reject);
      p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`remix vite:build failed (${code}):\n${out.slice(-4000)}`))));
    });
    return true;
  } finally {
    release();
  }
}
