import { Http1Connection } from "./http1-client.ts";
import { percentile, progress } from "./figures.ts";

/**
 * Webhook deliveries each side gets before its measured rounds, on the connections it is then
 * measured on: a fresh api's webhook path costs about three times the CPU per delivery
 * for its first few thousand (code still being optimized), and is steady from about 8,000.
 */
export const INGEST_WARM_UP = 8000;

export interface LoadRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** Every request's latency (ms), sorted, and the run's duration: for `combine`. */
  latencies: number[];
  seconds: number;
}

/** Several runs as one: requests over time, percentiles over all their latencies. */
export function combine(runs: LoadResult[]): LoadResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((t, r) => t + r.seconds, 0);
  return { rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), latencies, seconds };
}

/**
 * `concurrency` closed-loop clients over loopback, each on its own keep-alive connection
 * (see Http1Connection: the client does as little as it can, as wrk would, since it shares
 * the CPU with what it measures): a client sends its next request when the previous one
 * answered. Connections are opened before the first run's clock starts and live as long as
 * the pool, so a warm-up run and the measured run after it use the same ones; requests are
 * timed, TCP handshakes are not.
 */
export function clients(origin: string, concurrency: number) {
  const { hostname, port } = new URL(origin);
  const host = `${hostname}:${port}`;
  let connections: Promise<Http1Connection[]> | undefined;
  const open = () => (connections ??= Promise.all(Array.from({ length: concurrency }, () => Http1Connection.open(hostname, Number(port)))));
  return {
    /**
     * Runs `total` requests, or, with `seconds`, as many as the clients send in that time
     * (cycling through `total` built requests); every response must have `expectStatus`;
     * latencies are per request.
     */
    async run(opts: { total: number; seconds?: number; make: (i: number) => LoadRequest; expectStatus: number; label?: string }): Promise<LoadResult> {
      const conns = await open();
      // Every request is built (headers, signatures) before the clock starts, as wrk does:
      // during the run a client only writes bytes and reads the answer.
      const built = Array.from({ length: opts.total }, (_, i) => {
        const r = opts.make(i);
        return { r, bytes: Http1Connection.request(host, r.method, r.path, r.headers, r.body) };
      });
      const latencies: number[] = [];
      let next = 0;
      const t0 = performance.now();
      const deadline = opts.seconds === undefined ? Infinity : t0 + opts.seconds * 1000;
      const more = opts.seconds === undefined ? () => next < opts.total : () => performance.now() < deadline;
      await Promise.all(
        conns.map(async (conn) => {
          while (more()) {
            const { r, bytes } = built[next++ % opts.total]!;
            const start = performance.now();
            const status = await conn.sendBytes(bytes);
            latencies.push(performance.now() - start);
            if (status !== opts.expectStatus) throw new Error(`${r.method} ${r.path} answered ${status}`);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      const result = { rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), latencies, seconds };
      if (opts.label) {
        const f = (n: number) => n.toFixed(1);
        progress(`${opts.label}: ${Math.round(result.rps)} req/s, p50 ${f(result.p50)} p90 ${f(percentile(latencies, 90))} p99 ${f(result.p99)} max ${f(latencies.at(-1)!)} ms`);
      }
      return result;
    },
    async close() {
      for (const c of (await connections) ?? []) c.close();
    },
  };
}

/**
 * `rounds` alternating rounds of a measured run and of its floor (a bare route), so that a
 * slow minute of this shared box weighs on both sides of their ratio alike; each side's
 * rounds combined. Each floor round lasts as long as the measured round before it
 * (`floor(round, seconds)`): a percentile over a shorter window meets fewer of this box's
 * stalls, so rounds of equal counts, the floor being several times faster, would compare
 * the measured route's stalls with a floor that mostly missed them.
 */
export async function alternate(
  rounds: number,
  measured: (round: number) => Promise<LoadResult>,
  floor: (round: number, seconds: number) => Promise<LoadResult>,
): Promise<{ measured: LoadResult; floor: LoadResult }> {
  const m: LoadResult[] = [];
  const f: LoadResult[] = [];
  for (let r = 0; r < rounds; r++) {
    const run = await measured(r);
    m.push(run);
    f.push(await floor(r, run.seconds));
  }
  return { measured: combine(m), floor: combine(f) };
}
