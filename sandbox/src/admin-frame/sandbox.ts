/**
 * `npm start` as a child process on a fresh data folder and free ports, for browser tests:
 * resolves with the URLs it prints once the admin frame and the app answer.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSandboxBuilds } from "../testing/builds.ts";
import { freePort } from "../testing/net.ts";

export { freePort };

const START = fileURLToPath(new URL("../start.ts", import.meta.url));


export interface RunningSandbox {
  appUrl: string;
  adminUrl: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startSandbox(env: Record<string, string> = {}, timeoutMs = 180_000): Promise<RunningSandbox> {
  // Built before the child starts (shared with other tests), so its wait is only for it to start.
  await ensureSandboxBuilds();
  // A free port can be taken by another test's process before the child listens on it: then
  // the child exits with EADDRINUSE, and a second port is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, timeoutMs);
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(err))) throw err;
    }
  }
}

async function startOnce(env: Record<string, string>, timeoutMs: number): Promise<RunningSandbox> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-admin-"));
  const port = await freePort();
  const proc = spawn(process.execPath, ["--import", "tsx", START], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      ADMIN_FRAME_PORT: "0",
      SHOPIFY_STANDIN_PORT: "0",
      LOG_LEVEL: "warn",
      STRIPE_SECRET_KEY: "",
      SMTP_URL: "",
      DATABASE_URL: "",
      SHOPIFY_API_SECRET: "",
      SHOPIFY_SANDBOX_URL: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  const stop = async () => {
    if (proc.exitCode === null) proc.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (proc.exitCode === null) proc.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };
  const end = Date.now() + timeoutMs;
  for (;;) {
    const admin = /Shopify admin\s+(http:\/\/\S+)/.exec(out)?.[1];
    if (admin && /Sandbox mode:/.test(out)) {
      return { appUrl: `http://localhost:${port}`, adminUrl: admin, proc, output: () => out, stop };
    }
    if (proc.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`npm start did not come up:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
