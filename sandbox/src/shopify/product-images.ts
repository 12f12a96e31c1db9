import { escapeHtml } from "./catalog.ts";
import type { StandInContext } from "./context.ts";
import { HttpError } from "./http-error.ts";

/** GET /cdn/shop/files/{shop}/{product}-{n}.svg: a generated image of the product (a tint of its id, and its title). */
export function productImageSvg(ctx: StandInContext, domain: string, file: string): string {
  const m = /^(\d+)-(\d+)\.svg$/.exec(file);
  const shop = ctx.shops.get(domain.endsWith(".myshopify.com") ? domain : `${domain}.myshopify.com`);
  const p = m && shop ? shop.products.get(Number(m[1])) : undefined;
  if (!m || !p) throw new HttpError(404, "Not Found");
  const hue = (p.id * 47 + Number(m[2]) * 90) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800"><rect width="800" height="800" fill="hsl(${hue},45%,82%)"/><circle cx="400" cy="340" r="170" fill="hsl(${hue},40%,60%)"/><text x="400" y="640" font-family="sans-serif" font-size="40" text-anchor="middle" fill="#222">${escapeHtml(p.title)}</text></svg>`;
}
