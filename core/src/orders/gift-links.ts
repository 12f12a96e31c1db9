import { toCsv } from "../platform/csv.ts";
import type { Deps } from "../platform/deps.ts";
import type { BuyerContext } from "../buyers/buyer-context.ts";
import { formatCode, giftLinkUrl, openCode } from "../redemption/codes/codes.ts";

/**
 * The buyer's export of their recipients' gift links and codes (for sending them through
 * their own channels). Codes are decrypted here, for this buyer's own order only.
 *
 * Every recipient is a row, canceled and expired gifts included: `status` is the gift's
 * (issued, sent, redeemed, …, expired, canceled), or the order's while it is unpaid, so a
 * buyer can tell which links are still live. Written by the one CSV writer (platform/csv.ts):
 * a UTF-8 byte order mark first, cells safe under any separator a spreadsheet reads.
 */
export async function giftLinksCsv(ctx: BuyerContext, deps: Pick<Deps, "secrets" | "config">, orderId: string): Promise<string | undefined> {
  const order = await ctx.db.prisma.giftOrder.findFirst({ where: { id: orderId } });
  if (!order) return undefined;
  const rows = await ctx.db.prisma.orderRecipient.findMany({ where: { orderId }, orderBy: { row: "asc" } });
  const units = new Map(
    (await ctx.db.prisma.fulfillmentUnit.findMany({ where: { orderId } })).map((u) => [u.recipientId, u]),
  );
  const records = await Promise.all(
    rows.map(async (r) => {
      const u = units.get(r.id);
      const code = u ? await openCode(deps.secrets, u.codeSealed, u.id) : undefined;
      return [
        r.row,
        r.name,
        r.email,
        u?.status ?? order.status,
        code ? formatCode(code) : "",
        code ? giftLinkUrl(deps.config.giftLinkBaseUrl, code) : "",
        u?.expiresAt.toISOString() ?? "",
      ];
    }),
  );
  return toCsv(["row", "name", "email", "status", "code", "gift_url", "expires_at"], records, { bom: true });
}
