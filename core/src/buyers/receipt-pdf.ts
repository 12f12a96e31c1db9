import PDFDocument from "pdfkit";
import { formatMoney } from "../platform/money.ts";

/**
 * A paid order's receipt as a PDF (A4-ish US Letter, pdfkit as the packing manifests): who
 * paid, when, the order and payment references, one line per offer, shipping per country,
 * refunds, and the total charged. Amounts are integer minor units formatted per currency.
 */
export interface ReceiptData {
  orderId: string;
  buyerName: string;
  brandName: string;
  paidAt: Date;
  paymentIntentId: string | null;
  currency: string;
  /** Gifts per offer, each line's amount with its recipients' shipping. */
  lines: Array<{ label: string; quantity: number; amount: number }>;
  itemsAmount: number;
  shippingAmount: number;
  totalAmount: number;
  refundedAmount: number;
}

export function receiptPdf(r: ReceiptData): Promise<Buffer> {
  const doc = new PDFDocument({ size: "LETTER", margin: 50, info: { Title: `Receipt for gift order ${r.orderId}`, Author: "Giftloop" } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  const money = (n: number) => formatMoney(n, r.currency);
  doc.fontSize(22).font("Helvetica-Bold").text("Receipt");
  doc.moveDown(0.3).fontSize(11).font("Helvetica").fillColor("#444");
  doc.text(`Gift order ${r.orderId}`);
  doc.text(`Paid ${r.paidAt.toISOString().slice(0, 10)} by ${r.buyerName}`);
  doc.text(`Gifts from ${r.brandName}`);
  if (r.paymentIntentId) doc.text(`Payment reference ${r.paymentIntentId}`);
  doc.moveDown(1).fillColor("#000");
  const row = (label: string, qty: string, amount: string, bold = false) => {
    const y = doc.y;
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(11);
    doc.text(label, 50, y, { width: 300 });
    doc.text(qty, 360, y, { width: 60, align: "right" });
    doc.text(amount, 430, y, { width: 130, align: "right" });
    doc.moveDown(0.4);
  };
  row("Item", "Qty", "Amount", true);
  for (const l of r.lines) row(`${l.label} (with shipping)`, String(l.quantity), money(l.amount));
  doc.moveDown(0.5);
  row("Gifts", "", money(r.itemsAmount));
  row("Shipping", "", money(r.shippingAmount));
  row("Total charged", "", money(r.totalAmount), true);
  if (r.refundedAmount > 0) row("Refunded", "", `-${money(r.refundedAmount)}`);
  doc.moveDown(2).fontSize(9).fillColor("#666").text("Giftloop · this receipt was generated from the order's record; amounts in " + r.currency + ".", 50);
  doc.end();
  return done;
}
