import { Agent, request } from "undici";
import { percentile } from "./figures.ts";

/**
 * A closed-loop load generator over loopback: `concurrency` clients, each sending its next
 * request when the previous one answered, until `total` requests are done. Every response
 * must have the expected status; latencies are per request.
 */
export async function load(opts: {
  origin: string;
  concurrency: number;
  total: number;
  make: (i: number) => { method: "GET" | "POST"; path: string; headers?: Record<string, string>; body?: string };
  expectStatus: number;
}): Promise<{ rps: number; p50: number; p99: number }> {
  const agent = new Agent({ connections: opts.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= opts.total) return;
        const r = opts.make(i);
        const start = performance.now();
        const res = await request(`${opts.origin}${r.path}`, { dispatcher: agent, method: r.method, headers: r.headers, body: r.body });
        await res.body.text();
        latencies.push(performance.now() - start);
        if (res.statusCode !== opts.expectStatus) throw new Error(`${r.method} ${r.path} answered ${res.statusCode}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await agent.close();
  latencies.sort((a, b) => a - b);
  return { rps: opts.total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
