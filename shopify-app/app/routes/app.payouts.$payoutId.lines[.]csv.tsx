import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireVendor } from "../context.server.ts";
import { vendorPayoutLinesCsv } from "@giftloop/core/payouts/vendor-payouts";

/** A payout's lines as CSV (resource route). Another brand's payout is not found. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx } = await requireVendor(args);
  const id = args.params.payoutId ?? "";
  const csv = UUID.test(id) ? await vendorPayoutLinesCsv(ctx, id) : undefined;
  if (csv === undefined) throw new Response("Not found", { status: 404 });
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="giftloop-payout-${id.slice(0, 8)}.csv"`,
      "cache-control": "no-store",
    },
  });
};
