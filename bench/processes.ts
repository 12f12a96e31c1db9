import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { freePort } from "@giftloop/sandbox/testing/net";

/**
 * The processes a suite measures: the api role as it is deployed (`npm run serve`'s node
 * flags, its own process) and the bare route (bench/bare-server.ts), the floor of a route on
 * this box.
 */

/** The api role's node flags, as `npm run serve` (the production entry point) passes them. */
function serveFlags(): string[] {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { serve: string } };
  const [node, ...args] = pkg.scripts.serve.split(/\s+/);
  if (node !== "node" || args.at(-1) !== "server/main.ts") throw new Error(`unexpected serve script: ${pkg.scripts.serve}`);
  return args.slice(0, -1);
}

/** Starts a process and resolves when `readyUrl` answers 2xx (POST for the bare route). */
async function startProcess(args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(readyUrl, { method: readyUrl.endsWith("/bare") ? "POST" : "GET" });
      if (r.ok) return proc;
    } catch {
      // not yet
    }
    if (proc.exitCode !== null) throw new Error(`${args.join(" ")} exited with ${proc.exitCode}`);
    if (Date.now() > end) throw new Error(`${args.join(" ")} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Started {
  origin: string;
  pid: number;
  stop(): void;
}

/**
 * The api role (`ROLE=api`, no worker) on a free port with `env` added.
 * BENCH_NODE_ARGS adds node flags (e.g. `--cpu-prof --cpu-prof-dir=.data/prof`).
 */
export async function startApi(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const proc = await startProcess(
    [...(process.env.BENCH_NODE_ARGS?.split(" ") ?? []), ...serveFlags(), "server/main.ts"],
    { ROLE: "api", NODE_ENV: "test", LOG_LEVEL: "warn", DATA_DIR: ".data/bench", ...env, PORT: String(port) },
    `http://127.0.0.1:${port}/ready`,
  );
  return { origin: `http://127.0.0.1:${port}`, pid: proc.pid!, stop: () => proc.kill("SIGTERM") };
}

/** The bare routes (bench/bare-server.ts); `getBody` is what GET /bare answers. */
export async function startBare(getBody?: string): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string> = { PORT: String(port) };
  if (getBody !== undefined) env.BARE_GET_BODY = getBody;
  const proc = await startProcess(["--import", "tsx", "bench/bare-server.ts"], env, `http://127.0.0.1:${port}/bare`);
  return { origin: `http://127.0.0.1:${port}`, pid: proc.pid!, stop: () => proc.kill("SIGTERM") };
}
