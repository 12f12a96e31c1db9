import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function start(env: Record<string, string>) {
  const proc = spawn(process.execPath, ["--import", "tsx", main], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return { proc, exited, output: () => out };
}

async function waitForOk(url: string, timeoutMs = 30_000): Promise<Response> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`${url} did not answer 200 in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("npm start (the all-roles process on embedded defaults)", () => {
  it("migrates the embedded database, serves, prints the URLs, and stops cleanly on SIGTERM", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-start-"));
    const port = await freePort();
    const app = start({ DATA_DIR: dataDir, PORT: String(port) });
    try {
      const ready = await waitForOk(`http://127.0.0.1:${port}/ready`);
      expect(await ready.json()).toMatchObject({ status: "ok", checks: { database: { status: "ok" }, queue: { status: "ok" } } });
      expect((await fetch(`http://127.0.0.1:${port}/docs`)).headers.get("content-type")).toContain("text/html");
      expect(app.output()).toContain(`http://localhost:${port}/docs`);
      expect(existsSync(path.join(dataDir, "server.json"))).toBe(true);
      app.proc.kill("SIGTERM");
      expect(await app.exited).toBe(0);
      expect(existsSync(path.join(dataDir, "server.json"))).toBe(false);
      expect(existsSync(path.join(dataDir, "pglite"))).toBe(true);
    } finally {
      app.proc.kill("SIGKILL");
    }
  }, 60_000);

  it("stops at start-up with a message naming a wrong setting", async () => {
    const app = start({ JOB_DRIVER: "kafka", DATA_DIR: mkdtempSync(path.join(tmpdir(), "giftloop-bad-")) });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/Invalid configuration:[\s\S]*JOB_DRIVER/);
  }, 30_000);
});
