import { spawn, type ChildProcess } from "node:child_process";

/**
 * Child processes for tests that run the product's real entry points (`npm start`, the jobs
 * CLI, `ROLE=api`). On a busy 2-core machine a TypeScript process takes anywhere from one to
 * thirty seconds to load and open its database, so these helpers wait on events (output, exit,
 * an answering URL) up to generous ceilings and never on fixed sleeps; a timeout says what
 * the process printed so far.
 */
export const PROCESS_CEILING_MS = 180_000;

export interface Started {
  proc: ChildProcess;
  /** Resolves with the exit code (or null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves once the output matches `pattern`; rejects if the process exits first or the ceiling passes. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** `node --import tsx <script> ...args` with `env` over the test's environment. */
export function startTsProcess(script: string, args: string[] = [], env: Record<string, string> = {}): Started {
  const proc = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    proc.once("exit", (c) => {
      code = c;
      for (const l of listeners) l();
      resolve(c);
    }),
  );
  return {
    proc,
    exited,
    output: () => out,
    waitForOutput(pattern, timeoutMs = PROCESS_CEILING_MS) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (m) done(() => resolve(m));
          else if (code !== undefined) done(() => reject(new Error(`process exited (${code}) before printing ${pattern}; it printed:\n${out.slice(-4000)}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} in ${timeoutMs} ms; the process printed:\n${out.slice(-4000)}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 30_000) {
      if (code !== undefined) return code;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      const c = await exited;
      clearTimeout(timer);
      return c;
    },
  };
}

/** Runs a script to its end: exit code and output (with a ceiling, after which it is killed). */
export async function runTsProcess(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
  timeoutMs = PROCESS_CEILING_MS,
): Promise<{ status: number | null; output: string }> {
  const p = startTsProcess(script, args, env);
  const timer = setTimeout(() => p.proc.kill("SIGKILL"), timeoutMs);
  const status = await p.exited;
  clearTimeout(timer);
  if (status === null) throw new Error(`${script} ${args.join(" ")} did not finish in ${timeoutMs} ms; it printed:\n${p.output().slice(-4000)}`);
  return { status, output: p.output() };
}

/** Polls `url` until it answers 2xx (connection errors count as "not yet"), up to the ceiling. */
export async function waitForOk(url: string, timeoutMs = PROCESS_CEILING_MS, died?: Promise<unknown>): Promise<Response> {
  const end = Date.now() + timeoutMs;
  let exited = false;
  void died?.then(() => (exited = true));
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
      await res.arrayBuffer();
    } catch {
      // not listening yet
    }
    if (exited) throw new Error(`the process serving ${url} exited before it answered`);
    if (Date.now() > end) throw new Error(`${url} did not answer 2xx in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
