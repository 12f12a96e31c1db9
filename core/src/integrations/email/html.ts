/**
 * Escaping for email HTML: a tagged template in which every interpolated value is escaped
 * unless it is itself the output of `html` (a SafeHtml). Markup is only ever written in
 * template literals in code, so text from people (names, gift messages) cannot become
 * markup by accident, nor break out of a quoted attribute.
 *
 * Escaping is not validation: a URL placed in href/src must also be checked for its scheme
 * (see `safeHttpUrl`), and a value placed in a style attribute must be checked for its form.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for an element body or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A value inside `html`: SafeHtml as is, arrays joined, null/undefined/false as nothing, the rest escaped text. */
type Interpolation = SafeHtml | string | number | null | undefined | false | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Text with its line breaks kept as `<br>`, everything else escaped. */
export function multiline(text: string): SafeHtml {
  return new SafeHtml(
    text
      .replace(/\r\n?/g, "\n")
      .split("\n")
      .map((line) => escapeHtml(line))
      .join("<br>\n"),
  );
}

/** The URL, normalised, when it is absolute http(s) (or https only); otherwise undefined. */
export function safeHttpUrl(value: string | undefined, options: { httpsOnly?: boolean } = {}): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  const allowed = options.httpsOnly ? ["https:"] : ["https:", "http:"];
  if (!allowed.includes(url.protocol) || url.username || url.password) return undefined;
  return url.href;
}
