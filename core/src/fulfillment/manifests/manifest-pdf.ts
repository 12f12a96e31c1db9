import PDFDocument from "pdfkit";
import { qrPng } from "../../redemption/codes/qr.ts";

/**
 * The packing manifest as a PDF (US Letter): a header on every page with the brand, the title
 * and the date, "Page n of N" at the foot, and one fixed-height block per gift to pack —
 * recipient, shipping address, items (product, variant, SKU), the gift message, and a QR code
 * that opens the unit in the app. Blocks never split across pages, so a page holds exactly
 * `UNITS_PER_PAGE` gifts (the tests count pages by it). Fonts are PDF's standard Helvetica:
 * text outside Windows-1252 (e.g. CJK names) is not drawn faithfully; an embedded Unicode
 * font would be the next step.
 */
export interface ManifestUnit {
  unitId: string;
  orderId: string;
  status: string;
  recipientName: string;
  recipientPhone: string | null;
  address: ManifestAddress | null;
  items: Array<{ product: string; variant: string; sku: string | null; quantity: number }>;
  message: string | null;
  shopifyOrderName: string | null;
  /** What the QR code opens. */
  link: string;
}
export interface ManifestAddress {
  name?: string;
  company?: string;
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  phone?: string;
}

export const PAGE = { width: 612, height: 792, margin: 40 } as const;
const HEADER_H = 56;
const FOOTER_H = 28;
export const BLOCK_H = 132;
export const UNITS_PER_PAGE = Math.floor((PAGE.height - 2 * PAGE.margin - HEADER_H - FOOTER_H) / BLOCK_H);
const QR_SIZE = 96;

export function addressLines(a: ManifestAddress | null): string[] {
  if (!a) return ["(no address)"];
  const cityLine = [a.city, [a.region, a.postalCode].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return [a.company, a.line1, a.line2, cityLine, a.country].filter((l): l is string => Boolean(l && l.trim()));
}

export async function renderManifestPdf(input: { brand: string; generatedAt: Date; units: ManifestUnit[] }): Promise<{ pdf: Buffer; pages: number }> {
  const doc = new PDFDocument({ size: [PAGE.width, PAGE.height], margin: PAGE.margin, bufferPages: true, autoFirstPage: false, info: { Title: `Packing manifest — ${input.brand}`, Author: "Giftloop" } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  const qrs = await Promise.all(input.units.map((u) => qrPng(u.link, { size: 192 })));
  const date = input.generatedAt.toISOString().slice(0, 10);
  const left = PAGE.margin;
  const width = PAGE.width - 2 * PAGE.margin;
  const textWidth = width - QR_SIZE - 16;

  const newPage = () => {
    doc.addPage();
    doc.font("Helvetica-Bold").fontSize(16).fillColor("#000").text(input.brand, left, PAGE.margin, { width: width - 160, lineBreak: false, ellipsis: true });
    doc.font("Helvetica").fontSize(10).fillColor("#444").text(`Packing manifest · ${date}`, left + width - 200, PAGE.margin + 4, { width: 200, align: "right" });
    doc.moveTo(left, PAGE.margin + HEADER_H - 16).lineTo(left + width, PAGE.margin + HEADER_H - 16).lineWidth(1).strokeColor("#000").stroke();
  };

  if (input.units.length === 0) {
    newPage();
    doc.font("Helvetica").fontSize(12).fillColor("#000").text("No gifts are waiting to be packed.", left, PAGE.margin + HEADER_H);
  }
  input.units.forEach((u, i) => {
    const slot = i % UNITS_PER_PAGE;
    if (slot === 0) newPage();
    const top = PAGE.margin + HEADER_H + slot * BLOCK_H;
    doc.image(qrs[i]!, left + width - QR_SIZE, top + 4, { width: QR_SIZE, height: QR_SIZE });
    doc.font("Helvetica").fontSize(6.5).fillColor("#666").text(`unit ${u.unitId.slice(0, 8)}`, left + width - QR_SIZE, top + QR_SIZE + 6, { width: QR_SIZE, align: "center" });
    doc.font("Helvetica-Bold").fontSize(12).fillColor("#000").text(`${i + 1}. ${u.recipientName}`, left, top + 4, { width: textWidth, lineBreak: false, ellipsis: true });
    const addr = [...addressLines(u.address), ...(u.recipientPhone ? [`Tel. ${u.recipientPhone}`] : [])].join("\n");
    doc.font("Helvetica").fontSize(9).fillColor("#000").text(addr, left, top + 21, { width: textWidth / 2 - 8, height: 62, ellipsis: true });
    const items = u.items.length
      ? u.items.map((it) => `${it.quantity} × ${it.product}${it.variant && it.variant !== "Default Title" ? ` — ${it.variant}` : ""}${it.sku ? `  (SKU ${it.sku})` : ""}`).join("\n")
      : "(no item chosen)";
    doc.font("Helvetica-Bold").fontSize(8).text("ITEMS", left + textWidth / 2, top + 21, { width: textWidth / 2 });
    doc.font("Helvetica").fontSize(9).text(items, left + textWidth / 2, top + 31, { width: textWidth / 2, height: 52, ellipsis: true });
    const msg = u.message?.trim() ? `“${u.message.trim()}”` : "(no gift message)";
    doc.font("Helvetica-Oblique").fontSize(9).fillColor("#222").text(msg, left, top + 86, { width: textWidth, height: 24, ellipsis: true });
    const ref = [`Order ${u.orderId.slice(0, 8)}`, u.shopifyOrderName ? `Shopify ${u.shopifyOrderName}` : null, u.status].filter(Boolean).join(" · ");
    doc.font("Helvetica").fontSize(7).fillColor("#666").text(ref, left, top + 112, { width: textWidth, lineBreak: false });
    doc.moveTo(left, top + BLOCK_H - 6).lineTo(left + width, top + BLOCK_H - 6).lineWidth(0.5).strokeColor("#bbb").stroke();
  });

  const range = doc.bufferedPageRange();
  for (let p = 0; p < range.count; p++) {
    doc.switchToPage(range.start + p);
    // Writing inside the bottom margin would add a page; lift the margin while drawing the footer.
    doc.page.margins.bottom = 0;
    doc.font("Helvetica").fontSize(8).fillColor("#444").text(`Page ${p + 1} of ${range.count}`, left, PAGE.height - PAGE.margin - 10, { width, align: "center", lineBreak: false });
  }
  doc.end();
  await done;
  return { pdf: Buffer.concat(chunks), pages: range.count };
}
