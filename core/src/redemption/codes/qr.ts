import QRCode from "qrcode";

/**
 * QR codes for gift links (see `giftLinkUrl`), for the email (PNG, as an inline image: many
 * mail clients do not show SVG) and for pages and print (SVG).
 *
 * Error correction M (about 15% of the symbol can be damaged) and the standard quiet zone
 * of four modules, so phone cameras read it from paper or a screen.
 */
const BASE = { errorCorrectionLevel: "M", margin: 4 } as const;
const MIN_SIZE = 64;
const MAX_SIZE = 2048;
/** Gift links are short; a much longer text is a mistake (and a denser, harder-to-scan code). */
const MAX_TEXT = 1024;

function checkText(text: string): void {
  if (typeof text !== "string" || text.length === 0) throw new TypeError("QR text must be a non-empty string");
  if (text.length > MAX_TEXT) throw new RangeError(`QR text must be at most ${MAX_TEXT} characters`);
}

/** An SVG document (black on white, scales to any size). */
export async function qrSvg(text: string): Promise<string> {
  checkText(text);
  return QRCode.toString(text, { ...BASE, type: "svg", color: { dark: "#000000", light: "#ffffff" } });
}

export interface QrPngOptions {
  /** Width and height in pixels, quiet zone included (default 400: sharp at 200 CSS px on high-density screens). */
  size?: number;
}

/** A square PNG of exactly `size` × `size` pixels. */
export async function qrPng(text: string, options: QrPngOptions = {}): Promise<Buffer> {
  checkText(text);
  const size = options.size ?? 400;
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE) {
    throw new RangeError(`QR size must be an integer from ${MIN_SIZE} to ${MAX_SIZE}`);
  }
  return QRCode.toBuffer(text, { ...BASE, type: "png", width: size, color: { dark: "#000000ff", light: "#ffffffff" } });
}
