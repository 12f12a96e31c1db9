/**
 * Builds the storefront's two bundles when missing or older than their sources, so
 * `npm start` and the browser tests never serve a stale or absent page: the recipient and
 * buyer pages (storefront/dist) and the finance console (storefront/dist-finance). Callers in
 * parallel processes share one build of each through a lock directory.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = import.meta.dirname;

interface ViteBundle {
  /** For log lines and errors. */
  name: string;
  /** A file the build writes; its age is the build's. */
  builtFile: string;
  lock: string;
  /** What the bundle is built from (files or folders; tests excluded). */
  sources: string[];
  viteArgs: string[];
}

const storefront: ViteBundle = {
  name: "the recipient storefront (storefront/dist)",
  builtFile: path.join(ROOT, "dist", "buyer.html"),
  lock: path.join(ROOT, ".build-lock"),
  // Includes the api's address rules and country list, which the recipient's form shares.
  sources: [
    path.join(ROOT, "src"),
    path.join(ROOT, "index.html"),
    path.join(ROOT, "buyer.html"),
    path.join(ROOT, "vite.config.ts"),
    path.join(ROOT, "..", "core", "src", "redemption", "address-rules.ts"),
    path.join(ROOT, "..", "core", "src", "platform", "countries.ts"),
  ],
  viteArgs: [],
};

const finance: ViteBundle = {
  name: "the finance console (storefront/dist-finance)",
  builtFile: path.join(ROOT, "dist-finance", "finance.html"),
  lock: path.join(ROOT, ".build-finance-lock"),
  sources: [path.join(ROOT, "src", "finance"), path.join(ROOT, "finance.html"), path.join(ROOT, "vite.finance.config.ts")],
  viteArgs: ["-c", "vite.finance.config.ts"],
};

function newest(p: string): number {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : st.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((e) => newest(path.join(p, e))));
}

function isCurrent(b: ViteBundle): boolean {
  const built = statSync(b.builtFile, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built > 0 && b.sources.every((s) => newest(s) <= built);
}

async function ensureViteBuild(b: ViteBundle, log: (line: string) => void): Promise<boolean> {
  if (isCurrent(b)) return false;
  const end = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(b.lock);
      break;
    } catch {
      // A lock older than the longest build belongs to a process that died.
      if ((statSync(b.lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) < Date.now() - 120_000) rmSync(b.lock, { recursive: true, force: true });
      if (Date.now() > end) throw new Error(`timed out waiting for another build of ${b.name}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (isCurrent(b)) return false; // built by whoever held the lock
    log(`building ${b.name}…`);
    const vite = path.resolve(ROOT, "..", "node_modules", ".bin", "vite");
    await new Promise<void>((resolve, reject) => {
      const p = spawn(vite, ["build", ...b.viteArgs, "--logLevel", "warn"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
      p.once("error", reject);
      p.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`build of ${b.name} failed (exit ${code})`))));
    });
    return true;
  } finally {
    rmSync(b.lock, { recursive: true, force: true });
  }
}

/** Builds the recipient and buyer pages unless current. Returns whether it built. */
export function ensureStorefrontBuild(log: (line: string) => void = () => undefined): Promise<boolean> {
  return ensureViteBuild(storefront, log);
}

/** Builds the finance console unless current. Returns whether it built. */
export function ensureFinanceBuild(log: (line: string) => void = () => undefined): Promise<boolean> {
  return ensureViteBuild(finance, log);
}
