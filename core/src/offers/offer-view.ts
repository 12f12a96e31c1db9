import type { Database } from "../platform/db/connect.ts";
import type { VendorContext } from "../platform/use-case.ts";
import { choicesForOffers, type Choice } from "../storefronts/offer-choices.ts";

/** An offer as the brand manages it. */
export interface VendorOffer {
  id: string;
  name: string;
  description: string;
  kind: "single" | "choice";
  status: "draft" | "active" | "paused" | "archived";
  price: { amount: number; currency: string };
  startsAt: string | null;
  endsAt: string | null;
  expiryDays: number;
  version: number;
  items: Array<{ productId: string; variantId: string | null; productTitle: string }>;
  updatedAt: string;
}

type OfferRow = Awaited<ReturnType<typeof loadOffers>>[number];

/** `db` is the brand's (ctx.db): its offers only, and their products. */
async function loadOffers(db: Database, where: { id?: string; status?: string[] }) {
  return db.prisma.giftOffer.findMany({
    where: {
      ...(where.id ? { id: where.id } : {}),
      ...(where.status ? { status: { in: where.status as never } } : {}),
    },
    include: { items: { orderBy: { position: "asc" } } },
    orderBy: { createdAt: "desc" },
  });
}

async function toViews(db: Database, offers: OfferRow[]): Promise<VendorOffer[]> {
  const productIds = [...new Set(offers.flatMap((o) => o.items.map((i) => i.productId)))];
  const titles = new Map(
    (await db.prisma.product.findMany({ where: { id: { in: productIds } }, select: { id: true, title: true } })).map((p) => [p.id, p.title]),
  );
  return offers.map((o) => ({
    id: o.id,
    name: o.name,
    description: o.description,
    kind: o.kind,
    status: o.status,
    price: { amount: o.priceAmount, currency: o.currency },
    startsAt: o.startsAt?.toISOString() ?? null,
    endsAt: o.endsAt?.toISOString() ?? null,
    expiryDays: o.expiryDays,
    version: o.version,
    items: o.items.map((i) => ({ productId: i.productId, variantId: i.variantId, productTitle: titles.get(i.productId) ?? "(deleted product)" })),
    updatedAt: o.updatedAt.toISOString(),
  }));
}

/** The brand's offers, newest first; archived ones only when asked for. */
export async function listOffers(ctx: VendorContext, opts: { includeArchived?: boolean } = {}): Promise<VendorOffer[]> {
  const rows = await loadOffers(ctx.db, opts.includeArchived ? {} : { status: ["draft", "active", "paused"] });
  return toViews(ctx.db, rows);
}

/** One offer of this brand with what a recipient will see (its choices), or undefined. */
export async function getOffer(ctx: VendorContext, offerId: string): Promise<(VendorOffer & { preview: Choice[] }) | undefined> {
  const rows = await loadOffers(ctx.db, { id: offerId });
  if (!rows.length) return undefined;
  const [view] = await toViews(ctx.db, rows);
  const preview = (await choicesForOffers(ctx.db, [offerId])).get(offerId) ?? [];
  return { ...view!, preview };
}
