/**
 * `npm run bench [-- suite...]`: runs benchmark suites; figures go to stdout as JSON lines,
 * progress to stderr. Suites use real PostgreSQL (PG_ADMIN_URL, a fresh database each) and,
 * where named, moto_server, and start and stop what they need.
 */
const suites: Record<string, () => Promise<void>> = {
  jobs: async () => (await import("./jobs.bench.ts")).run(),
  orders: async () => (await import("./orders.bench.ts")).run(),
  catalog: async () => {
    await (await import("./catalog.bench.ts")).run();
    await (await import("./admin-pages.bench.ts")).run(); // the embedded app's pages: response p95, LCP, CLS
  },
  push: async () => (await import("./push.bench.ts")).run(),
  accounting: async () => (await import("./accounting.bench.ts")).run(),
  storefront: async () => (await import("./storefront.bench.ts")).run(), // the buyer storefront: Web Vitals, offers page JS
  payouts: async () => (await import("./payouts.bench.ts")).run(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((s) => !(s in suites));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(", ")}; available: ${Object.keys(suites).join(", ")}`);
  process.exit(2);
}
// A suite that fails says so and the others still run: one slow stand-in does not hide
// every other figure. The exit code tells that something failed.
const failed: string[] = [];
for (const name of wanted.length ? wanted : Object.keys(suites)) {
  try {
    await suites[name]!();
  } catch (err) {
    failed.push(name);
    console.error(`[bench] suite ${name} failed:`, err);
  }
}
if (failed.length) console.error(`[bench] failed suites: ${failed.join(", ")}`);
process.exit(failed.length ? 1 : 0);
