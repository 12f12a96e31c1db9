import type { VNode } from "preact";
import { describe, expect, it } from "vitest";
import { actionView, initialForm, offerOptions, submission } from "./action-view.ts";
import { getGifting, setGiftable, type FetchLike, type GiftingState } from "./gifting-api.ts";
import { GiftingForm } from "./GiftingForm.tsx";

function outline(node: unknown, depth = 0): string[] {
  if (node == null || typeof node === "boolean") return [];
  if (typeof node === "string" || typeof node === "number") return [`${"  ".repeat(depth)}"${node}"`];
  if (Array.isArray(node)) return node.flatMap((n) => outline(n, depth));
  const v = node as VNode<Record<string, unknown>>;
  const { children, ...props } = v.props as { children?: unknown } & Record<string, unknown>;
  const attrs = Object.entries(props)
    .filter(([k, val]) => k !== "key" && typeof val !== "function")
    .map(([k, val]) => `${k}=${String(val)}`)
    .join(" ");
  return [`${"  ".repeat(depth)}<${String(v.type)}${attrs ? ` ${attrs}` : ""}>`, ...outline(children, depth + 1)];
}

const state = (over: Partial<GiftingState["product"]> = {}): GiftingState => ({
  product: { id: "p1", shopifyId: "gid://shopify/Product/9", title: "Travel Journal", giftable: false, ...over },
  offers: [
    { id: "o1", name: "Thank-you box", status: "active", kind: "choice", includesProduct: false },
    { id: "o2", name: "Holiday mug", status: "draft", kind: "single", includesProduct: true },
    { id: "o3", name: "Old offer", status: "archived", kind: "choice", includesProduct: false },
  ],
});

describe("gifting API client (the app endpoints the action calls)", () => {
  it("reads and changes a product's gifting state with the session token", async () => {
    const calls: Array<{ url: string; method?: string; headers: Record<string, string>; body?: string }> = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, ...init });
      return { status: 200, json: async () => state({ giftable: true }) };
    };
    const c = { fetch, idToken: async () => "tok" };
    expect((await getGifting(c, "gid://shopify/Product/9")).ok).toBe(true);
    const r = await setGiftable(c, "gid://shopify/Product/9", { giftable: true, offerId: "o1" });
    expect(r).toEqual({ ok: true, value: state({ giftable: true }) });
    expect(calls.map((x) => [x.method, x.url, x.headers.authorization, x.body])).toEqual([
      ["GET", "/v1/vendor/products/gid%3A%2F%2Fshopify%2FProduct%2F9/gifting", "Bearer tok", undefined],
      ["POST", "/v1/vendor/products/gid%3A%2F%2Fshopify%2FProduct%2F9/giftable", "Bearer tok", '{"giftable":true,"offerId":"o1"}'],
    ]);
  });

  it("turns 404, problems and network failures into messages", async () => {
    const answer = (status: number, body: unknown): FetchLike => async () => ({ status, json: async () => body });
    const c = (f: FetchLike) => ({ fetch: f, idToken: async () => "t" });
    expect(await getGifting(c(answer(404, {})), "1")).toMatchObject({ ok: false, status: 404, message: expect.stringContaining("not synced") });
    expect(await setGiftable(c(answer(409, { detail: "Archived offers cannot be edited." })), "1", { giftable: true })).toEqual({ ok: false, status: 409, message: "Archived offers cannot be edited." });
    expect(await getGifting(c(async () => Promise.reject(new Error("offline"))), "1")).toEqual({ ok: false, status: 0, message: "offline" });
  });
});

describe("action form", () => {
  it("offers only open offers, and not the ones that already include the product", () => {
    expect(offerOptions(state())).toEqual([
      { value: "", label: "Do not add to an offer", disabled: false },
      { value: "o1", label: "Thank-you box", disabled: false },
      { value: "o2", label: "Holiday mug (draft) — already includes it", disabled: true },
    ]);
  });

  it("labels the primary action by what it will do, and sends the matching request", () => {
    const s = state();
    const f = initialForm(s);
    expect(actionView(s, f)).toMatchObject({ primaryLabel: "Make giftable", unchanged: false, error: null });
    expect(submission(s, f)).toEqual({ giftable: true });
    expect(actionView(s, { giftable: true, offerId: "o1" }).primaryLabel).toBe("Save and add to “Thank-you box”");
    expect(submission(s, { giftable: true, offerId: "o1" })).toEqual({ giftable: true, offerId: "o1" });
    expect(actionView(state({ giftable: true }), { giftable: true, offerId: "" }).unchanged).toBe(true);
    expect(actionView(state({ giftable: true }), { giftable: false, offerId: "" }).primaryLabel).toBe("Stop gifting");
    expect(actionView(s, { giftable: false, offerId: "o1" }).error).toBe("Only giftable products can join an offer.");
    expect(submission(s, { giftable: false, offerId: "o1" })).toBeUndefined();
  });

  it("renders the form with the checkbox, the offer choices and the actions", () => {
    const s = state();
    const form = { giftable: true, offerId: "o1" };
    const noop = () => {};
    const lines = outline(GiftingForm({ view: actionView(s, form), form, busy: false, message: null, onGiftable: noop, onOffer: noop, onSave: noop, onCancel: noop })).map((l) => l.trim());
    expect(lines[0]).toBe("<s-admin-action heading=Gifting: Travel Journal>");
    expect(lines).toContain("<s-checkbox label=Giftable (brands' buyers can send it as a gift) checked=true>");
    expect(lines).toContain("<s-select label=Add to a gift offer value=o1>");
    expect(lines).toContain("<s-option value=o2 disabled=true>");
    expect(lines).toContain("<s-button slot=primary-action variant=primary loading=false disabled=false>");
    expect(lines).toContain('"Save and add to “Thank-you box”"');
    expect(lines).not.toContain('"Old offer"');
    const blocked = outline(GiftingForm({ view: actionView(s, { giftable: false, offerId: "o1" }), form: { giftable: false, offerId: "o1" }, busy: false, message: { tone: "critical", text: "Nope" }, onGiftable: noop, onOffer: noop, onSave: noop, onCancel: noop })).map((l) => l.trim());
    expect(blocked).toContain("<s-banner tone=warning>");
    expect(blocked).toContain('"Nope"');
    expect(blocked).toContain("<s-button slot=primary-action variant=primary loading=false disabled=true>");
  });
});
