/**
 * Brand colours are the vendor's choice, so text drawn on them picks its own ink: dark or
 * white, whichever contrasts more (WCAG 2 relative luminance and contrast ratio). Mirrors
 * the Shopify app's preview (readableOn in shopify-app/app/routes/app.storefront.tsx), with
 * the WCAG formula instead of its quick brightness estimate.
 */
export const DARK_INK = "#1a1a1a";
export const WHITE_INK = "#ffffff";
/** The page's own background behind brand-coloured text (cards are white). */
const PAPER = "#ffffff";

/** `#rgb` or `#rrggbb` as 0–255 channels, or null when it is not a hex colour. */
export function parseHex(color: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return null;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join("") : m[1]!;
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG 2 relative luminance (0 = black, 1 = white). */
export function relativeLuminance(color: string): number {
  const rgb = parseHex(color);
  if (!rgb) return 0;
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Dark or white ink for text on `background`, whichever reads better. */
export function readableOn(background: string): string {
  if (!parseHex(background)) return WHITE_INK;
  return contrastRatio(background, DARK_INK) > contrastRatio(background, WHITE_INK) ? DARK_INK : WHITE_INK;
}

/**
 * CSS custom properties for a brand: its colours, the ink on each, and the accent as text
 * and as a selection border on the white page (the accent itself where it contrasts
 * enough, else dark ink).
 */
export function brandTheme(primary: string, accent: string): Record<string, string> {
  const brand = parseHex(primary) ? primary : DARK_INK;
  const acc = parseHex(accent) ? accent : "#0f766e";
  return {
    "--brand": brand,
    "--brand-ink": readableOn(brand),
    "--accent": acc,
    "--accent-ink": readableOn(acc),
    "--accent-text": contrastRatio(acc, PAPER) >= 4.5 ? acc : DARK_INK,
    // Borders that mark a selection need 3:1 against the page (WCAG 1.4.11).
    "--accent-line": contrastRatio(acc, PAPER) >= 3 ? acc : DARK_INK,
  };
}
