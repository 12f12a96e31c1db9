import type { VNode } from "preact";
import { describe, expect, it } from "vitest";
import { giftLookupPath, lookupGift, type FetchLike, type GiftUnitDto } from "./gift-api.ts";
import { blockView, coreStatus, unitView } from "./gift-view.ts";
import { GiftBlock } from "./GiftBlock.tsx";

/** The element tree a component returns, flattened to "tag text" lines (function components expanded). */
function outline(node: unknown, depth = 0): string[] {
  if (node == null || typeof node === "boolean") return [];
  if (typeof node === "string" || typeof node === "number") return [`${"  ".repeat(depth)}"${node}"`];
  if (Array.isArray(node)) return node.flatMap((n) => outline(n, depth));
  const v = node as VNode<Record<string, unknown>>;
  if (typeof v.type === "function") return outline((v.type as (p: unknown) => unknown)(v.props), depth);
  const { children, ...props } = v.props as { children?: unknown } & Record<string, unknown>;
  const attrs = Object.entries(props)
    .filter(([k]) => k !== "key")
    .map(([k, val]) => `${k}=${String(val)}`)
    .join(" ");
  return [`${"  ".repeat(depth)}<${String(v.type)}${attrs ? ` ${attrs}` : ""}>`, ...outline(children, depth + 1)];
}

const unit = (over: Partial<GiftUnitDto> = {}): GiftUnitDto => ({
  id: "11111111-1111-4111-8111-111111111111",
  status: "shipped",
  recipientName: "Ada Lovelace",
  message: "Thank you for a brilliant year!",
  giftOrderId: "22222222-2222-4222-8222-222222222222",
  redeemedAt: "2026-11-20T10:00:00.000Z",
  shippedAt: "2026-11-21T10:00:00.000Z",
  tracking: { carrier: "UPS", number: "1Z999", url: "https://ups.test/1Z999" },
  appPath: "/app/units/11111111-1111-4111-8111-111111111111",
  ...over,
});

describe("gift lookup (the app endpoint the block calls)", () => {
  it("sends the session token to the vendor API path of the order and reads the units", async () => {
    const calls: Array<{ url: string; headers: Record<string, string> }> = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, headers: init.headers });
      return { status: 200, json: async () => ({ shopifyOrderId: "gid://shopify/Order/5", units: [unit()] }) };
    };
    const r = await lookupGift({ fetch, idToken: async () => "tok", orderId: "gid://shopify/Order/5", baseUrl: "https://app.test" });
    expect(calls).toEqual([{ url: "https://app.test/v1/vendor/units/by-shopify-order/gid%3A%2F%2Fshopify%2FOrder%2F5", headers: { accept: "application/json", authorization: "Bearer tok" } }]);
    expect(r).toEqual({ kind: "gift", shopifyOrderId: "gid://shopify/Order/5", units: [unit()] });
    expect(giftLookupPath("7")).toBe("/v1/vendor/units/by-shopify-order/7");
  });

  it("reads 404 as not a gift, other answers and network failures as errors", async () => {
    const answer = (status: number, body: unknown): FetchLike => async () => ({ status, json: async () => body });
    expect(await lookupGift({ fetch: answer(404, { title: "Not Found" }), idToken: async () => null, orderId: "1" })).toEqual({ kind: "not_a_gift" });
    expect(await lookupGift({ fetch: answer(403, { detail: "The app was uninstalled from this shop." }), idToken: async () => "t", orderId: "1" })).toEqual({
      kind: "error",
      message: "The app was uninstalled from this shop.",
    });
    const down: FetchLike = async () => {
      throw new Error("network down");
    };
    expect(await lookupGift({ fetch: down, idToken: async () => "t", orderId: "1" })).toEqual({ kind: "error", message: "network down" });
  });
});

describe("block view and markup", () => {
  it("maps core unit states onto the summary's", () => {
    expect(["sent", "pushed", "canceled", "weird"].map(coreStatus)).toEqual(["awaiting_redemption", "ordered", "cancelled", "failed"]);
  });

  it("shows each recipient with status badge, message, tracking and a link into the app", () => {
    const view = blockView({ kind: "gift", shopifyOrderId: "gid://shopify/Order/5", units: [unit()] });
    expect(view).toMatchObject({ kind: "gift", summary: "1 of 1 gift redeemed", tone: "info" });
    const lines = outline(GiftBlock({ view })).map((l) => l.trim());
    expect(lines[0]).toBe("<s-admin-block heading=Gift details collapsedSummary=1 of 1 gift redeemed>");
    for (const want of ['"Ada Lovelace"', "<s-badge tone=success>", '"Shipped"', '"“Thank you for a brilliant year!”"', "<s-link href=https://ups.test/1Z999 target=_blank>", '"UPS 1Z999"', "<s-link href=app:/app/units/11111111-1111-4111-8111-111111111111>"]) {
      expect(lines).toContain(want);
    }
  });

  it("says so for orders that are not gifts, errors, loading; no message and no tracking read well", () => {
    expect(outline(GiftBlock({ view: blockView({ kind: "not_a_gift" }) })).map((l) => l.trim())).toContain('"This order was not created by Giftloop."');
    const err = outline(GiftBlock({ view: blockView({ kind: "error", message: "boom" }) })).map((l) => l.trim());
    expect(err).toContain("<s-banner tone=critical>");
    expect(err).toContain('"Could not load the gift: boom"');
    expect(outline(GiftBlock({ view: blockView(undefined) })).map((l) => l.trim())[1]).toBe("<s-spinner accessibilityLabel=Loading the gift>");
    const bare = unitView(unit({ status: "sent", message: "  ", tracking: { carrier: null, number: null, url: null } }));
    expect(bare).toMatchObject({ message: "No gift message", tracking: null, badge: { label: "Awaiting redemption" } });
  });
});
