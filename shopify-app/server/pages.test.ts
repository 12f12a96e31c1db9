/**
 * Admin pages' loaders and actions over HTTP, as App Bridge calls them (Remix data requests
 * with the session token), against the real database: each page renders for a brand with
 * data and for a fresh one, actions change only this shop's data, another shop's ids are 404.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Seeded } from "@giftloop/core/testing/seed";
import { appHarness, bearerFor, embeddedUrl, installedShop, type AppHarness } from "./testing.ts";

let h: AppHarness;
let mine: Seeded & { shop: string };
let theirs: Seeded & { shop: string };
const browser = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36" };

beforeAll(async () => {
  h = await appHarness();
  mine = await installedShop(h.deps, "pages-mine");
  theirs = await installedShop(h.deps, "pages-theirs");
}, 240_000);
afterAll(async () => {
  await h?.close();
});

const data = (path: string, route: string, shop = mine.shop, init: RequestInit = {}) => {
  const u = new URL(`http://localhost:3999${path}`);
  u.searchParams.set("_data", `routes/${route}`);
  return h.app.request(u.toString(), { ...init, headers: { ...bearerFor(shop), ...(init.headers as Record<string, string>) } });
};
const post = (path: string, route: string, form: Record<string, string | string[]>, shop = mine.shop) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return data(path, route, shop, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
};

describe("every admin page renders", () => {
  it.each([
    ["/app", "Setup guide"],
    ["/app/catalog", "Sync with Shopify"],
    ["/app/offers", "Morning mug"],
    ["/app/offers/new", "New gift offer"],
    ["/app/storefront", "Live preview"],
    ["/app/orders", "No gift orders yet"],
    ["/app/settings", "Data and uninstalling"],
  ])("%s", async (path, text) => {
    const res = await h.app.request(embeddedUrl(path, mine.shop), { headers: browser });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(text);
  });

  it("shows a 404 page (inside the app) for another shop's offer, order or gift", async () => {
    for (const path of [`/app/offers/${theirs.mugOfferId}`, "/app/orders/00000000-0000-4000-8000-000000000000", "/app/units/not-a-uuid"]) {
      const res = await h.app.request(embeddedUrl(path, mine.shop), { headers: browser });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain("Not found");
    }
    expect((await data(`/app/offers/${theirs.mugOfferId}`, "app.offers.$offerId")).status).toBe(404);
  });

  it("shows a not-found page with the app's navigation for an address the app does not have", async () => {
    const res = await h.app.request(embeddedUrl("/app/no/such/page", mine.shop), { headers: browser });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("There&#x27;s no page at this address");
    expect(html).toContain("Go to Home");
    expect(html).toContain("ui-nav-menu"); // the layout, with the app's navigation, is there
  });
});

describe("actions", () => {
  it("Catalog: marks this shop's products not giftable and ignores another shop's ids", async () => {
    const res = await post("/app/catalog", "app.catalog", {
      intent: "giftable",
      giftable: "false",
      id: [mine.products.mug!, mine.products.notebook!, theirs.products.mug!],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ intent: "giftable", message: "2 products no longer giftable" });
    const p = h.deps.db.prisma.product;
    expect((await p.findUniqueOrThrow({ where: { id: mine.products.mug! } })).giftable).toBe(false);
    expect((await p.findUniqueOrThrow({ where: { id: theirs.products.mug! } })).giftable).toBe(true);
    await post("/app/catalog", "app.catalog", { intent: "giftable", giftable: "true", id: [mine.products.mug!, mine.products.notebook!] });
  });

  it("Catalog: 'select all products in this filter' applies to every match, not only the page's ids", async () => {
    const off = await post("/app/catalog", "app.catalog", { intent: "giftable", giftable: "false", scope: "all", q: "o", filterGiftable: "yes", stock: "", type: "" });
    expect(await off.json()).toEqual({ intent: "giftable", message: "3 products no longer giftable" }); // hoodie, mug, notebook: all have an "o"
    expect(await h.deps.db.prisma.product.count({ where: { vendorId: theirs.vendorId, giftable: true } })).toBe(3);
    const on = await post("/app/catalog", "app.catalog", { intent: "giftable", giftable: "true", scope: "all", q: "", filterGiftable: "no", stock: "", type: "Gifts" });
    expect(await on.json()).toEqual({ intent: "giftable", message: "3 products made giftable" });
  });

  it("Offers: creates a recipient's-choice offer, the price read from the money input in minor units", async () => {
    const res = await post("/app/offers/new", "app.offers.$offerId", {
      intent: "save",
      name: "Team hamper",
      description: "",
      kind: "choice",
      price: "1,045.50",
      startsAt: "",
      endsAt: "",
      expiryDays: "45",
      item: [mine.products.hoodie!, `${mine.products.notebook!}/${mine.variants["notebook:Green"]!}`],
    });
    expect(res.status).toBe(204); // a Remix redirect to the new offer's page
    const to = res.headers.get("x-remix-redirect")!;
    const offerId = /\/app\/offers\/([0-9a-f-]{36})/.exec(to)?.[1];
    const offer = await h.deps.db.prisma.giftOffer.findUniqueOrThrow({ where: { id: offerId! }, include: { items: { orderBy: { position: "asc" } } } });
    expect(offer).toMatchObject({ vendorId: mine.vendorId, name: "Team hamper", kind: "choice", status: "draft", priceAmount: 104550, expiryDays: 45 });
    expect(offer.items.map((i) => [i.productId, i.variantId])).toEqual([
      [mine.products.hoodie, null], // every giftable variant
      [mine.products.notebook, mine.variants["notebook:Green"]], // narrowed to one
    ]);
    // Publishing is its own action.
    const published = await post(`/app/offers/${offerId}`, "app.offers.$offerId", { intent: "status", status: "active", version: "1" });
    expect(await published.json()).toMatchObject({ ok: true, message: "Offer published" });
  });

  it("Offers: a single-item offer of a product in sizes, narrowed to some of its variants; the form reads it back", async () => {
    const res = await post("/app/offers/new", "app.offers.$offerId", {
      intent: "save",
      name: "Hoodie, navy only",
      description: "",
      kind: "single",
      price: "55",
      startsAt: "",
      endsAt: "",
      expiryDays: "30",
      item: ["S/Navy", "M/Navy", "L/Navy"].map((v) => `${mine.products.hoodie!}/${mine.variants[`hoodie:${v}`]!}`),
    });
    expect(res.status).toBe(204);
    const offerId = /\/app\/offers\/([0-9a-f-]{36})/.exec(res.headers.get("x-remix-redirect")!)![1]!;
    const loaded = (await (await data(`/app/offers/${offerId}`, "app.offers.$offerId")).json()) as {
      offer: { kind: string; preview: Array<{ variantTitle: string }> };
      products: Array<{ id: string; handle: string; brand: string; selected: string[] | null; variants: unknown[] }>;
    };
    expect(loaded.offer.kind).toBe("single");
    expect(loaded.offer.preview.map((c) => c.variantTitle)).toEqual(["S / Navy", "M / Navy", "L / Navy"]);
    expect(loaded.products).toEqual([
      expect.objectContaining({ id: mine.products.hoodie, handle: "hoodie", brand: "Northwind", selected: ["S/Navy", "M/Navy", "L/Navy"].map((v) => mine.variants[`hoodie:${v}`]) }),
    ]);
    expect(loaded.products[0]!.variants).toHaveLength(6);
    // Two products cannot be one single item.
    const two = await post("/app/offers/new", "app.offers.$offerId", { intent: "save", name: "Two", kind: "single", price: "10", expiryDays: "30", item: [mine.products.hoodie!, mine.products.mug!] });
    expect(((await two.json()) as { errors: Record<string, string> }).errors.items).toMatch(/one product/);
  });

  it("Offers: the resource picker's products are looked up by Shopify id, only this shop's", async () => {
    const hoodie = await h.deps.db.prisma.product.findUniqueOrThrow({ where: { id: mine.products.hoodie! } });
    // The other shop's seeded hoodie carries the same Shopify id: only this shop's is found.
    expect((await h.deps.db.prisma.product.findUniqueOrThrow({ where: { id: theirs.products.hoodie! } })).shopifyId).toBe(hoodie.shopifyId);
    const res = await data(`/app/products-lookup?shopifyId=${encodeURIComponent(hoodie.shopifyId)}&shopifyId=gid%3A%2F%2Fshopify%2FProduct%2F999999`, "app.products-lookup");
    const body = (await res.json()) as { products: Array<{ id: string; variants: unknown[] }> };
    expect(body.products.map((p) => p.id)).toEqual([mine.products.hoodie]);
    expect(body.products[0]!.variants).toHaveLength(6);
  });

  it("Offers: reports bad fields without writing, and refuses another shop's products", async () => {
    const before = await h.deps.db.prisma.giftOffer.count();
    const bad = await post("/app/offers/new", "app.offers.$offerId", {
      intent: "save",
      name: "",
      kind: "choice",
      price: "12.345",
      expiryDays: "45",
      item: [mine.products.hoodie!],
    });
    expect(bad.status).toBe(200);
    expect(((await bad.json()) as { errors: Record<string, string> }).errors).toMatchObject({
      name: "Give the offer a name",
      price: expect.stringContaining("Enter a price"),
      items: "A recipient's choice needs at least two products",
    });
    const foreign = await post("/app/offers/new", "app.offers.$offerId", {
      intent: "save",
      name: "Sneaky",
      kind: "single",
      price: "10",
      expiryDays: "30",
      item: [theirs.products.mug!],
    });
    expect(foreign.status).toBe(200);
    expect(((await foreign.json()) as { message: string }).message).toBeTruthy();
    expect(await h.deps.db.prisma.giftOffer.count()).toBe(before);
  });

  it("Offers: pauses with the version read, and a stale version is refused", async () => {
    const offer = await h.deps.db.prisma.giftOffer.findUniqueOrThrow({ where: { id: mine.mugOfferId } });
    const ok = await post(`/app/offers/${offer.id}`, "app.offers.$offerId", { intent: "status", status: "paused", version: String(offer.version) });
    expect(await ok.json()).toMatchObject({ ok: true, message: "Offer paused" });
    const stale = await post(`/app/offers/${offer.id}`, "app.offers.$offerId", { intent: "status", status: "active", version: String(offer.version) });
    expect(await stale.json()).toMatchObject({ message: expect.stringContaining("changed this offer") });
  });

  it("Storefront: saves branding (keeping offers' prices) and shipping rates in the shop's currency", async () => {
    const branding = await post("/app/storefront", "app.storefront", {
      intent: "branding",
      name: "Northwind Corporate Gifts",
      slug: mine.storefrontSlug,
      primaryColor: "#0B3D2E",
      accentColor: "#f2c14e",
      welcomeText: "Hello buyers",
      active: "on",
      offerId: [mine.choiceOfferId],
    });
    expect(await branding.json()).toMatchObject({ ok: true, message: "Storefront saved" });
    const sf = await h.deps.db.prisma.storefront.findUniqueOrThrow({ where: { id: mine.storefrontId }, include: { offers: true } });
    expect(sf).toMatchObject({ primaryColor: "#0b3d2e", welcomeText: "Hello buyers" });
    expect(sf.offers.map((o) => [o.offerId, o.priceOverrideAmount])).toEqual([[mine.choiceOfferId, 6000]]);

    const badColour = await post("/app/storefront", "app.storefront", { intent: "branding", name: "X", slug: mine.storefrontSlug, primaryColor: "green", accentColor: "#000000" });
    expect(await badColour.json()).toMatchObject({ ok: false, errors: { primaryColor: expect.any(String) } });

    const shipping = await post("/app/storefront", "app.storefront", { intent: "shipping", country: ["US", "*"], rate: ["8.00", "15"] });
    expect(await shipping.json()).toMatchObject({ ok: true });
    const rules = await h.deps.db.prisma.shippingRule.findMany({ where: { vendorId: mine.vendorId }, orderBy: { country: "asc" } });
    expect(rules.map((r) => [r.country, r.rateAmount])).toEqual([["*", 1500], ["US", 800]]);
    const badRate = await post("/app/storefront", "app.storefront", { intent: "shipping", country: ["US"], rate: ["eight"] });
    expect(await badRate.json()).toMatchObject({ ok: false, errors: { "rules.0.rateAmount": expect.any(String) } });
  });

  it("Settings: updates this shop's notification email and default expiry only", async () => {
    const res = await post("/app/settings", "app.settings", { notificationEmail: "gifting@northwind.test", defaultExpiryDays: "120" });
    expect(await res.json()).toEqual({ ok: true, errors: {} });
    const bad = await post("/app/settings", "app.settings", { notificationEmail: "nope", defaultExpiryDays: "120" });
    expect(await bad.json()).toEqual({ ok: false, errors: { notificationEmail: "Enter a valid email address" } });
    const v = await h.deps.db.prisma.vendor.findUniqueOrThrow({ where: { id: mine.vendorId } });
    const other = await h.deps.db.prisma.vendor.findUniqueOrThrow({ where: { id: theirs.vendorId } });
    expect([v.email, v.defaultExpiryDays, other.defaultExpiryDays]).toEqual(["gifting@northwind.test", 120, 90]);
  });
});
