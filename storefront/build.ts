/**
 * Builds the recipient storefront (storefront/dist) when it is missing or older than its
 * sources, so `npm start` and the browser tests never serve a stale or absent page. Callers
 * in parallel processes share one build through a lock directory.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = import.meta.dirname;
const DIST_INDEX = path.join(ROOT, "dist", "index.html");
const LOCK = path.join(ROOT, ".build-lock");
/** What the bundle is built from, including the api's address rules the form shares. */
const SOURCES = [
  path.join(ROOT, "src"),
  path.join(ROOT, "index.html"),
  path.join(ROOT, "vite.config.ts"),
  path.join(ROOT, "..", "core", "src", "redemption", "address-rules.ts"),
];

function newest(p: string): number {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : st.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((e) => newest(path.join(p, e))));
}

export function storefrontBuildIsCurrent(): boolean {
  const built = statSync(DIST_INDEX, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built > 0 && SOURCES.every((s) => newest(s) <= built);
}

export async function ensureStorefrontBuild(log: (line: string) => void = () => undefined): Promise<boolean> {
  if (storefrontBuildIsCurrent()) return false;
  const end = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if ((statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) < Date.now() - 120_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > end) throw new Error("timed out waiting for another storefront build");
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (storefrontBuildIsCurrent()) return false;
    log("building the recipient storefront (storefront/dist)…");
    const vite = path.resolve(ROOT, "..", "node_modules", ".bin", "vite");
    await new Promise<void>((resolve, reject) => {
      const p = spawn(vite, ["build", "--logLevel", "warn"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
      p.once("error", reject);
      p.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`storefront build failed (exit ${code})`))));
    });
    return true;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
