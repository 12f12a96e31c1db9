/**
 * The embedded app's routes under the same classes of bad input as the API's (see
 * core/src/http/fuzz.test.ts and core/src/testing/fuzz-values.ts): every route of the Remix
 * build, as Shopify admin opens it (document requests with the session token in the URL) and
 * as App Bridge calls it (data requests and form posts with the token in a header), with each
 * path parameter malformed-percent-encoded, each query parameter and form field the route
 * reads (found in its source) at and past the bounds of numbers and dates, holding NUL, a
 * UTF-16 surrogate or bytes that are not UTF-8. None may answer 5xx.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOUNDARY_DATES, MALFORMED_PATH_SEGMENTS } from "@giftloop/core/testing/fuzz-values";
import type { Seeded } from "@giftloop/core/testing/seed";
import { APP_ROOT, DEFAULT_BUILD_DIR } from "./mount.ts";
import { appHarness, bearerFor, embeddedUrl, installedShop, type AppHarness } from "./testing.ts";

let h: AppHarness;
let mine: Seeded & { shop: string };
let routes: Array<{ id: string; path: string; loader: boolean; action: boolean; source: string }>;

beforeAll(async () => {
  h = await appHarness();
  mine = await installedShop(h.deps, "fuzz-app");
  const serverFile = path.join(DEFAULT_BUILD_DIR, "server", "index.js");
  const build = (await import(pathToFileURL(serverFile).href)) as ServerBuild;
  const fullPath = (id: string): string => {
    const r = build.routes[id]!;
    const parent = r.parentId ? fullPath(r.parentId) : "";
    return [parent, r.path ?? ""].filter(Boolean).join("/").replace(/\/+/g, "/");
  };
  routes = Object.values(build.routes)
    .filter((r) => r.id !== "root")
    .map((r) => {
      const file = path.join(APP_ROOT, "app", `${r.id}.tsx`);
      let source = "";
      try {
        source = readFileSync(file, "utf8");
      } catch {
        // a route whose source is elsewhere: fuzzed without its field names
      }
      return { id: r.id, path: `/${fullPath(r.id)}`, loader: Boolean(r.module.loader), action: Boolean(r.module.action), source };
    });
}, 600_000);
afterAll(async () => {
  await h?.close();
});

/** Names a route reads from its query string and its form, from its source. */
function namesIn(source: string, kind: "searchParams" | "form"): string[] {
  const re = kind === "form" ? /form\.get(?:All)?\("([A-Za-z_]+)"\)/g : /searchParams\.get(?:All)?\("([A-Za-z_]+)"\)/g;
  return [...new Set([...source.matchAll(re)].map((m) => m[1]!))];
}
function intentsIn(source: string): string[] {
  return [...new Set([...source.matchAll(/intent"?\)? === "([a-z_-]+)"/g)].map((m) => m[1]!))];
}

/**
 * Query parameters Shopify's library reads on every route it authenticates (the admin's
 * launch parameters, the bounce and exit-iframe pages' own), with hostile values.
 */
const LIBRARY_QUERY: Record<string, string[]> = {
  shop: ["evil.example.com", "x.myshopify.com.evil.test", "%00", "%ED%A0%80", "%EF%BF%BD", "%C3%A9", "%E2%80%AE", "", "a".repeat(300)],
  host: ["%%%", "not-base64", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUv%00"],
  id_token: ["garbage", "a.b.c", "%FF"],
  exitIframe: ["https://evil.example/phish", "//evil.example", "javascript:alert(1)", "https://x.myshopify.com/", "%00", "%FF", ""],
  embedded: ["1", "%00", "2"],
  hmac: ["00", "%FF"],
};
/** Pages behind the Shopify auth splat (`/auth/*`). */
const AUTH_PAGES = ["session-token", "exit-iframe", "login", "callback", "install"];

/** A real value for a dynamic segment (`:offerId`, `*`), so the request reaches the route's own code. */
function fill(routePath: string, bad?: { at: string; raw: string }): string {
  return routePath.replace(/:(\w+)|\*/g, (seg, name: string | undefined) => {
    const at = name ?? "*";
    if (bad && bad.at === at) return bad.raw;
    if (name === "offerId") return mine.mugOfferId;
    if (at === "*") return "session-token";
    return "6b1f8c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b";
  });
}

/**
 * A value the route accepts for a form field, by the field's name, so that a probe changing
 * one field gets past the others' checks to the route's own work (and the database).
 */
function validValue(field: string): string {
  const values: Record<string, string> = {
    name: "Fuzz brand",
    slug: "fuzz-app-store",
    primaryColor: "#112233",
    accentColor: "#445566",
    welcomeText: "Hello",
    active: "on",
    offerId: mine.mugOfferId,
    productId: mine.products.mug!,
    id: mine.products.mug!,
    country: "US",
    rate: "8.00",
    price: "45.00",
    kind: "single",
    description: "A gift",
    startsAt: "2027-01-01",
    endsAt: "2027-02-01",
    expiryDays: "30",
    defaultExpiryDays: "60",
    publish: "true",
    version: "1",
    status: "paused",
    giftable: "true",
    notificationEmail: "ops@example.test",
    shopifyNotifyCustomer: "on",
    shop: mine.shop,
  };
  return encodeURIComponent(values[field] ?? "1");
}

/** Query and form values: numbers and dates at and past their bounds, and text PostgreSQL cannot hold. */
const BAD_VALUES = [
  // The edges that break number parsing and database integers (the API's fuzz walks each field's own range).
  ...["-1", "0", String(2 ** 31), String(2 ** 53 + 2), "1e308", "Infinity", "NaN", "1e3", "0x10", ""],
  ...BOUNDARY_DATES.filter((d) => /^(0000|10000|\+275760|2026-02-30|9999-12-31)/.test(d)),
  ...["%00", "a%00b", "%ED%A0%80", "%FF", "%C0%AE", "%", "x".repeat(3000)],
];
const enc = (v: string) => (v.includes("%") ? v : encodeURIComponent(v));

interface Probe {
  what: string;
  url: string;
  init: RequestInit;
}

function probesFor(r: (typeof routes)[number]): Probe[] {
  const out: Probe[] = [];
  const dynamic = [...r.path.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*");
  const dataUrl = (p: string, query = "") => `http://localhost:3999${p}?_data=${encodeURIComponent(r.id)}${query}`;
  const headers = bearerFor(mine.shop);
  if (r.loader) {
    out.push({ what: "document", url: embeddedUrl(fill(r.path), mine.shop), init: {} });
    for (const at of dynamic) {
      for (const raw of MALFORMED_PATH_SEGMENTS) {
        out.push({ what: `path ${at}=${raw} (document)`, url: embeddedUrl(fill(r.path, { at, raw }), mine.shop), init: {} });
        out.push({ what: `path ${at}=${raw} (data)`, url: dataUrl(fill(r.path, { at, raw })), init: { headers } });
      }
    }
    for (const name of namesIn(r.source, "searchParams")) {
      for (const v of BAD_VALUES) out.push({ what: `query ${name}=${v.slice(0, 30)}`, url: dataUrl(fill(r.path), `&${name}=${enc(v)}`), init: { headers } });
    }
    for (const page of dynamic.includes("*") ? AUTH_PAGES : [undefined]) {
      const p = page ? r.path.replace("*", page) : fill(r.path);
      for (const [name, values] of Object.entries(LIBRARY_QUERY)) {
        for (const v of values) {
          const launch = new URL(embeddedUrl(p, mine.shop));
          const query = [...launch.searchParams].filter(([k]) => k !== name).map(([k, x]) => `${k}=${encodeURIComponent(x)}`);
          out.push({ what: `${p} ${name}=${v.slice(0, 30)}`, url: `${launch.origin}${launch.pathname}?${[...query, `${name}=${enc(v)}`].join("&")}`, init: {} });
        }
      }
    }
  }
  if (r.action) {
    const fields = namesIn(r.source, "form");
    const intents = intentsIn(r.source);
    const baseline = (intent: string | undefined) => fields.filter((f) => f !== "intent" && f !== "logo").map((f) => `${f}=${validValue(f)}`).concat(intent ? [`intent=${intent}`] : []);
    for (const intent of intents.length ? intents : [undefined]) {
      for (const field of fields.filter((f) => f !== "intent")) {
        for (const v of BAD_VALUES) {
          const body = [...baseline(intent).filter((p) => !p.startsWith(`${field}=`)), `${field}=${enc(v)}`].join("&");
          out.push({
            what: `form ${intent ?? ""} ${field}=${v.slice(0, 30)}`,
            url: dataUrl(fill(r.path)),
            init: { method: "POST", headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body },
          });
        }
        // Raw bytes that are not UTF-8 in the field, not percent-encoded.
        const raw = Buffer.concat([Buffer.from(`${baseline(intent).join("&")}&${field}=`), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80])]);
        out.push({ what: `form ${intent ?? ""} ${field}=<bytes>`, url: dataUrl(fill(r.path)), init: { method: "POST", headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body: raw } });
      }
      // The same fields as multipart form data, each in turn holding a NUL.
      for (const bad of fields.filter((f) => f !== "intent" && f !== "logo")) {
        const form = new FormData();
        if (intent) form.append("intent", intent);
        for (const f of fields.filter((x) => x !== "intent")) {
          if (f === "logo") form.append(f, new Blob([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0])], { type: "image/png" }), "logo.png");
          else form.append(f, f === bad ? "a\u0000b" : decodeURIComponent(validValue(f)));
        }
        out.push({ what: `multipart ${intent ?? ""} ${bad}=NUL`, url: dataUrl(fill(r.path)), init: { method: "POST", headers, body: form } });
      }
    }
  }
  return out;
}

describe("the embedded app's routes under bad input", () => {
  it("answers every probe of every route without a 5xx", async () => {
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(["/app", "/app/offers/:offerId", "/auth/*"]));
    const failures: string[] = [];
    let count = 0;
    for (const r of routes) {
      for (const probe of probesFor(r)) {
        count++;
        const res = await h.app.request(probe.url, probe.init);
        await res.arrayBuffer();
        if (res.status >= 500) failures.push(`${r.id}: ${probe.what} -> ${res.status}`);
      }
    }
    expect(failures, `${failures.length} of ${count} probes failed:\n${failures.slice(0, 40).join("\n")}`).toEqual([]);
    expect(count).toBeGreaterThan(500);
    const errors = h.deps.logs.lines.filter((l) => l.level === "error");
    expect(errors.map((l) => String(l.msg))).toEqual([]);
  }, 600_000);
});
