import { spawn, spawnSync } from "node:child_process";

/**
 * The AWS stand-in (SQS, S3, KMS): `moto_server` from the machine's Python, on a free
 * loopback port. Used by `npm run test:stack`, benchmarks and sandbox mode with AWS drivers.
 */
export interface Moto {
  endpoint: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function assertMotoAvailable(): void {
  const r = spawnSync("python3", ["-c", "import moto, flask, werkzeug"], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(
      "moto is not importable by python3 (needed for the SQS/S3/KMS stand-in): " +
        "install it with `pip install 'moto[server]==5.2.1'`.\n" +
        (r.stderr ?? ""),
    );
  }
}

export async function startMoto(): Promise<Moto> {
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`moto_server did not start:\n${seen}`)), 15_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with ${code}:\n${seen}`));
    });
  });
  // Keep draining its request log so the pipe never fills.
  child.stdout.resume();
  child.stderr.resume();
  return {
    endpoint,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
